"""A county at real scale: its 三调 DLTB layer, its farmland and development zones, valued.

Three cases, each against a baseline measured in the same run:

- **DLTB import**: a synthetic DLTB of 50,000 and 200,000 parcels tiling part of
  黄山区 (341003), a zipped Shapefile in CGCS2000 3° Gauss–Krüger zone 39
  (EPSG:4527, X with the zone number) with GBK text and the standard fields. The
  baseline is `ogr2ogr -f PostgreSQL` of the same zip into a table of a scratch
  schema (GDAL's defaults: COPY, a GiST index built after the load); ours is
  `manage.py import_landcover` in a subprocess, whose peak memory (max RSS) is
  reported with the file's size.
- **Zone import**: 50,000 permanent-basic-farmland 图斑 and 300 urban development
  boundaries in one zipped Shapefile (EPSG:4527, GBK) into one planning version,
  with the set-based overlap check of pilots/overlaps.py; `manage.py import_zones`
  against ogr2ogr of the same zip.
- **Valuation** of the county: the 50,000 parcels (survey 2022), then the 200,000
  (survey 2023), against those zones, valuate() against the hand-written intersection
  statement of bench/valuation.py.

Parcels are quadrilaterals on a grid whose vertices are shifted by up to 15% of a
cell (shared by neighbours, so parcels tile without overlap); TBMJ is the planar
area reduced by the Gauss–Krüger scale factor, as the survey's ellipsoidal area is.
The files are generated once and kept in var/bench/ (delete it to regenerate).
"""

import json
import os
import subprocess
import sys
import time
import zipfile
from datetime import date
from pathlib import Path

from django.contrib.gis.geos import Polygon
from django.db import connection

from bench.harness import timed
from bench.valuation import BARE_SQL
from compensation.models import MethodologyVersion
from compensation.valuation import valuate
from pilots.geometry import CHINA_ALBERS_SRID
from pilots.models import PilotMembership, PilotProgramme, PlanningVersion, Region
from pilots.regions import load_regions
from tests.workers import PROJECT_ROOT, database_url_for

REGION = "341003"  # 黄山区, 黄山市
GAUSS_KRUGER_39 = 4527  # CGCS2000 3° zone 39, central meridian 117°E, X with the zone number
FALSE_EASTING = 39_500_000
EARTH_RADIUS = 6_378_137
CACHE = PROJECT_ROOT / "var" / "bench"
VERSION = 2  # of the generated files: raise it when the generator changes

PARCELS = ((50_000, 2022), (200_000, 2023))  # size, survey year (a survey per size)
PARCEL_CELL = 60.0  # metres: 0.36 ha parcels, as in a hilly county
JITTER = 0.15  # share of a cell a vertex may move
FARMLAND = 50_000
DEVELOPED = 300
ZONE_CELL = 100.0  # metres; farmland 图斑 are 90 m squares, development zones 10 x 10 cells

# (DLBM, DLMC, deducts 田坎): a hilly county's mix, cropland with its 田坎 share, in the
# classes the seeded coefficient tables value (no orchards or built-up land).
CLASSES = [
    ("0101", "水田", True),
    ("0103", "旱地", True),
    ("0307", "其他林地", False),
    ("0301", "乔木林地", False),
    ("0301", "乔木林地", False),
    ("0302", "竹林地", False),
    ("0305", "灌木林地", False),
    ("0404", "其他草地", False),
    ("1106", "内陆滩涂", False),
    ("1207", "裸岩石砾地", False),
    ("1101", "河流水面", False),
    ("1104", "坑塘水面", False),
]


def run(report):
    load_regions(prefixes=["340000", "341000", REGION])
    region = Region.objects.get(code=REGION)
    CACHE.mkdir(parents=True, exist_ok=True)
    with connection.cursor() as cursor:
        cursor.execute("CREATE SCHEMA IF NOT EXISTS bench_scratch")
    for size, year in PARCELS:
        archive = _dltb(region, size)
        baseline = report.add(
            "ogr2ogr DLTB Shapefile into PostGIS",
            size=size,
            unit="f/s",
            seconds=_ogr2ogr(archive, f"dltb_{size}"),
        )
        seconds, rss = _command(
            "import_landcover",
            archive,
            "--region",
            REGION,
            "--survey-year",
            str(year),
            "--source",
            "bench",
        )
        report.add(
            "import_landcover DLTB (subprocess)",
            size=size,
            unit="f/s",
            baseline=baseline,
            seconds=seconds,
        )
        report.note(
            f"  import_landcover of {size} DLTB parcels: peak memory (max RSS) {rss / 2**20:.0f} "
            f"MiB for a {archive.stat().st_size / 2**20:.1f} MiB zip"
        )
    programme, plan = _pilot(region, PARCELS[0][1], PARCELS[-1][1])  # in force for both surveys
    archive = _zones(region)
    size = FARMLAND + DEVELOPED
    baseline = report.add(
        "ogr2ogr zones Shapefile into PostGIS",
        size=size,
        unit="f/s",
        seconds=_ogr2ogr(archive, "zones"),
    )
    seconds, rss = _command("import_zones", archive, "--planning-version", str(plan.pk))
    report.add(
        "import_zones with overlap check (subprocess)",
        size=size,
        unit="f/s",
        baseline=baseline,
        seconds=seconds,
    )
    report.note(
        f"  import_zones of {size} zones: peak memory (max RSS) {rss / 2**20:.0f} MiB for a "
        f"{archive.stat().st_size / 2**20:.1f} MiB zip"
    )
    plan.published = True
    plan.save()
    for size, year in PARCELS:  # each year values its own survey against the same zones
        _valuation(report, programme, plan, size, year)


def _valuation(report, programme, plan, size, year):
    baseline = report.add(
        "hand-written intersection SQL, county",
        size=size,
        unit="p/s",
        seconds=timed(lambda: _bare(plan, year)),
    )
    version = MethodologyVersion.objects.get(methodology__name__startswith="广东省")
    report.add(
        "valuate() county (50,300 zones)",
        size=size,
        unit="p/s",
        baseline=baseline,
        seconds=timed(
            lambda: valuate(
                programme=programme,
                year=year,
                methodology_version=version,
                market="CEA",
            )
        ),
    )


def _bare(plan, year):
    with connection.cursor() as cursor:
        cursor.execute(BARE_SQL, [CHINA_ALBERS_SRID, year, plan.pk])
        return cursor.fetchall()


def _pilot(region, first_year, last_year):
    programme = PilotProgramme.objects.create(
        name="bench county",
        start_date=date(first_year, 1, 1),
        end_date=date(last_year, 12, 31),
    )
    PilotMembership.objects.create(programme=programme, region=region)
    plan = PlanningVersion.objects.create(
        region=region,
        name="bench county",
        version=1,
        effective_from=date(first_year, 1, 1),
    )
    return programme, plan


def _command(name: str, archive: Path, *arguments: str) -> tuple[float, int]:
    """Wall time and peak memory (max RSS, bytes) of a management command in a subprocess."""
    env = os.environ | {"DATABASE_URL": database_url_for(connection.settings_dict["NAME"])}
    log = CACHE / f"{name}.log"
    with open(log, "wb") as output:
        start = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "manage.py", name, str(archive), *arguments],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise RuntimeError(f"{name} failed:\n{log.read_text()[-3000:]}")
    return seconds, usage.ru_maxrss * 1024


def _ogr2ogr(archive: Path, table: str) -> float:
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
        f"/vsizip/{archive}",
        "-nln",
        f"bench_scratch.{table}",
        "-overwrite",
    ]
    return timed(lambda: subprocess.run(command, check=True, capture_output=True))


def _grid(region, cell: float):
    """The region's outline in zone 39 (prepared), and the grid origin and size covering it."""
    outline = region.geometry.transform(GAUSS_KRUGER_39, clone=True)
    xmin, ymin, xmax, ymax = outline.extent
    columns, rows = int((xmax - xmin) / cell) + 1, int((ymax - ymin) / cell) + 1
    return outline.prepared, (int(xmin), int(ymin)), columns, rows


def _ellipsoidal(planar_m2: float, x: float) -> float:
    """A Gauss–Krüger area on the ellipsoid: planar over the squared scale factor."""
    y = (x - FALSE_EASTING) / EARTH_RADIUS
    return planar_m2 / (1 + y * y)


def _dltb(region, size: int) -> Path:
    archive = CACHE / f"DLTB-{REGION}-{size}-v{VERSION}.zip"
    if archive.exists():
        return archive
    inside, (x0, y0), columns, rows = _grid(region, PARCEL_CELL)

    def vertex(i, j):
        dx = ((i * 73856093 ^ j * 19349663) % 1000 / 1000 - 0.5) * 2 * JITTER
        dy = ((i * 83492791 ^ j * 2654435761) % 1000 / 1000 - 0.5) * 2 * JITTER
        return (x0 + (i + dx) * PARCEL_CELL, y0 + (j + dy) * PARCEL_CELL)

    features = []
    for j in range(rows):
        for i in range(columns):
            ring = [vertex(i, j), vertex(i + 1, j), vertex(i + 1, j + 1), vertex(i, j + 1)]
            ring.append(ring[0])
            polygon = Polygon(ring)
            if not inside.contains(polygon):
                continue
            number = len(features) + 1
            code, name, ridges = CLASSES[(i * 7 + j * 3) % len(CLASSES)]
            official = round(_ellipsoidal(polygon.area, polygon.centroid.x), 2)
            rate = 0.08 if ridges else 0
            deducted = round(official * rate, 2)
            village = f"{REGION}{100 + j // 200:03d}{200 + i // 200:03d}0000000"
            features.append(
                {
                    "type": "Feature",
                    "properties": {
                        "BSM": f"{REGION}2023{number:08d}",
                        "DLBM": code,
                        "DLMC": name,
                        "ZLDWDM": village,
                        "QSDWDM": village,
                        "TBMJ": official,
                        "KCDLBM": "1203" if ridges else "",
                        "KCXS": rate,
                        "KCMJ": deducted,
                        "TBDLMJ": round(official - deducted, 2),
                    },
                    "geometry": {"type": "Polygon", "coordinates": [ring]},
                }
            )
            if len(features) == size:
                return _shapefile(archive, "DLTB", features)
    raise RuntimeError(f"only {len(features)} parcels fit inside {region}")


def _zones(region) -> Path:
    archive = CACHE / f"zones-{REGION}-{FARMLAND}-{DEVELOPED}-v{VERSION}.zip"
    if archive.exists():
        return archive
    inside, (x0, y0), columns, rows = _grid(region, ZONE_CELL)
    farmland, developed = [], []
    margin = ZONE_CELL * 0.05
    for bj in range(rows // 10):
        for bi in range(columns // 10):
            left, bottom = x0 + bi * 10 * ZONE_CELL, y0 + bj * 10 * ZONE_CELL
            if (bi * 5 + bj * 3) % 8 < 3:
                block = Polygon.from_bbox(
                    (
                        left + margin,
                        bottom + margin,
                        left + 10 * ZONE_CELL - margin,
                        bottom + 10 * ZONE_CELL - margin,
                    )
                )
                if len(developed) < DEVELOPED and inside.contains(block):
                    developed.append(("urban_development_boundary", "城镇开发边界", block))
                continue
            for j in range(10):
                for i in range(10):
                    cell = Polygon.from_bbox(
                        (
                            left + i * ZONE_CELL + margin,
                            bottom + j * ZONE_CELL + margin,
                            left + (i + 1) * ZONE_CELL - margin,
                            bottom + (j + 1) * ZONE_CELL - margin,
                        )
                    )
                    if len(farmland) < FARMLAND and inside.contains(cell):
                        farmland.append(("permanent_basic_farmland", "永久基本农田", cell))
    if len(farmland) < FARMLAND or len(developed) < DEVELOPED:
        raise RuntimeError(f"{len(farmland)} farmland and {len(developed)} zones fit inside")
    features = [
        {
            "type": "Feature",
            "properties": {"kind": kind, "name": f"{name}图斑{number:05d}"},
            "geometry": json.loads(polygon.json),
        }
        for number, (kind, name, polygon) in enumerate(farmland + developed, 1)
    ]
    return _shapefile(archive, "YJJBNT", features)


def _shapefile(archive: Path, layer: str, features: list) -> Path:
    """Features (zone 39 coordinates) as a zipped GBK Shapefile named `layer`, written by GDAL."""
    folder = archive.with_suffix("")
    folder.mkdir(exist_ok=True)
    source = folder / f"{layer}.geojson"
    source.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False),
        encoding="utf-8",
    )
    subprocess.run(
        [
            "ogr2ogr",
            "-f",
            "ESRI Shapefile",
            "-a_srs",
            f"EPSG:{GAUSS_KRUGER_39}",
            "-lco",
            "ENCODING=GBK",
            "-nln",
            layer,
            str(folder / f"{layer}.shp"),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    source.unlink()
    partial = archive.with_suffix(".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zipped:
        for member in sorted(folder.iterdir()):
            zipped.write(member, member.name)
            member.unlink()
    folder.rmdir()
    partial.rename(archive)
    return archive
