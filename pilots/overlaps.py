"""Overlap checks of an import, set-based: which features of a file share area, and with what.

Two rules, checked before anything is written:

- parcels of one land-cover survey (one region, one survey year) never share area,
  or their hectares would count twice: a file's parcels are checked among
  themselves and against the parcels already stored for that region and year;
- protected and developed zones of one planning version never share area (the
  database also enforces this, pilots/sql); zones of the same side may, and
  valuation attributes each hectare once (compensation/valuation.py).

On PostgreSQL the file's features are copied into a temporary table with a spatial
index and one query finds every pair, so a county's 200 000 parcels are checked in
the database, not pair by pair in Python. The SpatiaLite demo profile sweeps the
bounding boxes in Python (sorted by west edge), then relates the geometries of the
pairs whose boxes meet.
"""

from dataclasses import dataclass
from typing import NamedTuple

from django.contrib.gis.geos import MultiPolygon
from django.db import connection, transaction

from pilots.geometry import CHINA_ALBERS_SRID, STORAGE_SRID, area_m2
from pilots.models import LandCover, Zone

LIMIT = 200  # pairs reported; a file with more is refused all the same


@dataclass(frozen=True)
class Shared:
    """Area `m2` shared by feature `feature` of the file and `other_feature` of the same file,
    or `other_id` already stored; `x`, `y` a point inside the shared area (degrees)."""

    feature: int
    other_feature: int | None
    other_id: int | None
    m2: float
    x: float
    y: float
    duplicate: bool


_STAGE_SQL = """
CREATE TEMPORARY TABLE pilots_import_stage (
    feature integer NOT NULL,
    survey_year integer,
    protected boolean,
    geometry geometry(MultiPolygon, {srid}) NOT NULL
) ON COMMIT DROP
"""
_PAIR_COLUMNS = """
       ST_Area(ST_Transform(shared, {albers})) AS m2,
       ST_X(ST_PointOnSurface(shared)), ST_Y(ST_PointOnSurface(shared)), duplicate
"""
_LAND_COVER_SQL = (
    """
SELECT feature, other_feature, other_id,"""
    + _PAIR_COLUMNS
    + """
  FROM (
SELECT a.feature, b.feature AS other_feature, NULL::bigint AS other_id,
       ST_Intersection(a.geometry, b.geometry) AS shared,
       ST_Equals(a.geometry, b.geometry) AS duplicate
  FROM pilots_import_stage a
  JOIN pilots_import_stage b
    ON b.geometry && a.geometry AND b.feature > a.feature AND b.survey_year = a.survey_year
   AND ST_Relate(a.geometry, b.geometry, '2********')
UNION ALL
SELECT a.feature, NULL, lc.id, ST_Intersection(a.geometry, lc.geometry),
       ST_Equals(a.geometry, lc.geometry)
  FROM pilots_import_stage a
  JOIN pilots_landcover lc
    ON lc.region_id = %(region)s AND lc.survey_year = a.survey_year
   AND lc.geometry && a.geometry AND ST_Relate(a.geometry, lc.geometry, '2********')
       ) pairs
 ORDER BY feature, other_feature NULLS LAST, other_id
 LIMIT %(limit)s
"""
)
_ZONES_SQL = (
    """
SELECT feature, other_feature, other_id,"""
    + _PAIR_COLUMNS
    + """
  FROM (
SELECT a.feature, b.feature AS other_feature, NULL::bigint AS other_id,
       ST_Intersection(a.geometry, b.geometry) AS shared, false AS duplicate
  FROM pilots_import_stage a
  JOIN pilots_import_stage b
    ON b.geometry && a.geometry AND b.feature <> a.feature AND NOT a.protected AND b.protected
   AND ST_Relate(a.geometry, b.geometry, '2********')
UNION ALL
SELECT a.feature, NULL, z.id, ST_Intersection(a.geometry, z.geometry), false
  FROM pilots_import_stage a
  JOIN pilots_zone z
    ON z.planning_version_id = %(version)s AND z.protected <> a.protected
   AND z.geometry && a.geometry AND ST_Relate(a.geometry, z.geometry, '2********')
       ) pairs
 ORDER BY feature, other_feature NULLS LAST, other_id
 LIMIT %(limit)s
"""
)


class _Item(NamedTuple):
    """A polygon to compare: its feature number in the file, or its id when stored."""

    key: int
    survey_year: int | None
    protected: bool | None
    geometry: MultiPolygon


def _parcels(rows, key=lambda row: row.feature_index) -> list[_Item]:
    return [_Item(key(r), r.survey_year, None, r.geometry) for r in rows]


def _zones(zones, key=lambda zone: zone.feature_index) -> list[_Item]:
    return [_Item(key(z), None, z.is_protected_kind, z.geometry) for z in zones]


def land_cover_overlaps(rows, region_id: int) -> list[Shared]:
    """Pairs of `rows` (unsaved LandCover) sharing area, and rows sharing area with stored ones."""
    if connection.vendor == "postgresql":
        return _in_database(_LAND_COVER_SQL, _parcels(rows), {"region": region_id})
    return land_cover_overlaps_in_python(rows, region_id)


def land_cover_overlaps_in_python(rows, region_id: int) -> list[Shared]:
    """The same pairs with GEOS: the SpatiaLite path, and a reference for tests."""
    stored = LandCover.objects.filter(
        region_id=region_id, survey_year__in={r.survey_year for r in rows}
    )
    found = []
    for a, b, b_stored in _pairs(_parcels(rows), _parcels(stored, key=lambda s: s.pk)):
        if a.survey_year == b.survey_year and a.geometry.relate_pattern(b.geometry, "2********"):
            found.append(_shared(a, b, stored=b_stored, duplicates=True))
    return _ordered(found)


def zone_overlaps(zones, version_id: int) -> list[Shared]:
    """Zones among `zones` (unsaved) sharing area with zones of the other side, stored or not."""
    if connection.vendor == "postgresql":
        return _in_database(_ZONES_SQL, _zones(zones), {"version": version_id})
    return zone_overlaps_in_python(zones, version_id)


def zone_overlaps_in_python(zones, version_id: int) -> list[Shared]:
    """The same pairs with GEOS: the SpatiaLite path, and a reference for tests."""
    stored = Zone.objects.filter(planning_version_id=version_id)
    found = []
    for a, b, b_stored in _pairs(_zones(zones), _zones(stored, key=lambda z: z.pk)):
        if a.protected == b.protected or not a.geometry.relate_pattern(b.geometry, "2********"):
            continue
        if not b_stored and a.protected:  # within the file: named from the developed zone
            a, b = b, a
        found.append(_shared(a, b, stored=b_stored, duplicates=False))
    return _ordered(found)


def _pairs(staged: list[_Item], stored: list[_Item]):
    """(file item, other item, other is stored) for every pair whose bounding boxes meet.

    A sweep over eastings: items sorted by their west edge, each compared only with the
    items still open at that edge, so a tiling of n parcels costs about n·√n, not n².
    Pairs within the file come with the lower feature number first.
    """
    items = [(item, False) for item in staged] + [(item, True) for item in stored]
    boxes = [item.geometry.extent for item, _stored in items]
    open_items: list[int] = []
    for i in sorted(range(len(items)), key=lambda k: boxes[k][0]):
        x0, y0, _x1, y1 = boxes[i]
        open_items = [j for j in open_items if boxes[j][2] > x0]
        for j in open_items:
            if not (boxes[j][1] < y1 and y0 < boxes[j][3]):
                continue
            (a, a_stored), (b, b_stored) = items[i], items[j]
            if a_stored and b_stored:
                continue
            if a_stored or (not b_stored and b.key < a.key):
                (a, a_stored), (b, b_stored) = (b, b_stored), (a, a_stored)
            yield a, b, b_stored
        open_items.append(i)


def _ordered(found: list[Shared]) -> list[Shared]:
    """As the database orders them: by feature, then feature of the file, then stored id."""
    return sorted(
        found,
        key=lambda s: (s.feature, s.other_feature is None, s.other_feature or 0, s.other_id or 0),
    )[:LIMIT]


def _in_database(sql: str, staged: list[_Item], parameters: dict) -> list[Shared]:
    def fill(cursor):
        with cursor.copy(
            "COPY pilots_import_stage (feature, survey_year, protected, geometry) FROM STDIN"
        ) as copy:
            for feature, year, protected, geometry in staged:
                copy.write_row((feature, year, protected, geometry.ewkb.hex()))

    return _pairs_in_database(sql, fill, parameters)


def staged_land_cover_overlaps(region_id: int) -> list[Shared]:
    """land_cover_overlaps of a staged file's accepted parcels (pilots/imports.py): their
    geometries in pilots_import_checked, their survey years in pilots_import_attributes."""

    def fill(cursor):
        cursor.execute(
            "INSERT INTO pilots_import_stage (feature, survey_year, geometry) "
            "SELECT feature, a.survey_year, c.geometry FROM pilots_import_attributes a "
            "JOIN pilots_import_checked c USING (feature)"
        )

    return _pairs_in_database(_LAND_COVER_SQL, fill, {"region": region_id})


def _pairs_in_database(sql: str, fill, parameters: dict) -> list[Shared]:
    """The pairs `sql` finds among the features `fill(cursor)` puts in pilots_import_stage."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_STAGE_SQL.format(srid=STORAGE_SRID))
        fill(cursor)
        cursor.execute("CREATE INDEX ON pilots_import_stage USING gist (geometry)")
        cursor.execute("ANALYZE pilots_import_stage")
        cursor.execute(
            sql.format(albers=CHINA_ALBERS_SRID),
            parameters | {"limit": LIMIT},
        )
        rows = cursor.fetchall()
        cursor.execute("DROP TABLE pilots_import_stage")
    return [Shared(*row) for row in rows]


def _shared(a: _Item, b: _Item, stored: bool, duplicates: bool) -> Shared:
    shared = a.geometry.intersection(b.geometry)
    point = shared.point_on_surface
    return Shared(
        feature=a.key,
        other_feature=None if stored else b.key,
        other_id=b.key if stored else None,
        m2=area_m2(shared),
        x=point.x,
        y=point.y,
        duplicate=duplicates and a.geometry.equals(b.geometry),
    )
