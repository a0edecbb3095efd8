"""Change detection (变化检测) between two planning versions or two land-cover surveys.

On PostGIS each comparison is a few set-based statements; areas are measured
in the Albers equal-area projection like the valuation's. The SpatiaLite demo
path computes the same figures with GEOS and GDAL in Python (a reference the
tests compare against).

A detection is stored under a key naming what was compared (and, for surveys,
the import batches behind them), so detecting the same change again returns
the stored detection instead of a second one.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Min

from compensation.models import MethodologyVersion, Valuation
from compensation.quantities import co2e_per_ha, hectares, sink_tonnes, tonnes
from compensation.valuation import zone_areas
from config import failpoints
from pilots.geometry import CHINA_ALBERS_SRID, STORAGE_SRID, area_m2
from pilots.models import LandCover, PlanningVersion, Region, Zone
from supervision.exceptions import SupervisionInputError
from supervision.models import ChangeDetection, Encroachment, Transition

WATCHED_KINDS = (Zone.Kind.ECOLOGICAL_RED_LINE, Zone.Kind.PERMANENT_BASIC_FARMLAND)

KIND_AREAS_SQL = """
WITH b AS (SELECT kind, ST_Union(geometry) AS g FROM pilots_zone
            WHERE planning_version_id = %(before)s GROUP BY kind),
     a AS (SELECT kind, ST_Union(geometry) AS g FROM pilots_zone
            WHERE planning_version_id = %(after)s GROUP BY kind)
SELECT coalesce(a.kind, b.kind),
       coalesce(ST_Area(ST_Transform(b.g, %(albers)s)), 0),
       coalesce(ST_Area(ST_Transform(a.g, %(albers)s)), 0),
       CASE WHEN a.g IS NULL THEN 0 WHEN b.g IS NULL THEN ST_Area(ST_Transform(a.g, %(albers)s))
            ELSE ST_Area(ST_Transform(ST_Difference(a.g, b.g), %(albers)s)) END,
       CASE WHEN b.g IS NULL THEN 0 WHEN a.g IS NULL THEN ST_Area(ST_Transform(b.g, %(albers)s))
            ELSE ST_Area(ST_Transform(ST_Difference(b.g, a.g), %(albers)s)) END
  FROM b FULL JOIN a ON a.kind = b.kind
"""
ENCROACHMENTS_SQL = """
SELECT d.id, p.id, p.kind, ST_AsText(piece), ST_Area(ST_Transform(piece, %(albers)s))
  FROM pilots_zone d
  JOIN pilots_zone p
    ON p.planning_version_id = %(before)s AND p.kind = ANY(%(kinds)s)
   AND p.geometry && d.geometry AND ST_Relate(d.geometry, p.geometry, '2********')
 CROSS JOIN LATERAL ST_Multi(ST_CollectionExtract(ST_Intersection(d.geometry, p.geometry), 3))
       AS piece
 WHERE d.planning_version_id = %(after)s AND NOT d.protected
 ORDER BY d.id, p.id
"""
CLASS_AREAS_SQL = """
SELECT luc.code, lc.survey_year, sum(ST_Area(ST_Transform(lc.geometry, %(albers)s)))
  FROM pilots_landcover lc JOIN pilots_landuseclass luc ON luc.id = lc.land_use_id
 WHERE lc.region_id = %(region)s AND lc.survey_year IN (%(before)s, %(after)s)
 GROUP BY luc.code, lc.survey_year
"""
TRANSITIONS_SQL = """
SELECT ca.code, cb.code,
       sum(ST_Area(ST_Transform(ST_Intersection(a.geometry, b.geometry), %(albers)s)))
  FROM pilots_landcover a
  JOIN pilots_landuseclass ca ON ca.id = a.land_use_id
  JOIN pilots_landcover b
    ON b.region_id = a.region_id AND b.survey_year = %(after)s
   AND b.geometry && a.geometry AND ST_Relate(a.geometry, b.geometry, '2********')
  JOIN pilots_landuseclass cb ON cb.id = b.land_use_id
 WHERE a.region_id = %(region)s AND a.survey_year = %(before)s
 GROUP BY ca.code, cb.code
"""


@dataclass(frozen=True)
class Piece:
    """One encroachment before it is stored."""

    developed_zone_id: int
    protected_zone_id: int
    protected_kind: str
    geometry: MultiPolygon
    area_ha: Decimal


def detect_planning_change(
    *,
    before: PlanningVersion,
    after: PlanningVersion,
    methodology_version: MethodologyVersion | None = None,
) -> ChangeDetection:
    """What a new planning version changes: protected area by kind, encroachments, sink."""
    _check_versions(before, after)
    methodology_version = methodology_version or methodology_for(before.region)
    key = f"planning:{before.pk}:{after.pk}:m{methodology_version.pk if methodology_version else 0}"
    stored = ChangeDetection.objects.filter(key=key).first()
    if stored is not None:
        return stored
    survey = _survey_before(before.region, after.effective_from.year)
    sinks = [
        _protected_sink(plan=v.pk, region=before.region, year=survey, version=methodology_version)
        for v in (before, after)
    ]
    areas = kind_areas(before=before.pk, after=after.pk)
    pieces = encroachments(before=before.pk, after=after.pk)
    failpoints.pause("supervision.detect")
    return _store(
        ChangeDetection(
            key=key,
            region=before.region,
            subject=ChangeDetection.Subject.PLANNING,
            before_version=before,
            after_version=after,
            areas=areas,
            sink_before_tco2e=sinks[0][0],
            sink_after_tco2e=sinks[1][0],
            uncounted_codes=sorted(sinks[0][1] | sinks[1][1]),
            methodology_version=methodology_version,
        ),
        lambda detection: Encroachment.objects.bulk_create(
            Encroachment(
                detection=detection,
                developed_zone_id=p.developed_zone_id,
                protected_zone_id=p.protected_zone_id,
                protected_kind=p.protected_kind,
                area_ha=p.area_ha,
                geometry=p.geometry,
            )
            for p in pieces
        ),
    )


def _store(detection: ChangeDetection, details) -> ChangeDetection:
    """Store `detection` and its details (`details(detection)`), or read the one stored first.

    The unique key decides between two processes that computed the same comparison at
    once (setup_demo and the worker's supervision task): the loser's INSERT fails in
    its savepoint, after the winner committed, and it returns the winner's row.
    """
    try:
        with transaction.atomic():
            detection.save(force_insert=True)
            details(detection)
    except IntegrityError:
        stored = ChangeDetection.objects.filter(key=detection.key).first()
        if stored is None:  # the unique key was not what failed
            raise
        return stored
    return detection


def detect_land_cover_change(
    *,
    region: Region,
    before_year: int,
    after_year: int,
    methodology_version: MethodologyVersion | None = None,
) -> ChangeDetection:
    """What changed on the ground between two surveys: transition matrix and sink."""
    if before_year >= after_year:
        raise SupervisionInputError(
            f"Compare an earlier survey with a later one: {before_year} is not before {after_year}."
        )
    surveyed = set(
        LandCover.objects.filter(region=region, survey_year__in=[before_year, after_year])
        .values_list("survey_year", flat=True)
        .distinct()
    )
    missing = sorted({before_year, after_year} - surveyed)
    if missing:
        raise SupervisionInputError(
            f"{region} has no land-cover survey for {', '.join(map(str, missing))}; "
            "import it first."
        )
    methodology_version = methodology_version or methodology_for(region)
    key = (
        f"land_cover:{region.pk}:{before_year}:{after_year}:"
        f"m{methodology_version.pk if methodology_version else 0}:"
        f"{_survey_digest(region, before_year, after_year)}"
    )
    stored = ChangeDetection.objects.filter(key=key).first()
    if stored is not None:
        return stored
    plan = latest_plan(region)
    sinks = [
        _protected_sink(plan=plan.pk, region=region, year=y, version=methodology_version)
        if plan
        else (None, set())
        for y in (before_year, after_year)
    ]
    areas = class_areas(region=region, before_year=before_year, after_year=after_year)
    matrix = transitions(region=region, before_year=before_year, after_year=after_year)
    failpoints.pause("supervision.detect")
    return _store(
        ChangeDetection(
            key=key,
            region=region,
            subject=ChangeDetection.Subject.LAND_COVER,
            before_year=before_year,
            after_year=after_year,
            areas=areas,
            sink_before_tco2e=sinks[0][0],
            sink_after_tco2e=sinks[1][0],
            uncounted_codes=sorted(sinks[0][1] | sinks[1][1]),
            methodology_version=methodology_version,
        ),
        lambda detection: Transition.objects.bulk_create(
            Transition(detection=detection, from_code=f, to_code=t, area_ha=ha)
            for (f, t), ha in sorted(matrix.items())
        ),
    )


def detect_latest_changes(region: Region) -> list[ChangeDetection]:
    """Compare the two latest published plans and the two latest surveys, where both exist."""
    detections = []
    plans = list(
        PlanningVersion.objects.filter(region=region, published=True).order_by("-version")[:2]
    )
    if len(plans) == 2:
        detections.append(detect_planning_change(before=plans[1], after=plans[0]))
    years = list(
        LandCover.objects.filter(region=region)
        .order_by("-survey_year")
        .values_list("survey_year", flat=True)
        .distinct()[:2]
    )
    if len(years) == 2:
        detections.append(
            detect_land_cover_change(region=region, before_year=years[1], after_year=years[0])
        )
    return detections


def methodology_for(region: Region) -> MethodologyVersion | None:
    """The methodology of the region's latest current valuation: the sink officials know."""
    valuation = (
        Valuation.objects.filter(current=True, programme__regions=region)
        .select_related("methodology_version")
        .order_by("-year", "-pk")
        .first()
    )
    return valuation.methodology_version if valuation else None


def kind_areas(*, before: int, after: int) -> dict:
    """Per zone kind, hectares before, after, gained and lost."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                KIND_AREAS_SQL, {"before": before, "after": after, "albers": CHINA_ALBERS_SRID}
            )
            rows = cursor.fetchall()
    else:
        rows = _kind_areas_in_python(before=before, after=after)
    return {
        kind: {
            "before_ha": str(hectares(b)),
            "after_ha": str(hectares(a)),
            "gained_ha": str(hectares(gained)),
            "lost_ha": str(hectares(lost)),
        }
        for kind, b, a, gained, lost in sorted(rows)
    }


def encroachments(*, before: int, after: int) -> list[Piece]:
    """Where a developed zone of `after` lies on a watched protected zone of `before`."""
    if connection.vendor != "postgresql":
        return _encroachments_in_python(before=before, after=after)
    with connection.cursor() as cursor:
        cursor.execute(
            ENCROACHMENTS_SQL,
            {
                "before": before,
                "after": after,
                "kinds": [str(k) for k in WATCHED_KINDS],
                "albers": CHINA_ALBERS_SRID,
            },
        )
        rows = cursor.fetchall()
    pieces = [
        Piece(d, p, kind, GEOSGeometry(wkt, srid=STORAGE_SRID), hectares(m2))
        for d, p, kind, wkt, m2 in rows
    ]
    return [p for p in pieces if p.area_ha > 0]


def class_areas(*, region: Region, before_year: int, after_year: int) -> dict:
    """Per land-use class, hectares in each survey and the net change."""
    if connection.vendor == "postgresql":
        rows = _survey_rows(CLASS_AREAS_SQL, region, before_year, after_year)
    else:
        totals = defaultdict(float)
        for cover in LandCover.objects.filter(
            region=region, survey_year__in=[before_year, after_year]
        ).select_related("land_use"):
            totals[(cover.land_use.code, cover.survey_year)] += area_m2(cover.geometry)
        rows = [(code, year, m2) for (code, year), m2 in totals.items()]
    by_code = defaultdict(lambda: {"before_ha": "0.0000", "after_ha": "0.0000"})
    for code, year, m2 in rows:
        by_code[code]["before_ha" if year == before_year else "after_ha"] = str(hectares(m2))
    for figures in by_code.values():
        figures["change_ha"] = str(Decimal(figures["after_ha"]) - Decimal(figures["before_ha"]))
    return dict(sorted(by_code.items()))


def transitions(*, region: Region, before_year: int, after_year: int) -> dict:
    """(from code, to code) -> hectares that went from one class to the other."""
    if connection.vendor == "postgresql":
        rows = _survey_rows(TRANSITIONS_SQL, region, before_year, after_year)
    else:
        rows = _transitions_in_python(region=region, before_year=before_year, after_year=after_year)
    matrix = {(f, t): hectares(m2) for f, t, m2 in rows}
    return {pair: ha for pair, ha in matrix.items() if ha > 0}


def _survey_rows(sql: str, region: Region, before_year: int, after_year: int) -> list[tuple]:
    params = {
        "region": region.pk,
        "before": before_year,
        "after": after_year,
        "albers": CHINA_ALBERS_SRID,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _check_versions(before: PlanningVersion, after: PlanningVersion) -> None:
    problems = []
    if before.region_id != after.region_id:
        problems.append(f"{before} and {after} belong to different regions")
    elif before.version >= after.version:
        problems.append(f"{before} is not earlier than {after}")
    problems += [f"{v} is not published yet" for v in (before, after) if not v.published]
    if problems:
        raise SupervisionInputError(
            "Cannot compare these planning versions: " + "; ".join(problems) + "."
        )


def _survey_before(region: Region, year: int) -> int | None:
    """The land as it was when a plan took effect: the latest survey before `year`, else the
    earliest there is. The sink change then says what the new plan gives up or gains."""
    cover = LandCover.objects.filter(region=region)
    earlier = cover.filter(survey_year__lt=year).aggregate(year=Max("survey_year"))["year"]
    return earlier or cover.aggregate(year=Min("survey_year"))["year"]


def latest_plan(region: Region) -> PlanningVersion | None:
    """The region's latest published planning version: the plan supervisors hold it to."""
    return (
        PlanningVersion.objects.filter(region=region, published=True).order_by("-version").first()
    )


def _survey_digest(region: Region, *years: int) -> str:
    """Changes when a survey is imported again: its batches and its polygon count."""
    cover = LandCover.objects.filter(region=region, survey_year__in=years)
    batches = sorted(set(cover.values_list("import_batch", flat=True)) - {None})
    text = f"{batches}:{cover.count()}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _protected_sink(*, plan, region, year, version) -> tuple[Decimal | None, set[str]]:
    """Sink of the plan's protected zones on one survey, and the codes with no coefficient."""
    if version is None or year is None:
        return None, set()
    coefficients = {
        c.land_use_code: co2e_per_ha(c.value, unit=version.unit) for c in version.coefficients.all()
    }
    total, uncounted = Decimal(0), set()
    for area in zone_areas(plans=[plan], surveys={region.pk: year}):
        if not area.protected:
            continue
        if area.code in coefficients:
            total += sink_tonnes(area_ha=area.area_ha, coefficient_tco2e=coefficients[area.code])
        else:
            uncounted.add(area.code)
    return tonnes(total), uncounted


def _union(geometries):
    geometries = list(geometries)
    if not geometries:
        return None
    return MultiPolygon(*[p for g in geometries for p in g], srid=STORAGE_SRID).unary_union


def _kind_areas_in_python(*, before: int, after: int) -> list[tuple]:
    unions = {}
    for plan in (before, after):
        by_kind = defaultdict(list)
        for zone in Zone.objects.filter(planning_version_id=plan):
            by_kind[zone.kind].append(zone.geometry)
        unions[plan] = {kind: _union(gs) for kind, gs in by_kind.items()}
    rows = []
    for kind in set(unions[before]) | set(unions[after]):
        b, a = unions[before].get(kind), unions[after].get(kind)
        rows.append(
            (
                kind,
                area_m2(b) if b else 0.0,
                area_m2(a) if a else 0.0,
                (area_m2(a.difference(b)) if b else area_m2(a)) if a else 0.0,
                (area_m2(b.difference(a)) if a else area_m2(b)) if b else 0.0,
            )
        )
    return rows


def _encroachments_in_python(*, before: int, after: int) -> list[Piece]:
    watched = list(Zone.objects.filter(planning_version_id=before, kind__in=WATCHED_KINDS))
    pieces = []
    for developed in Zone.objects.filter(planning_version_id=after, protected=False).order_by("pk"):
        for protected in sorted(watched, key=lambda z: z.pk):
            if not developed.geometry.relate_pattern(protected.geometry, "2********"):
                continue
            shape = _polygonal(developed.geometry.intersection(protected.geometry))
            area = hectares(area_m2(shape))
            if area > 0:
                pieces.append(Piece(developed.pk, protected.pk, protected.kind, shape, area))
    return pieces


def _polygonal(geometry) -> MultiPolygon:
    if geometry.geom_type == "Polygon":
        parts = [geometry]
    else:
        parts = [g for g in geometry if g.geom_type == "Polygon"]
        parts += [p for g in geometry if g.geom_type == "MultiPolygon" for p in g]
    return MultiPolygon(*parts, srid=STORAGE_SRID)


def _transitions_in_python(*, region: Region, before_year: int, after_year: int) -> list[tuple]:
    totals = defaultdict(float)
    earlier_cover = LandCover.objects.filter(region=region, survey_year=before_year)
    for earlier in earlier_cover.select_related("land_use"):
        later_cover = LandCover.objects.filter(
            region=region, survey_year=after_year, geometry__intersects=earlier.geometry
        )
        for cover in later_cover.select_related("land_use"):
            if earlier.geometry.relate_pattern(cover.geometry, "2********"):
                piece = earlier.geometry.intersection(cover.geometry)
                totals[(earlier.land_use.code, cover.land_use.code)] += area_m2(piece)
    return [(f, t, m2) for (f, t), m2 in totals.items()]
