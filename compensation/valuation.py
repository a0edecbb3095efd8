"""Carbon-sink valuation of a pilot for one year, with provenance.

Land cover is intersected with the zones of the planning versions in force,
areas are measured in the Albers equal-area projection, and multiplied by the
methodology's coefficients. Each hectare counts once: where zones of one
planning version overlap, it is attributed to one zone by `ATTRIBUTION_ORDER`
and the overlap is reported. On PostGIS this is set-based SQL for the whole
pilot; the SpatiaLite demo path computes the same areas with GEOS and GDAL in
Python (slower, same numbers to 0.0001 ha).
"""

import hashlib
import json
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from importlib.metadata import version as package_version

from django.contrib.gis.geos import GeometryCollection
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from compensation.exceptions import ValuationInputError
from compensation.models import (
    EmissionInventory,
    MethodologyVersion,
    RegionPosition,
    Valuation,
    ValuationLine,
    ZoneOverlap,
)
from compensation.prices import price_in_force
from compensation.quantities import cny, co2e_per_ha, hectares, sink_tonnes, tonnes
from config import bulk
from pilots.geometry import CHINA_ALBERS_SRID, area_m2
from pilots.models import (
    ImportBatch,
    LandCover,
    PilotProgramme,
    PlanningVersion,
    Region,
    Zone,
)
from pilots.third_survey import FIELD_RIDGE, FIELD_RIDGE_CLASS

# Where zones of one planning version overlap, each hectare is attributed to the first of
# them in this order, then to the lower id: the strictest legal protection first, control
# lines before the functional zones drawn around them, protected before developed
# (docs/decisions/2026-11-30-each-hectare-once.md).
ATTRIBUTION_ORDER = (
    Zone.Kind.ECOLOGICAL_RED_LINE,
    Zone.Kind.PERMANENT_BASIC_FARMLAND,
    Zone.Kind.ECOLOGICAL_FUNCTION_AREA,
    Zone.Kind.GRAIN_PRODUCING_AREA,
    Zone.Kind.URBAN_DEVELOPMENT_BOUNDARY,
    Zone.Kind.URBANISED_AREA,
)
# Each zone minus the union of the zones of its version (and region) that come before it
# and share area with it (ST_Relate '2********', so zones that only touch are left alone),
# with the ids of those zones (`ceded_to`, NULL when none): each zone and each pair once.
# LATERAL probes the zones' spatial index per zone; its aggregate keeps the planner from
# flattening it into a join of every zone with every zone of its version. Made once per
# valuation into a temporary table that the areas and the overlaps both read.
ATTRIBUTED_SQL = """
CREATE TEMPORARY TABLE valuation_attributed ON COMMIT DROP AS
SELECT z.id, z.region_id, z.protected, higher.ceded_to,
       CASE WHEN higher.geometry IS NULL THEN z.geometry
            ELSE ST_Difference(z.geometry, higher.geometry) END AS geometry
  FROM pilots_zone z
 CROSS JOIN LATERAL (
       SELECT array_agg(h.id) AS ceded_to, ST_Union(h.geometry) AS geometry
         FROM pilots_zone h
        WHERE h.planning_version_id = z.planning_version_id AND h.region_id = z.region_id
          AND h.geometry && z.geometry
          AND (array_position(%(order)s::text[], h.kind::text), h.id)
              < (array_position(%(order)s::text[], z.kind::text), z.id)
          AND ST_Relate(h.geometry, z.geometry, '2********')) higher
 WHERE z.planning_version_id = ANY(%(plans)s::bigint[]) AND z.region_id = ANY(%(regions)s::bigint[])
"""
# Hectares of each class attributed to each zone. `zones` carries the survey each zone is
# valued on, so that the parcels the spatial index returns are tested on region and year
# before ST_Intersects: other surveys drawn over the same ground (each year's 变更调查)
# cost a comparison, not a geometry test. The test is one CASE, not equalities the
# planner could merge-join on: with one survey, they match every parcel with every zone
# (tried: 25,000 parcels x 1,000 zones, 4.4 s). A parcel inside its zone and clear of
# its boundary is its own piece: ST_ContainsProperly (prepared, as ST_Intersects is)
# spares its overlay, whose result would be the parcel's own vertices, at most from
# another first vertex (areas within 1e-9 m², as the order the pieces are summed in
# already varies them; they are rounded to 1 m², 0.0001 ha). Not ST_Within: a zone vertex
# on the parcel's edge becomes a vertex of the overlay, and in Albers the edge then bends
# (0.065 m² on a 5.4 ha parcel in a test).
AREAS_SQL = """
WITH zones AS MATERIALIZED (
SELECT a.id, a.region_id, a.protected, a.geometry, surveys.cover_region_id, surveys.year
  FROM valuation_attributed a
  JOIN unnest(%(regions)s::bigint[], %(cover_regions)s::bigint[], %(years)s::integer[])
       AS surveys(region_id, cover_region_id, year)
    ON surveys.region_id = a.region_id
), pieces AS MATERIALIZED (
SELECT a.id, a.region_id, a.protected, lc.land_use_id,
       -- 田坎 booked out of the parcel's class, as 三调 does (LandCover.field_ridge_share)
       CASE WHEN lc.deduction_code = %(ridge)s
            THEN coalesce(lc.deduction_m2 / nullif(lc.official_area_m2, 0),
                          lc.deduction_rate, 0)::float8
            ELSE 0 END AS ridge,
       -- a parcel inside its zone is its own piece: no overlay (see above)
       ST_Area(ST_Transform(CASE WHEN ST_ContainsProperly(a.geometry, lc.geometry)
                                 THEN lc.geometry
                                 ELSE ST_Intersection(a.geometry, lc.geometry) END,
                            %(srid)s::integer)) AS m2
  FROM zones a
  JOIN pilots_landcover lc
    ON lc.geometry && a.geometry
   AND CASE WHEN lc.region_id = a.cover_region_id AND lc.survey_year = a.year
            THEN ST_Intersects(lc.geometry, a.geometry) ELSE false END
)
SELECT id, region_id, protected, scheme, code, round((m2 / 10000)::numeric, 4) AS area_ha
  FROM (
SELECT p.id, p.region_id, p.protected, luc.scheme, part.code, sum(p.m2 * part.share) AS m2
  FROM pieces p
  JOIN pilots_landuseclass luc ON luc.id = p.land_use_id
 CROSS JOIN LATERAL (
       VALUES (luc.code::text, 1 - p.ridge), (%(ridge_class)s::text, p.ridge)
       ) AS part(code, share)
 WHERE part.share > 0
 GROUP BY p.id, p.region_id, p.protected, luc.scheme, part.code) areas
 WHERE m2 > 0  -- land cover touching a zone's edge only
"""
# Each zone against the attributed part of each zone it cedes to: these pieces do not
# overlap each other, so a zone's rows add up to what it ceded. A pair whose attributed
# part went entirely to zones before it measures 0.
ZONE_OVERLAPS_SQL = """
SELECT c.id, a.id, c.region_id,
       round((ST_Area(ST_Transform(ST_Intersection(z.geometry, a.geometry),
                                   %(srid)s::integer)) / 10000)::numeric, 4) AS area_ha
  FROM valuation_attributed c
 CROSS JOIN unnest(c.ceded_to) AS pair(counted_in_id)
  JOIN valuation_attributed a ON a.id = pair.counted_in_id
  JOIN pilots_zone z ON z.id = c.id
 WHERE c.ceded_to IS NOT NULL
"""
# Parcels of one survey sharing area, as (lower id, higher id): each parcel not in
# `checked` (ids of batches whose parcels were checked at import, ImportBatch.
# overlaps_checked) against every other parcel of its survey; a pair of two such parcels
# once. LATERAL makes each polygon probe the spatial index for its neighbours, whatever
# the statistics of a freshly imported survey suggest.
OVERLAPS_SQL = """
SELECT least(a.id, b.id), greatest(a.id, b.id)
  FROM pilots_landcover a
 CROSS JOIN LATERAL (
       SELECT b.id FROM pilots_landcover b
        WHERE b.geometry && a.geometry AND b.id <> a.id
          AND (b.id > a.id OR b.import_batch_id = ANY(%(checked)s))
          AND b.region_id = a.region_id AND b.survey_year = a.survey_year
          AND ST_Relate(a.geometry, b.geometry, '2********')) b
 WHERE a.region_id = %(region)s AND a.survey_year = %(year)s
   AND NOT coalesce(a.import_batch_id = ANY(%(checked)s), false)
 LIMIT 20
"""


STEPS = [
    "inputs and price",
    "land-cover overlaps",
    "zone areas, each hectare once",
    "lines and positions",
]


@dataclass(frozen=True)
class Area:
    zone_id: int
    region_id: int
    protected: bool
    scheme: str
    code: str
    area_ha: Decimal


@dataclass(frozen=True)
class Overlap:
    """`area_ha` of zone `zone_id` attributed to the higher-priority zone `counted_in_id`."""

    zone_id: int
    counted_in_id: int
    region_id: int
    area_ha: Decimal


def valuate(
    *,
    programme: PilotProgramme,
    year: int,
    methodology_version: MethodologyVersion,
    market: str,
    adjustment: Decimal = Decimal(1),
    created_by=None,
    progress=lambda step, total, label: None,
) -> Valuation:
    """Value a pilot's sinks for a year; the same inputs return the earlier valuation.

    Writes one `ValuationLine` per zone and land-use class (hectares attributed to
    the zone, 4 places; tCO2e, 3 places), one `RegionPosition` per member region
    and one `ZoneOverlap` per pair of overlapping zones. Raises PriceGap when the
    market has no price on or before 31 December, ValuationInputError when the
    data cannot be valued (see `_inputs`, `_check_classes`) or the adjustment does
    not fit its column (Valuation.adjustment).
    """
    try:
        adjustment = Valuation._meta.get_field("adjustment").clean(adjustment, None)
    except ValidationError as exc:
        raise ValuationInputError(
            _("adjustment coefficient %(value)s: %(problems)s")
            % {"value": adjustment, "problems": " ".join(exc.messages)}
        ) from None
    period_end = date(year, 12, 31)
    progress(1, len(STEPS), STEPS[0])
    price = price_in_force(market=market, on=period_end)
    regions = list(programme.regions.order_by("code"))
    plans, surveys, cover_regions = _inputs(regions, year)
    codes = {r.id: r.code for r in Region.objects.filter(pk__in=set(cover_regions.values()))}
    coefficients = {
        c.land_use_code: co2e_per_ha(c.value, unit=methodology_version.unit)
        for c in methodology_version.coefficients.all()
    }
    inventories = {
        i.region_id: i for i in EmissionInventory.objects.filter(region__in=regions, year=year)
    }
    inputs = {
        "regions": {
            r.code: {
                "planning_version": plans.get(r.id),
                "survey_year": surveys.get(r.id),
                "survey_region": codes.get(cover_regions.get(r.id)),
            }
            for r in regions
        },
        "attribution": [str(kind) for kind in ATTRIBUTION_ORDER],
        "data": _data_fingerprint(plans, surveys, cover_regions),
        "inventories": {str(i.region_id): str(i.tco2e) for i in inventories.values()},
    }
    input_hash = _hash(
        {
            "programme": programme.pk,
            "year": year,
            "methodology_version": methodology_version.pk,
            "coefficients": {k: str(v) for k, v in sorted(coefficients.items())},
            "price": [price.pk, str(price.price)],
            "adjustment": str(adjustment),
            "inputs": inputs,
            "code": code_version(),
        }
    )
    earlier = Valuation.objects.filter(
        programme=programme, year=year, input_hash=input_hash
    ).first()
    if earlier is not None:
        return earlier
    progress(2, len(STEPS), STEPS[1])
    _check_land_cover_overlaps(surveys, cover_regions)
    valuation_fields = {
        "programme": programme,
        "year": year,
        "methodology_version": methodology_version,
        "price": price,
        "adjustment": adjustment,
        "inputs": inputs,
        "code_version": code_version(),
        "input_hash": input_hash,
        "created_by": created_by,
    }
    progress(3, len(STEPS), STEPS[2])
    if connection.vendor == "postgresql":
        return _valuate_in_database(
            valuation_fields,
            _area_parameters(list(plans.values()), surveys, cover_regions),
            coefficients,
            (regions, inventories, price.price * adjustment),
            progress,
        )
    areas = zone_areas(plans=list(plans.values()), surveys=surveys, cover_regions=cover_regions)
    _check_classes(_classes(areas), methodology_version, coefficients)
    overlaps = zone_overlaps(plans=list(plans.values()), regions=list(surveys))
    progress(4, len(STEPS), STEPS[3])
    with transaction.atomic():
        valuation = _new_valuation(valuation_fields)
        lines = [
            ValuationLine(
                valuation=valuation,
                zone_id=a.zone_id,
                region_id=a.region_id,
                protected=a.protected,
                land_use_code=a.code,
                area_ha=a.area_ha,
                coefficient_tco2e=coefficients[a.code],
                tco2e=sink_tonnes(area_ha=a.area_ha, coefficient_tco2e=coefficients[a.code]),
            )
            for a in areas
        ]
        bulk.insert(ValuationLine, lines)
        _write_overlaps(valuation, overlaps)
        sums = defaultdict(Decimal)
        for line in lines:
            sums[line.region_id, line.protected] += line.tco2e
        _write_positions(valuation, sums, regions, inventories, price.price * adjustment)
    return valuation


# The attributed areas of a valuation kept in the database (AREAS_SQL), for the class
# check and the lines.
AREAS_TABLE_SQL = "CREATE TEMPORARY TABLE valuation_areas ON COMMIT DROP AS " + AREAS_SQL
# Each land-use class with up to 10 of the zones it lies in, for _check_classes.
CLASSES_SQL = """
SELECT scheme, code, (array_agg(id ORDER BY id))[1:10]
  FROM (SELECT DISTINCT scheme, code, id FROM valuation_areas) zones
 GROUP BY scheme, code
"""
# One line per attributed area: tonnes are area × coefficient (tCO2e/ha, exact numeric)
# rounded half to even to 3 places (compensation/quantities.py: round() alone rounds
# half away from zero), written in the statement that computes them.
LINES_SQL = """
INSERT INTO compensation_valuationline
       (valuation_id, zone_id, region_id, protected, land_use_code, area_ha,
        coefficient_tco2e, tco2e)
SELECT %(valuation)s, a.id, a.region_id, a.protected, a.code, a.area_ha, c.coefficient,
       CASE WHEN abs(t.exact - trunc(t.exact, 3)) = 0.0005
                 AND trunc(t.exact * 1000) %% 2 = 0
            THEN trunc(t.exact, 3) ELSE round(t.exact, 3) END
  FROM valuation_areas a
  JOIN unnest(%(codes)s::text[], %(coefficients)s::numeric[]) AS c(code, coefficient)
    ON c.code = a.code
 CROSS JOIN LATERAL (SELECT a.area_ha * c.coefficient AS exact) t
"""
SUMS_SQL = """
SELECT region_id, protected, sum(tco2e) FROM compensation_valuationline
 WHERE valuation_id = %s GROUP BY region_id, protected
"""


def _valuate_in_database(fields, parameters, coefficients, positions, progress) -> Valuation:
    """valuate() on PostgreSQL in one transaction: the zones are attributed once for the
    areas and the overlaps, and the lines are computed and written by one statement,
    never fetched (a county has some 200,000)."""
    regions, inventories, unit_value = positions
    with _attribution(parameters) as cursor:
        cursor.execute(AREAS_TABLE_SQL, parameters)
        cursor.execute(CLASSES_SQL)
        _check_classes(cursor.fetchall(), fields["methodology_version"], coefficients)
        cursor.execute(ZONE_OVERLAPS_SQL, parameters)
        overlaps = _tidy([Overlap(*row) for row in cursor.fetchall()])
        progress(4, len(STEPS), STEPS[3])
        valuation = _new_valuation(fields)
        codes = sorted(coefficients)
        cursor.execute(
            LINES_SQL,
            {
                "valuation": valuation.pk,
                "codes": codes,
                "coefficients": [coefficients[code] for code in codes],
            },
        )
        _write_overlaps(valuation, overlaps)
        cursor.execute(SUMS_SQL, [valuation.pk])
        sums = {(region, protected): total for region, protected, total in cursor.fetchall()}
        _write_positions(valuation, sums, regions, inventories, unit_value)
    return valuation


def _new_valuation(fields: dict) -> Valuation:
    """The valuation row, superseding the current one of its programme and year (locked)."""
    previous = (
        Valuation.objects.select_for_update()
        .filter(programme=fields["programme"], year=fields["year"], current=True)
        .first()
    )
    if previous is not None:
        previous.current = False
        previous.save(update_fields=["current"])
    return Valuation.objects.create(supersedes=previous, **fields)


def _write_overlaps(valuation, overlaps) -> None:
    ZoneOverlap.objects.bulk_create(
        ZoneOverlap(
            valuation=valuation,
            region_id=o.region_id,
            zone_id=o.zone_id,
            counted_in_id=o.counted_in_id,
            area_ha=o.area_ha,
        )
        for o in overlaps
    )


def zone_areas(
    *, plans: list[int], surveys: dict[int, int], cover_regions: dict[int, int] | None = None
) -> list[Area]:
    """Hectares (4 places, Albers) of each land-use class attributed to each zone.

    `plans` are planning-version ids; `surveys` maps a region id to the survey year
    valued for its zones, `cover_regions` to the region whose land cover that
    survey is (the region itself when absent). A hectare inside several zones of
    one version counts for the first of them by `ATTRIBUTION_ORDER`, then by id.
    """
    if not plans or not surveys:
        return []
    cover_regions = {r: (cover_regions or {}).get(r, r) for r in surveys}
    if connection.vendor == "postgresql":
        parameters = _area_parameters(plans, surveys, cover_regions)
        with _attribution(parameters) as cursor:
            cursor.execute(AREAS_SQL, parameters)
            return [Area(*row) for row in cursor.fetchall()]
    return zone_areas_in_python(plans=plans, surveys=surveys, cover_regions=cover_regions)


def zone_areas_in_python(
    *, plans: list[int], surveys: dict[int, int], cover_regions: dict[int, int] | None = None
) -> list[Area]:
    """The same areas with GEOS and GDAL: the SpatiaLite path, and a reference for tests."""
    cover_regions = cover_regions or {}
    totals: dict[tuple, float] = defaultdict(float)
    for zone, geometry in _attributed_in_python(plans=plans, regions=list(surveys)):
        if geometry.empty:
            continue
        cover = LandCover.objects.select_related("land_use").filter(
            region_id=cover_regions.get(zone.region_id, zone.region_id),
            survey_year=surveys[zone.region_id],
            geometry__intersects=geometry,
        )
        for polygon in cover:
            m2 = area_m2(polygon.geometry.intersection(geometry))
            ridge = float(polygon.field_ridge_share)
            for code, share in ((polygon.land_use.code, 1 - ridge), (FIELD_RIDGE_CLASS, ridge)):
                if share > 0:
                    key = (zone.id, zone.region_id, zone.protected, polygon.land_use.scheme, code)
                    totals[key] += m2 * share
    areas = [Area(*key, hectares(m2)) for key, m2 in totals.items() if m2 > 0]
    return sorted(areas, key=lambda a: (a.zone_id, a.code))


def zone_overlaps(*, plans: list[int], regions: list[int]) -> list[Overlap]:
    """Where zones of the planning versions overlap, hectares (4 places) each one ceded to which.

    One `Overlap` per pair: the lower-priority zone, the zone the hectares were
    attributed to instead, and the area of the drawn zones (land cover or not).
    Pairs whose shared area rounds to 0.0000 ha are left out.
    """
    if not plans or not regions:
        return []
    if connection.vendor == "postgresql":
        parameters = _overlap_parameters(plans, regions)
        with _attribution(parameters) as cursor:
            cursor.execute(ZONE_OVERLAPS_SQL, parameters)
            return _tidy([Overlap(*row) for row in cursor.fetchall()])
    return zone_overlaps_in_python(plans=plans, regions=regions)


def zone_overlaps_in_python(*, plans: list[int], regions: list[int]) -> list[Overlap]:
    """The same overlaps with GEOS and GDAL: the SpatiaLite path, and a reference for tests."""
    attributed = _attributed_in_python(plans=plans, regions=regions)
    overlaps = []
    for position, (zone, _geometry) in enumerate(attributed):
        for higher, geometry in attributed[:position]:
            if _same_plan(zone, higher) and zone.geometry.relate_pattern(geometry, "2********"):
                m2 = area_m2(zone.geometry.intersection(geometry))
                overlaps.append(
                    Overlap(
                        zone.id,
                        higher.id,
                        zone.region_id,
                        hectares(m2),
                    )
                )
    return _tidy(overlaps)


def _area_parameters(plans, surveys, cover_regions) -> dict:
    return _overlap_parameters(plans, list(surveys)) | {
        "cover_regions": [cover_regions.get(r, r) for r in surveys],
        "years": list(surveys.values()),
        "ridge": FIELD_RIDGE,
        "ridge_class": FIELD_RIDGE_CLASS,
    }


def _overlap_parameters(plans, regions) -> dict:
    return {
        "order": [str(kind) for kind in ATTRIBUTION_ORDER],
        "plans": plans,
        "regions": regions,
        "srid": CHINA_ALBERS_SRID,
    }


@contextmanager
def _attribution(parameters: dict):
    """A cursor in a transaction where `valuation_attributed` holds the attributed zones
    (ATTRIBUTED_SQL), dropped on leaving. Without JIT compilation: the work is in GEOS,
    and compiling a county's statement took 0.4-1.0 s of each run on a 2-core machine."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(ATTRIBUTED_SQL, parameters)
        cursor.execute("ANALYZE valuation_attributed")
        yield cursor
        cursor.execute("DROP TABLE IF EXISTS valuation_attributed, valuation_areas")


def _tidy(overlaps: list[Overlap]) -> list[Overlap]:
    return sorted((o for o in overlaps if o.area_ha), key=lambda o: (o.zone_id, o.counted_in_id))


def _attributed_in_python(*, plans, regions) -> list[tuple[Zone, object]]:
    """Zones in attribution order, each with its geometry minus the zones before it."""
    zones = sorted(
        Zone.objects.filter(planning_version__in=plans, region__in=regions),
        key=lambda z: (ATTRIBUTION_ORDER.index(z.kind), z.id),
    )
    attributed = []
    for position, zone in enumerate(zones):
        higher = [
            h.geometry
            for h in zones[:position]
            if _same_plan(zone, h) and h.geometry.relate_pattern(zone.geometry, "2********")
        ]
        geometry = zone.geometry
        if higher:
            geometry = geometry.difference(GeometryCollection(*higher).unary_union)
        attributed.append((zone, geometry))
    return attributed


def _same_plan(zone, other) -> bool:
    return (zone.planning_version_id, zone.region_id) == (
        other.planning_version_id,
        other.region_id,
    )


def code_version() -> str:
    return f"tanhui {package_version('tanhui')}"


def _inputs(regions, year):
    """Per region: the planning version in force at the year's end and the survey to value.

    The survey is the region's latest up to the year; a region with zones but no
    survey of its own uses the latest of its nearest ancestor (Region.parent)
    that has one, since surveys are often handed over for a whole city while
    zones are planned per county. Returns (plans, surveys, cover regions): region
    id to planning-version id, to survey year, to the region whose land cover is
    used. Raises ValuationInputError when a region with zones has no survey.
    """
    end = date(year, 12, 31)
    plans, surveys, cover_regions = {}, {}, {}
    for region in regions:
        plan = (
            PlanningVersion.objects.filter(region=region, published=True, effective_from__lte=end)
            .order_by("-version")
            .first()
        )
        if plan is not None:
            plans[region.id] = plan.id
        source, survey = region, _latest_survey(region, year)
        while survey is None and plan is not None and source.parent_id is not None:
            source = source.parent
            survey = _latest_survey(source, year)
        if survey is not None:
            surveys[region.id], cover_regions[region.id] = survey, source.id
        elif plan is not None:
            raise ValuationInputError(
                f"{region} has zones (planning version #{plan.id}) but no land-cover survey in "
                f"or before {year}, nor has any region it lies in; import one first."
            )
    return plans, surveys, cover_regions


def _latest_survey(region, year) -> int | None:
    return LandCover.objects.filter(region=region, survey_year__lte=year).aggregate(
        year=Max("survey_year")
    )["year"]


def _surveyed(surveys, cover_regions) -> set[tuple[int, int]]:
    """The distinct (land-cover region id, survey year) pairs valued."""
    return {(cover_regions[r], year) for r, year in surveys.items()}


def _data_fingerprint(plans, surveys, cover_regions) -> dict:
    """What changes when zones or land cover are re-imported: the batches behind them."""
    zones = Zone.objects.filter(planning_version__in=plans.values())
    cover = LandCover.objects.none()
    for region_id, year in sorted(_surveyed(surveys, cover_regions)):
        cover = cover | LandCover.objects.filter(region_id=region_id, survey_year=year)
    zone_batches, zone_count = _batches(zones)
    cover_batches, cover_count = _batches(cover)
    return {
        "zone_batches": zone_batches,
        "zones": zone_count,
        "land_cover_batches": cover_batches,
        "land_cover": cover_count,
    }


def _batches(rows) -> tuple[list[int], int]:
    """The ids of the import batches behind `rows` (sorted) and how many rows there are,
    counted in the database: a county's survey is some 200,000 rows of a few batches."""
    counts = dict(rows.order_by().values_list("import_batch").annotate(rows=Count("pk")))
    return sorted(batch for batch in counts if batch is not None), sum(counts.values())


def _check_land_cover_overlaps(surveys, cover_regions) -> None:
    """Refuse surveys whose parcels share area, checking only parcels not checked at import.

    A batch is marked `overlaps_checked` when its parcels were checked against each
    other and every parcel stored before for their region and year, so two checked
    batches never overlap; parcels of other batches (imported before the mark
    existed, or beside a concurrent import) and parcels stored without a batch are
    checked here against their whole survey.
    """
    if connection.vendor != "postgresql":
        return
    checked = list(
        ImportBatch.objects.filter(
            kind=ImportBatch.Kind.LAND_COVER, overlaps_checked=True
        ).values_list("pk", flat=True)
    )
    pairs = []
    with connection.cursor() as cursor:
        for region_id, year in sorted(_surveyed(surveys, cover_regions)):
            cursor.execute(OVERLAPS_SQL, {"region": region_id, "year": year, "checked": checked})
            pairs += cursor.fetchall()
    if pairs:
        listed = ", ".join(f"#{a} and #{b}" for a, b in pairs[:20])
        raise ValuationInputError(
            f"Land-cover polygons of one survey overlap, so their area would count twice: "
            f"{listed}. Fix the survey and import it again."
        )


def _classes(areas: list[Area]) -> list[tuple[str, str, list[int]]]:
    """(scheme, code, up to 10 zone ids) of each land-use class among `areas`."""
    zones = defaultdict(set)
    for area in areas:
        zones[area.scheme, area.code].add(area.zone_id)
    return [(scheme, code, sorted(ids)[:10]) for (scheme, code), ids in zones.items()]


def _check_classes(classes, version, coefficients) -> None:
    """Refuse areas in another scheme than `version`'s, or in a class it has no coefficient
    for; `classes` as `_classes` returns them."""
    wrong_scheme = sorted({scheme for scheme, _code, _zones in classes} - {version.scheme})
    if wrong_scheme:
        raise ValuationInputError(
            f"The land cover uses {', '.join(wrong_scheme)} but {version} is for {version.scheme}."
        )
    missing = sorted((code, zones) for _scheme, code, zones in classes if code not in coefficients)
    if missing:
        listed = "; ".join(
            f"class {code} (zones {', '.join(map(str, zones))})" for code, zones in missing
        )
        raise ValuationInputError(
            f"{version} has no coefficient for {listed}. Add them in a new methodology version."
        )


def _write_positions(valuation, sums, regions, inventories, unit_value) -> None:
    """One RegionPosition per region from the valuation's lines as written: `sums` maps
    (region id, protected) to the sum of those lines' tCO2e."""
    previous = {
        p.region_id: p
        for p in RegionPosition.objects.filter(
            valuation__programme=valuation.programme,
            valuation__year=valuation.year - 1,
            valuation__current=True,
        )
    }
    positions = []
    for region in regions:
        sink = sums.get((region.id, True), Decimal(0))
        land_emission = -sums.get((region.id, False), Decimal(0))
        inventory = inventories.get(region.id)
        emission = inventory.tco2e if inventory is not None else land_emission
        net = tonnes(sink - emission)
        before = previous.get(region.id)
        positions.append(
            RegionPosition(
                valuation=valuation,
                region=region,
                sink_tco2e=tonnes(sink),
                emission_tco2e=tonnes(emission),
                emission_reported=inventory is not None,
                net_tco2e=net,
                increment_tco2e=tonnes(sink - before.sink_tco2e) if before else None,
                value_cny=cny(net * unit_value),
            )
        )
    RegionPosition.objects.bulk_create(positions)


def _hash(payload) -> str:
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()
