"""Each protected hectare counts once: overlapping zones are valued as their union.

Zones and land cover are blocks of square kilometres laid out in the Albers
projection from one grid of vertices, so where they cut each other they share
vertices and areas are whole hectares. The field corpus case reads the files
a department hands over.
"""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

from compensation.exceptions import ValuationInputError
from compensation.models import ZoneOverlap
from compensation.valuation import (
    ATTRIBUTION_ORDER,
    valuate,
    zone_areas,
    zone_areas_in_python,
    zone_overlaps,
    zone_overlaps_in_python,
)
from pilots.imports import import_land_cover, import_zones
from pilots.models import PilotMembership, PilotProgramme, PlanningVersion, Region, Zone
from pilots.regions import load_regions
from tests.factories import KM, add_cover, add_zone, albers_block, albers_rectangle, publish

FIELD = Path(__file__).resolve().parents[1] / "data" / "field" / "11-protected-zones-overlap"


def _lines(valuation):
    """(kind, land-use code) -> (hectares, tCO2e), per zone kind."""
    return {
        (line.zone.kind, line.land_use_code): (line.area_ha, line.tco2e)
        for line in valuation.lines.select_related("zone")
    }


def _overlaps(valuation):
    return [
        (o.zone.kind, o.counted_in.kind, o.area_ha)
        for o in valuation.overlaps.select_related("zone", "counted_in")
    ]


def _value(huangshan_pilot, methodology):
    return valuate(
        programme=huangshan_pilot, year=2024, methodology_version=methodology, market="CEA"
    )


def test_every_zone_kind_has_a_place_in_the_attribution_order():
    assert sorted(ATTRIBUTION_ORDER) == sorted(Zone.Kind)
    assert len(ATTRIBUTION_ORDER) == len(set(ATTRIBUTION_ORDER))


def test_a_red_line_inside_a_function_area_counts_once_for_the_red_line(
    huangshan_pilot, huangshan, plan, guangdong
):
    area = add_zone(plan, "ecological_function_area", albers_block(huangshan, 0, 0, 3, 3))
    red = add_zone(plan, "ecological_red_line", albers_block(huangshan, 1, 1, 1, 1))
    add_cover(huangshan, "03", albers_block(huangshan, 0, 0, 3, 3))
    publish(plan)

    valuation = _value(huangshan_pilot, guangdong)

    assert _lines(valuation) == {
        ("ecological_red_line", "03"): (Decimal("100.0000"), Decimal("390.000")),
        ("ecological_function_area", "03"): (Decimal("800.0000"), Decimal("3120.000")),
    }
    assert valuation.positions.get().sink_tco2e == Decimal("3510.000")  # 900 ha, not 1000
    overlap = valuation.overlaps.get()
    assert (overlap.zone, overlap.counted_in, overlap.region) == (area, red, huangshan)
    assert overlap.area_ha == Decimal("100.0000")


def test_crossing_zones_count_the_crossing_once_for_the_higher_priority_kind(
    huangshan_pilot, huangshan, plan, guangdong
):
    # Farmland is stored first: the kind decides, not the order of import.
    add_zone(plan, "permanent_basic_farmland", albers_block(huangshan, 1, 0, 1, 3))
    add_zone(plan, "ecological_red_line", albers_block(huangshan, 0, 1, 3, 1))
    add_cover(huangshan, "03", albers_block(huangshan, 0, 0, 3, 3))
    publish(plan)

    valuation = _value(huangshan_pilot, guangdong)

    assert _lines(valuation) == {
        ("ecological_red_line", "03"): (Decimal("300.0000"), Decimal("1170.000")),
        ("permanent_basic_farmland", "03"): (Decimal("200.0000"), Decimal("780.000")),
    }
    assert _overlaps(valuation) == [
        ("permanent_basic_farmland", "ecological_red_line", Decimal("100.0000"))
    ]
    position = valuation.positions.get()
    assert position.sink_tco2e == Decimal("1950.000")  # 500 ha of forest x 3.9
    assert position.value_cny == Decimal("190105.50")  # 1950 t x 97.49


def test_three_kinds_over_one_spot_report_each_hectare_to_one_kind(
    huangshan_pilot, huangshan, plan, guangdong
):
    function_area = add_zone(plan, "ecological_function_area", albers_block(huangshan, 0, 0, 3, 1))
    add_zone(plan, "ecological_red_line", albers_block(huangshan, 0, 0, 2, 1))
    add_zone(plan, "permanent_basic_farmland", albers_block(huangshan, 1, 0, 2, 1))
    add_cover(huangshan, "03", albers_block(huangshan, 0, 0, 3, 1))
    publish(plan)

    valuation = _value(huangshan_pilot, guangdong)

    assert _lines(valuation) == {
        ("ecological_red_line", "03"): (Decimal("200.0000"), Decimal("780.000")),
        ("permanent_basic_farmland", "03"): (Decimal("100.0000"), Decimal("390.000")),
    }
    # The function area lies under both; each of its hectares is reported once.
    assert sorted(_overlaps(valuation)) == [
        ("ecological_function_area", "ecological_red_line", Decimal("200.0000")),
        ("ecological_function_area", "permanent_basic_farmland", Decimal("100.0000")),
        ("permanent_basic_farmland", "ecological_red_line", Decimal("100.0000")),
    ]
    assert not valuation.lines.filter(zone=function_area).exists()
    assert valuation.positions.get().sink_tco2e == Decimal("1170.000")  # 300 ha


def test_an_identical_duplicate_counts_once_for_the_first_stored(
    huangshan_pilot, huangshan, plan, guangdong
):
    square = albers_block(huangshan, 0, 0, 1, 1)
    first = add_zone(plan, "ecological_red_line", square)
    again = add_zone(plan, "ecological_red_line", square)
    add_cover(huangshan, "03", square)
    publish(plan)

    valuation = _value(huangshan_pilot, guangdong)

    assert [(line.zone_id, line.area_ha) for line in valuation.lines.all()] == [
        (first.pk, Decimal("100.0000"))
    ]
    overlap = valuation.overlaps.get()
    assert (overlap.zone_id, overlap.counted_in_id, overlap.area_ha) == (
        again.pk,
        first.pk,
        Decimal("100.0000"),
    )
    assert valuation.positions.get().sink_tco2e == Decimal("390.000")


def test_overlapping_developed_zones_emit_once(huangshan_pilot, huangshan, plan, guangdong):
    add_zone(plan, "urbanised_area", albers_block(huangshan, 0, 0, 2, 1))
    add_zone(plan, "urban_development_boundary", albers_block(huangshan, 1, 0, 2, 1))
    add_cover(huangshan, "20", albers_block(huangshan, 0, 0, 3, 1))
    publish(plan)

    valuation = _value(huangshan_pilot, guangdong)

    assert _lines(valuation) == {
        ("urban_development_boundary", "20"): (Decimal("200.0000"), Decimal("-120.000")),
        ("urbanised_area", "20"): (Decimal("100.0000"), Decimal("-60.000")),
    }
    assert _overlaps(valuation) == [
        ("urbanised_area", "urban_development_boundary", Decimal("100.0000"))
    ]
    assert valuation.positions.get().emission_tco2e == Decimal("180.000")  # 300 ha x 0.6


def _add_past_the_overlap_trigger(plan, kind, geometry):
    """As older versions let through before the database refused protected over developed."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
    zone = add_zone(plan, kind, geometry)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = origin")
    return zone


@pytest.fixture
def protected_over_developed(huangshan, plan):
    """A red line on half of an urban development boundary."""
    add_zone(plan, "urban_development_boundary", albers_block(huangshan, 0, 0, 2, 1))
    _add_past_the_overlap_trigger(plan, "ecological_red_line", albers_block(huangshan, 0, 0, 1, 1))
    add_cover(huangshan, "03", albers_block(huangshan, 0, 0, 1, 1))
    add_cover(huangshan, "20", albers_block(huangshan, 1, 0, 1, 1))
    publish(plan)


def test_a_protected_zone_over_a_developed_one_keeps_its_hectares(
    huangshan_pilot, protected_over_developed, guangdong
):
    valuation = _value(huangshan_pilot, guangdong)

    assert _lines(valuation) == {
        ("ecological_red_line", "03"): (Decimal("100.0000"), Decimal("390.000")),
        ("urban_development_boundary", "20"): (Decimal("100.0000"), Decimal("-60.000")),
    }
    assert _overlaps(valuation) == [
        ("urban_development_boundary", "ecological_red_line", Decimal("100.0000"))
    ]
    position = valuation.positions.get()
    # Counted in both, the forest would be a sink of 390 t and an "emission" of -390 t.
    assert (position.sink_tco2e, position.emission_tco2e, position.net_tco2e) == (
        Decimal("390.000"),
        Decimal("60.000"),
        Decimal("330.000"),
    )


def test_zones_of_different_planning_versions_are_not_resolved_against_each_other(huangshan, plan):
    later = PlanningVersion.objects.create(
        region=huangshan, name="plan", version=2, effective_from=date(2025, 1, 1)
    )
    square = albers_block(huangshan, 0, 0, 1, 1)
    add_zone(plan, "ecological_red_line", square)
    add_zone(later, "ecological_function_area", square)
    add_cover(huangshan, "03", square)

    areas = zone_areas(plans=[plan.pk, later.pk], surveys={huangshan.pk: 2023})

    assert sorted(a.area_ha for a in areas) == [Decimal("100.0000"), Decimal("100.0000")]
    assert zone_overlaps(plans=[plan.pk, later.pk], regions=[huangshan.pk]) == []


def test_sql_and_python_attribute_alike(huangshan, plan):
    # Shapes cut each other at vertices computed in degrees, not on the Albers grid.
    add_zone(plan, "ecological_function_area", albers_rectangle(huangshan, -700, -300, 2500, 1900))
    add_zone(plan, "permanent_basic_farmland", albers_rectangle(huangshan, 300, 200, 2100, 600))
    add_zone(plan, "grain_producing_area", albers_rectangle(huangshan, 900, -800, 400, 3000))
    add_zone(plan, "ecological_red_line", albers_rectangle(huangshan, 1100, 0, 700, 700))
    add_zone(plan, "ecological_red_line", albers_rectangle(huangshan, 1100, 0, 700, 700))
    add_zone(plan, "urbanised_area", albers_rectangle(huangshan, 3500, 0, 500, 500))
    add_zone(plan, "urban_development_boundary", albers_rectangle(huangshan, 3700, 100, 500, 700))
    _add_past_the_overlap_trigger(
        plan, "ecological_red_line", albers_rectangle(huangshan, 3300, 300, 600, 300)
    )
    for i, code in enumerate(["01", "11", "04"]):
        add_cover(huangshan, code, albers_rectangle(huangshan, 2 * KM + i * 900, -900, 900, 3000))
    add_cover(huangshan, "00", albers_rectangle(huangshan, -KM, -900, KM, 3000))
    add_cover(huangshan, "02", albers_rectangle(huangshan, 0, -900, 2 * KM, 900))
    plans, surveys = [plan.pk], {huangshan.pk: 2023}

    def keyed(areas):
        return {(a.zone_id, a.code): a.area_ha for a in areas}

    sql = keyed(zone_areas(plans=plans, surveys=surveys))
    python = keyed(zone_areas_in_python(plans=plans, surveys=surveys))
    assert sql.keys() == python.keys()
    assert len(sql) >= 10
    assert max(abs(sql[k] - python[k]) for k in sql) <= Decimal("0.0001")

    sql_overlaps = zone_overlaps(plans=plans, regions=[huangshan.pk])
    python_overlaps = zone_overlaps_in_python(plans=plans, regions=[huangshan.pk])
    assert [(o.zone_id, o.counted_in_id) for o in sql_overlaps] == [
        (o.zone_id, o.counted_in_id) for o in python_overlaps
    ]
    assert len(sql_overlaps) >= 6
    assert max(
        abs(s.area_ha - p.area_ha) for s, p in zip(sql_overlaps, python_overlaps, strict=True)
    ) <= Decimal("0.0001")


def test_the_sum_of_a_regions_lines_is_the_union_of_its_zones(huangshan, plan):
    add_zone(plan, "ecological_function_area", albers_block(huangshan, 0, 0, 2, 1))
    add_zone(plan, "ecological_red_line", albers_block(huangshan, 1, 0, 2, 1))
    add_zone(plan, "ecological_red_line", albers_block(huangshan, 2, 0, 1, 1))
    add_cover(huangshan, "03", albers_block(huangshan, 0, 0, 3, 1))

    areas = zone_areas(plans=[plan.pk], surveys={huangshan.pk: 2023})
    overlaps = zone_overlaps(plans=[plan.pk], regions=[huangshan.pk])

    assert sum(a.area_ha for a in areas) == Decimal("300.0000")
    assert sum(o.area_ha for o in overlaps) == Decimal("200.0000")  # 100 + 100, drawn 500


@pytest.fixture
def huangshan_district(db):
    load_regions(prefixes=["340000", "341000", "341003"])
    return Region.objects.get(code="341003")


def _pilot_of(region):
    programme = PilotProgramme.objects.create(
        name="黄山区 pilot", start_date=date(2023, 1, 1), end_date=date(2025, 12, 31)
    )
    PilotMembership.objects.create(programme=programme, region=region)
    return programme


def test_field_nested_zones_of_a_district_on_the_citys_survey_count_once(
    huangshan_district, guangdong
):
    """Field corpus 11: zones of 341003 (黄山区) on a survey handed over for 341000 (黄山市)."""
    plan = PlanningVersion.objects.create(
        region=huangshan_district,
        name="黄山区国土空间总体规划",
        version=1,
        effective_from=date(2021, 1, 1),
    )
    zones = import_zones(
        name="zones_nested.geojson",
        data=(FIELD / "zones_nested.geojson").read_bytes(),
        planning_version=plan,
    )
    publish(plan)
    cover = import_land_cover(
        name="landcover_forest.geojson",
        data=(FIELD / "landcover_forest.geojson").read_bytes(),
        region=huangshan_district.parent,
        default_scheme="third-survey",
        source="field corpus 11",
    )
    assert (zones.status, cover.status) == ("accepted", "accepted")
    huangshan_pilot = _pilot_of(huangshan_district)

    valuation = _value(huangshan_pilot, guangdong)

    position = valuation.positions.get()
    assert position.sink_tco2e == Decimal("1248.830")
    assert position.value_cny == Decimal("121748.44")
    area = sum(line.area_ha for line in valuation.lines.all())
    assert abs(area - Decimal("320.2127")) <= Decimal("0.01")
    overlap = valuation.overlaps.select_related("zone", "counted_in").get()
    assert (overlap.zone.kind, overlap.counted_in.kind) == (
        "ecological_function_area",
        "ecological_red_line",
    )
    assert abs(overlap.area_ha - Decimal("74.7163")) <= Decimal("0.01")
    assert valuation.inputs["regions"]["341003"] == {
        "planning_version": plan.pk,
        "survey_year": 2023,
        "survey_region": "341000",
    }


def test_a_district_with_its_own_survey_does_not_use_the_citys(huangshan_district, guangdong):
    plan = PlanningVersion.objects.create(
        region=huangshan_district, name="plan", version=1, effective_from=date(2021, 1, 1)
    )
    square = albers_rectangle(huangshan_district, 0, 0, KM, KM)
    add_zone(plan, "ecological_red_line", square)
    publish(plan)
    add_cover(huangshan_district.parent, "03", square, year=2023)
    add_cover(huangshan_district, "01", square, year=2022)

    valuation = _value(_pilot_of(huangshan_district), guangdong)

    assert [(line.land_use_code, line.area_ha) for line in valuation.lines.all()] == [
        ("01", Decimal("100.0000"))
    ]
    assert valuation.inputs["regions"]["341003"]["survey_region"] == "341003"


def test_zones_with_no_survey_in_the_region_or_above_are_refused(huangshan_district, guangdong):
    plan = PlanningVersion.objects.create(
        region=huangshan_district, name="plan", version=1, effective_from=date(2021, 1, 1)
    )
    add_zone(plan, "ecological_red_line", albers_rectangle(huangshan_district, 0, 0, KM, KM))
    publish(plan)

    with pytest.raises(ValuationInputError, match="nor has any region it lies in"):
        _value(_pilot_of(huangshan_district), guangdong)
    assert not ZoneOverlap.objects.exists()
