"""Hand-checkable valuations: known areas, known coefficients, exact tonnes and yuan."""

from decimal import Decimal

import pytest
from django.contrib.gis.geos import MultiPolygon

from compensation.exceptions import PriceGap, ValuationInputError
from compensation.models import (
    CarbonPrice,
    EmissionInventory,
    MethodologyVersion,
    SinkCoefficient,
    Valuation,
)
from compensation.quantities import co2e_per_ha
from compensation.valuation import valuate, zone_areas, zone_areas_in_python
from pilots.models import ImportBatch, LandCover
from tests.factories import add_cover, add_zone, albers_block, albers_rectangle, publish

KM = 1000


@pytest.fixture
def forest_square(huangshan, plan):
    """100 ha of ecological red line, all forest."""
    square = albers_rectangle(huangshan, 0, 0, KM, KM)
    add_zone(plan, "ecological_red_line", square)
    add_cover(huangshan, "03", square)
    publish(plan)
    return square


def test_a_square_of_forest_gives_area_times_coefficient(huangshan_pilot, forest_square, guangdong):
    valuation = valuate(
        programme=huangshan_pilot, year=2024, methodology_version=guangdong, market="CEA"
    )

    line = valuation.lines.get()
    assert line.area_ha == Decimal("100.0000")
    assert line.tco2e == Decimal("390.000")
    position = valuation.positions.get()
    assert position.sink_tco2e == Decimal("390.000")
    assert position.net_tco2e == Decimal("390.000")
    assert position.role == "protector"
    assert position.value_cny == Decimal("38021.10")  # 390 t x 97.49 CNY (CEA, 2024-12-31)


def test_carbon_is_converted_to_co2_by_exactly_44_over_12(huangshan_pilot, forest_square, chinese):
    valuation = valuate(
        programme=huangshan_pilot, year=2024, methodology_version=chinese, market="CEA"
    )

    line = valuation.lines.get()
    assert co2e_per_ha(Decimal("0.581"), unit="tC/ha/yr") * 12 / 44 == Decimal("0.581")
    assert line.tco2e == Decimal("213.033")  # 100 ha x 0.581 x 44/12 = 213.0333...


def test_half_forest_half_cropland_gives_the_weighted_sum(
    huangshan_pilot, huangshan, plan, guangdong
):
    forest = albers_rectangle(huangshan, 0, 0, KM, KM)
    cropland = albers_rectangle(huangshan, KM, 0, KM, KM)
    # The zone is built from the same vertices, so the halves meet it exactly.
    add_zone(plan, "ecological_red_line", MultiPolygon(forest.union(cropland), srid=4490))
    add_cover(huangshan, "03", forest)
    add_cover(huangshan, "01", cropland)
    publish(plan)

    valuation = valuate(
        programme=huangshan_pilot, year=2024, methodology_version=guangdong, market="CEA"
    )

    by_class = {line.land_use_code: (line.area_ha, line.tco2e) for line in valuation.lines.all()}
    assert by_class == {
        "03": (Decimal("100.0000"), Decimal("390.000")),
        "01": (Decimal("100.0000"), Decimal("-10.000")),
    }
    assert valuation.positions.get().sink_tco2e == Decimal("380.000")


def test_developed_zones_count_as_emissions_unless_an_inventory_is_reported(
    huangshan_pilot, huangshan, plan, guangdong
):
    add_zone(plan, "ecological_red_line", albers_rectangle(huangshan, 0, 0, KM, KM))
    add_cover(huangshan, "03", albers_rectangle(huangshan, 0, 0, KM, KM))
    add_zone(plan, "urban_development_boundary", albers_rectangle(huangshan, 0, 2 * KM, KM, KM))
    add_cover(huangshan, "20", albers_rectangle(huangshan, 0, 2 * KM, KM, KM))
    publish(plan)

    land_based = valuate(
        programme=huangshan_pilot, year=2024, methodology_version=guangdong, market="CEA"
    ).positions.get()
    EmissionInventory.objects.create(
        region=huangshan, year=2024, tco2e=Decimal("500"), source="statistical yearbook"
    )
    reported = valuate(
        programme=huangshan_pilot, year=2024, methodology_version=guangdong, market="CEA"
    ).positions.get()

    assert (land_based.emission_tco2e, land_based.net_tco2e) == (
        Decimal("60.000"),
        Decimal("330.000"),
    )
    assert (reported.emission_tco2e, reported.net_tco2e) == (
        Decimal("500.000"),
        Decimal("-110.000"),
    )
    assert reported.emission_reported is True
    assert reported.role == "beneficiary"


def test_same_inputs_give_the_same_valuation(huangshan_pilot, forest_square, guangdong):
    first = valuate(
        programme=huangshan_pilot, year=2024, methodology_version=guangdong, market="CEA"
    )
    again = valuate(
        programme=huangshan_pilot, year=2024, methodology_version=guangdong, market="CEA"
    )

    assert again.pk == first.pk
    assert Valuation.objects.count() == 1


def test_new_inputs_supersede_and_keep_the_old_valuation(huangshan_pilot, forest_square, guangdong):
    first = valuate(
        programme=huangshan_pilot, year=2024, methodology_version=guangdong, market="CEA"
    )
    second = valuate(
        programme=huangshan_pilot,
        year=2024,
        methodology_version=guangdong,
        market="CEA",
        adjustment=Decimal("1.2"),
    )

    first.refresh_from_db()
    assert second.supersedes == first
    assert (first.current, second.current) == (False, True)
    assert second.positions.get().value_cny == Decimal("45625.32")  # 390 x 97.49 x 1.2


def test_the_sink_increment_is_reported_against_the_previous_year(
    huangshan_pilot, forest_square, guangdong
):
    valuate(programme=huangshan_pilot, year=2023, methodology_version=guangdong, market="CEA")
    later = valuate(
        programme=huangshan_pilot, year=2024, methodology_version=guangdong, market="CEA"
    )

    assert later.positions.get().increment_tco2e == Decimal("0.000")


def test_a_price_gap_is_named(huangshan_pilot, forest_square, guangdong):
    with pytest.raises(
        PriceGap, match="No CEA price on or before 2019-12-31: its series starts on 2021-12-31"
    ):
        valuate(programme=huangshan_pilot, year=2019, methodology_version=guangdong, market="CEA")
    assert not Valuation.objects.exists()


def test_price_in_force_is_the_latest_before_the_period_end(
    huangshan_pilot, forest_square, guangdong
):
    CarbonPrice.objects.create(
        market_id=CarbonPrice.objects.first().market_id,
        date="2024-06-30",
        price=Decimal("90.00"),
        source="test",
    )

    valuation = valuate(
        programme=huangshan_pilot, year=2024, methodology_version=guangdong, market="CEA"
    )

    assert valuation.price.price == Decimal("97.49")


def test_a_class_missing_from_the_methodology_is_named(huangshan_pilot, forest_square, guangdong):
    draft = MethodologyVersion.objects.create(
        methodology=guangdong.methodology,
        version=2,
        scheme=guangdong.scheme,
        unit=guangdong.unit,
        valid_from=guangdong.valid_from,
        citation="without forest",
    )
    SinkCoefficient.objects.bulk_create(
        SinkCoefficient(version=draft, land_use_code=c.land_use_code, value=c.value)
        for c in guangdong.coefficients.exclude(land_use_code="03")
    )

    with pytest.raises(ValuationInputError, match=r"has no coefficient for class 03 \(zones \d+"):
        valuate(programme=huangshan_pilot, year=2024, methodology_version=draft, market="CEA")
    assert not Valuation.objects.exists()


def test_overlapping_land_cover_is_named(huangshan_pilot, huangshan, forest_square, guangdong):
    extra = add_cover(huangshan, "01", albers_rectangle(huangshan, 500, 0, KM, KM))

    with pytest.raises(ValuationInputError, match=rf"overlap.*#\d+ and #{extra.pk}"):
        valuate(programme=huangshan_pilot, year=2024, methodology_version=guangdong, market="CEA")
    assert not Valuation.objects.exists()


def _batch(region, checked):
    return ImportBatch.objects.create(
        kind=ImportBatch.Kind.LAND_COVER,
        file_name="dltb.zip",
        file_sha256=f"{checked:064d}",
        target=f"region:{region.code}",
        status=ImportBatch.Status.ACCEPTED,
        overlaps_checked=checked,
    )


def test_parcels_checked_at_import_are_not_checked_again(
    huangshan_pilot, huangshan, plan, guangdong
):
    # No import accepts these two (pilots/overlaps.py); marked checked, valuation trusts it.
    add_zone(plan, "ecological_red_line", albers_rectangle(huangshan, 0, 0, 2 * KM, KM))
    publish(plan)
    batch = _batch(huangshan, checked=True)
    for dx in (0, 500):
        parcel = add_cover(huangshan, "03", albers_rectangle(huangshan, dx, 0, KM, KM))
        LandCover.objects.filter(pk=parcel.pk).update(import_batch=batch)

    valuation = valuate(
        programme=huangshan_pilot, year=2024, methodology_version=guangdong, market="CEA"
    )

    assert valuation.lines.get().area_ha > 0


def test_a_batch_not_checked_at_import_is_checked_against_checked_ones(
    huangshan_pilot, huangshan, plan, guangdong
):
    add_zone(plan, "ecological_red_line", albers_rectangle(huangshan, 0, 0, 2 * KM, KM))
    publish(plan)
    parcels = []
    for dx, checked in ((0, False), (500, True)):
        parcel = add_cover(huangshan, "03", albers_rectangle(huangshan, dx, 0, KM, KM))
        LandCover.objects.filter(pk=parcel.pk).update(import_batch=_batch(huangshan, checked))
        parcels.append(parcel)

    with pytest.raises(ValuationInputError, match=rf"#{parcels[0].pk} and #{parcels[1].pk}"):
        valuate(programme=huangshan_pilot, year=2024, methodology_version=guangdong, market="CEA")


def test_sql_and_python_areas_agree(huangshan_pilot, huangshan, plan, guangdong):
    add_zone(plan, "ecological_red_line", albers_rectangle(huangshan, 0, 0, 3 * KM, 2 * KM))
    for i, code in enumerate(["03", "01", "11"]):
        add_cover(huangshan, code, albers_rectangle(huangshan, i * KM - 300, -500, KM, 3 * KM))
    publish(plan)

    sql = zone_areas(plans=[plan.pk], surveys={huangshan.pk: 2023})
    python = zone_areas_in_python(plans=[plan.pk], surveys={huangshan.pk: 2023})

    assert [(a.code, a.area_ha) for a in sorted(sql, key=lambda a: a.code)] == [
        (a.code, a.area_ha) for a in sorted(python, key=lambda a: a.code)
    ]


def test_parcels_inside_across_and_along_a_zone_and_other_surveys_in_the_same_place(
    huangshan, plan
):
    """A parcel clear inside its zone is measured whole (no overlay), one on the zone's
    edge, one across it by their overlay, one touching it from outside not at all; another
    survey year drawn over the same ground is not read."""
    add_zone(plan, "ecological_red_line", albers_block(huangshan, 0, 0, 3, 2))
    add_cover(huangshan, "03", albers_rectangle(huangshan, 200, 200, 500, 500))
    add_cover(huangshan, "04", albers_block(huangshan, 1, 0, 1, 1))  # on the zone's edge
    add_cover(huangshan, "01", albers_block(huangshan, 2, 1, 2, 1))  # half of it out
    add_cover(huangshan, "11", albers_block(huangshan, 3, 0, 1, 1))  # outside, touching
    add_cover(huangshan, "03", albers_block(huangshan, 0, 0, 3, 2), year=2022)
    publish(plan)

    sql = zone_areas(plans=[plan.pk], surveys={huangshan.pk: 2023})
    python = zone_areas_in_python(plans=[plan.pk], surveys={huangshan.pk: 2023})

    assert sorted((a.code, a.area_ha) for a in sql) == [
        ("01", Decimal("100.0000")),
        ("03", Decimal("25.0000")),
        ("04", Decimal("100.0000")),
    ]
    assert sorted((a.code, a.area_ha) for a in sql) == sorted((a.code, a.area_ha) for a in python)


def test_a_published_methodology_cannot_change(guangdong):
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError, match="COMPENSATION_PUBLISHED"), transaction.atomic():
        guangdong.coefficients.filter(land_use_code="03").update(value=Decimal("9.9"))
    with pytest.raises(DatabaseError, match="COMPENSATION_PUBLISHED"), transaction.atomic():
        MethodologyVersion.objects.filter(pk=guangdong.pk).update(unit="tC/ha/yr")
    with pytest.raises(DatabaseError, match="COMPENSATION_PUBLISHED"), transaction.atomic():
        SinkCoefficient.objects.create(version=guangdong, land_use_code="02", value=Decimal(1))
    assert guangdong.coefficients.get(land_use_code="03").value == Decimal("3.9000")


def test_rewriting_a_published_version_with_its_own_values_does_not_reopen_its_coefficients(
    guangdong,
):
    """The version was seeded by a migration; rewriting its row with its own values (which
    the row guard lets pass) used to make this transaction look like the creating one."""
    from django.db import DatabaseError, transaction

    guangdong.save()
    with pytest.raises(DatabaseError, match="COMPENSATION_PUBLISHED"), transaction.atomic():
        SinkCoefficient.objects.create(version=guangdong, land_use_code="02", value=Decimal(1))
    with pytest.raises(DatabaseError, match="COMPENSATION_PUBLISHED"), transaction.atomic():
        guangdong.coefficients.filter(land_use_code="03").delete()
    assert guangdong.coefficients.get(land_use_code="03").value == Decimal("3.9000")
