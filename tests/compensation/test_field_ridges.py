"""Cropland is valued net of its field ridges (田坎), booked as class 12, as 三调 books them.

A 三调 cropland parcel carries KCDLBM 1203 with its deducted area KCMJ (or only the
coefficient KCXS); the hectares of the parcel inside a zone go KCMJ/TBMJ to 12 其他土地
and the rest to the parcel's own class, on PostGIS and on the Python path alike.
"""

from decimal import Decimal

from compensation.valuation import valuate, zone_areas, zone_areas_in_python
from tests.factories import add_cover, add_zone, albers_block, publish


def _areas(valuation):
    return {line.land_use_code: line.area_ha for line in valuation.lines.all()}


def test_cropland_is_valued_net_of_kcmj_with_the_ridges_as_class_12(
    huangshan_pilot, huangshan, plan, guangdong
):
    add_zone(plan, "permanent_basic_farmland", albers_block(huangshan, 0, 0, 2, 1))  # 200 ha
    add_cover(
        huangshan,
        "01",
        albers_block(huangshan, 0, 0, 2, 1),
        survey_code="0101",
        official_area_m2=Decimal("2000000.00"),
        deduction_code="1203",
        deduction_m2=Decimal("160000.00"),
        deduction_rate=Decimal("0.0800"),
    )
    publish(plan)

    valuation = valuate(
        programme=huangshan_pilot, year=2024, methodology_version=guangdong, market="CEA"
    )

    assert _areas(valuation) == {"01": Decimal("184.0000"), "12": Decimal("16.0000")}
    ridges = valuation.lines.get(land_use_code="12")
    coefficient = guangdong.coefficients.get(land_use_code="12").value
    assert ridges.tco2e == (Decimal(16) * coefficient).quantize(Decimal("0.001"))


def test_kcxs_alone_decides_the_share_and_both_paths_agree(huangshan, plan):
    add_zone(plan, "ecological_red_line", albers_block(huangshan, 0, 0, 1, 1))  # 100 ha
    add_cover(
        huangshan,
        "01",
        albers_block(huangshan, 0, 0, 1, 1),
        deduction_code="1203",
        deduction_rate=Decimal("0.1250"),
    )
    add_cover(huangshan, "03", albers_block(huangshan, 1, 0, 1, 1))  # outside the zone
    surveys = {huangshan.id: 2023}

    sql = zone_areas(plans=[plan.id], surveys=surveys)
    python = zone_areas_in_python(plans=[plan.id], surveys=surveys)

    assert {(a.code, a.area_ha) for a in sql} == {
        ("01", Decimal("87.5000")),
        ("12", Decimal("12.5000")),
    }
    assert sorted(sql, key=lambda a: a.code) == sorted(python, key=lambda a: a.code)


def test_a_parcel_without_a_deduction_keeps_all_its_hectares(huangshan, plan):
    add_zone(plan, "ecological_red_line", albers_block(huangshan, 0, 0, 1, 1))
    add_cover(huangshan, "01", albers_block(huangshan, 0, 0, 1, 1), official_area_m2=Decimal("1e6"))

    areas = zone_areas(plans=[plan.id], surveys={huangshan.id: 2023})

    assert [(a.code, a.area_ha) for a in areas] == [("01", Decimal("100.0000"))]
