"""Land-cover import from a GeoPackage: features/s, against ogr2ogr loading the same file.

The baseline is GDAL's own ogr2ogr writing the GeoPackage into a plain
PostGIS table (no validation, no region check, no report): what a bare
loader costs on this machine in the same run. Polygons are small squares
inside the real 黄山市 boundary.
"""

import json
import statistics
import subprocess
import tempfile
from pathlib import Path

from django.contrib.gis.geos import Polygon
from django.db import connection

from bench.harness import timed
from pilots.imports import import_land_cover
from pilots.models import Region
from pilots.regions import load_regions

SIZES = (2500, 10000)
REPEATS = 3
CELL = 0.004


def run(report):
    load_regions(prefixes=["340000", "341000"])
    region = Region.objects.get(code="341000")
    cells = _cells_inside(region, max(SIZES) + REPEATS)
    with tempfile.TemporaryDirectory() as folder:
        for size in SIZES:
            packages = [
                _geopackage(Path(folder), cells[r : r + size], f"{size}-{r}")
                for r in range(REPEATS)
            ]
            baseline = report.add(
                "ogr2ogr GeoPackage into PostGIS",
                size=size,
                unit="f/s",
                seconds=statistics.median(_ogr2ogr(p) for p in packages),
            )
            report.add(
                "import_landcover (validated)",
                size=size,
                unit="f/s",
                baseline=baseline,
                seconds=statistics.median(_import(region, p) for p in packages),
            )


def _cells_inside(region, count):
    xmin, ymin, xmax, ymax = region.geometry.extent
    prepared = region.geometry.prepared
    cells = []
    y = ymin
    while y < ymax and len(cells) < count:
        x = xmin
        while x < xmax and len(cells) < count:
            cell = Polygon.from_bbox((x, y, x + CELL * 0.9, y + CELL * 0.9))
            if prepared.contains(cell):
                cells.append(cell)
            x += CELL
        y += CELL
    if len(cells) < count:
        raise RuntimeError(f"only {len(cells)} cells fit inside {region}")
    return cells


def _geopackage(folder: Path, cells, label) -> Path:
    source = folder / f"cells-{label}.geojson"
    source.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "crs": {"type": "name", "properties": {"name": "EPSG:4490"}},
                "features": [
                    {
                        "type": "Feature",
                        "properties": {
                            "landuse_code": ("03", "01", "11", "04")[i % 4],
                            "scheme": "third-survey",
                            "survey_year": 2023,
                        },
                        "geometry": json.loads(cell.json),
                    }
                    for i, cell in enumerate(cells)
                ],
            }
        )
    )
    target = folder / f"cells-{label}.gpkg"
    subprocess.run(
        ["ogr2ogr", "-f", "GPKG", "-a_srs", "EPSG:4490", str(target), str(source)],
        check=True,
        capture_output=True,
    )
    return target


def _ogr2ogr(package: Path) -> float:
    settings = connection.settings_dict
    destination = (
        f"PG:host={settings['HOST'] or '127.0.0.1'} port={settings['PORT'] or 5432} "
        f"user={settings['USER']} dbname={settings['NAME']}"
    )
    command = [
        "ogr2ogr",
        "-f",
        "PostgreSQL",
        destination,
        str(package),
        "-nln",
        "bench_plain_landcover",
        "-append",
        "-lco",
        "SPATIAL_INDEX=NONE",
    ]
    return timed(lambda: subprocess.run(command, check=True, capture_output=True))


def _import(region, package: Path) -> float:
    data = package.read_bytes()
    return timed(lambda: import_land_cover(name=package.name, data=data, region=region))
