"""Change detection on hand-made plans and surveys whose areas are known in advance."""

from decimal import Decimal

import pytest

from compensation.quantities import co2e_per_ha
from supervision import changes
from supervision.changes import (
    detect_land_cover_change,
    detect_latest_changes,
    detect_planning_change,
)
from supervision.exceptions import SupervisionInputError
from supervision.models import ChangeDetection
from tests.factories import (
    KM,
    add_cover,
    add_zone,
    albers_rectangle,
    albers_strips,
    plan_version,
    publish,
    red_line_east,
    red_line_strip,
)

TENTH = Decimal("0.1")


def test_the_town_growing_into_the_red_line_is_reported_to_a_tenth_of_a_hectare(growing_town):
    first, second = growing_town

    detection = detect_planning_change(before=first, after=second)

    encroachment = detection.encroachments.get()
    assert encroachment.protected_kind == "ecological_red_line"
    assert encroachment.area_ha.quantize(TENTH) == Decimal("50.0")
    assert encroachment.developed_zone.planning_version == second
    assert encroachment.protected_zone.planning_version == first
    assert encroachment.geometry.num_geom == 1


def test_areas_gained_and_lost_per_kind(growing_town):
    detection = detect_planning_change(before=growing_town[0], after=growing_town[1])

    def rounded(kind):
        return {k: Decimal(v).quantize(TENTH) for k, v in detection.areas[kind].items()}

    assert rounded("ecological_red_line") == {
        "before_ha": Decimal("200.0"),
        "after_ha": Decimal("150.0"),
        "gained_ha": Decimal("0.0"),
        "lost_ha": Decimal("50.0"),
    }
    assert rounded("urban_development_boundary") == {
        "before_ha": Decimal("100.0"),
        "after_ha": Decimal("150.0"),
        "gained_ha": Decimal("50.0"),
        "lost_ha": Decimal("0.0"),
    }


def test_the_sink_change_is_the_forest_the_red_line_lost(growing_town, huangshan, guangdong):
    for piece in (
        albers_rectangle(huangshan, 0, 0, KM, KM),
        red_line_strip(huangshan),
        red_line_east(huangshan),
    ):
        add_cover(huangshan, "03", piece)

    detection = detect_planning_change(
        before=growing_town[0], after=growing_town[1], methodology_version=guangdong
    )

    assert detection.sink_before_tco2e == Decimal("780.000")  # 200 ha x 3.9 t/ha
    assert detection.sink_after_tco2e == Decimal("585.000")  # 150 ha x 3.9 t/ha
    assert detection.sink_change_tco2e == Decimal("-195.000")
    assert detection.uncounted_codes == []


def test_detecting_the_same_change_again_returns_the_stored_detection(growing_town):
    once = detect_planning_change(before=growing_town[0], after=growing_town[1])
    again = detect_planning_change(before=growing_town[0], after=growing_town[1])

    assert again.pk == once.pk
    assert ChangeDetection.objects.count() == 1
    assert again.encroachments.count() == 1


def test_postgis_and_python_give_the_same_figures(growing_town):
    before, after = (v.pk for v in growing_town)

    with_sql = changes.kind_areas(before=before, after=after)
    python_rows = changes._kind_areas_in_python(before=before, after=after)
    in_python = {
        kind: [str(changes.hectares(m2)) for m2 in figures]
        for kind, *figures in sorted(python_rows)
    }
    assert {k: list(v.values()) for k, v in with_sql.items()} == in_python
    assert [
        (p.developed_zone_id, p.protected_zone_id, p.area_ha)
        for p in changes.encroachments(before=before, after=after)
    ] == [
        (p.developed_zone_id, p.protected_zone_id, p.area_ha)
        for p in changes._encroachments_in_python(before=before, after=after)
    ]


@pytest.fixture
def two_surveys(huangshan):
    """2023: 100 ha forest, 100 ha cropland. 2025: the middle kilometre is built up."""
    add_cover(huangshan, "03", albers_strips(huangshan, 0, 1), year=2023)
    add_cover(huangshan, "01", albers_strips(huangshan, 2, 3), year=2023)
    add_cover(huangshan, "03", albers_strips(huangshan, 0), year=2025)
    add_cover(huangshan, "20", albers_strips(huangshan, 1, 2), year=2025)
    add_cover(huangshan, "01", albers_strips(huangshan, 3), year=2025)


def test_transition_rows_and_columns_sum_to_the_class_areas(huangshan, two_surveys):
    detection = detect_land_cover_change(region=huangshan, before_year=2023, after_year=2025)

    matrix = {(t.from_code, t.to_code): t.area_ha for t in detection.transitions.all()}
    assert {pair: ha.quantize(TENTH) for pair, ha in matrix.items()} == {
        ("01", "01"): Decimal("50.0"),
        ("01", "20"): Decimal("50.0"),
        ("03", "03"): Decimal("50.0"),
        ("03", "20"): Decimal("50.0"),
    }
    for code, figures in detection.areas.items():
        row = sum((ha for (f, _), ha in matrix.items() if f == code), Decimal(0))
        column = sum((ha for (_, t), ha in matrix.items() if t == code), Decimal(0))
        assert abs(row - Decimal(figures["before_ha"])) <= Decimal("0.0002"), code
        assert abs(column - Decimal(figures["after_ha"])) <= Decimal("0.0002"), code
    assert Decimal(detection.areas["20"]["change_ha"]).quantize(TENTH) == Decimal("100.0")


def test_the_sink_change_of_a_survey_counts_the_protected_land_only(
    huangshan, two_surveys, guangdong
):
    plan = plan_version(huangshan, 1, 2021)
    add_zone(plan, "ecological_red_line", albers_strips(huangshan, 0, 1))
    publish(plan)
    coefficient = {
        c.land_use_code: co2e_per_ha(c.value, unit=guangdong.unit)
        for c in guangdong.coefficients.all()
    }

    detection = detect_land_cover_change(
        region=huangshan, before_year=2023, after_year=2025, methodology_version=guangdong
    )

    assert detection.sink_before_tco2e == Decimal("390.000")  # 100 ha of forest
    expected_after = 50 * coefficient["03"] + 50 * coefficient["20"]  # 195 - 30
    assert detection.sink_after_tco2e == expected_after.quantize(Decimal("0.001"))
    assert detection.sink_after_tco2e == Decimal("165.000")


def test_latest_changes_compare_the_two_latest_plans_and_surveys(
    huangshan, growing_town, two_surveys
):
    detections = detect_latest_changes(huangshan)

    assert [(d.subject, d.compared) for d in detections] == [
        ("planning", "v1 → v2"),
        ("land_cover", "2023 → 2025"),
    ]


def test_unpublished_or_reversed_versions_are_refused(huangshan, growing_town):
    draft = plan_version(huangshan, 3, 2026)

    with pytest.raises(SupervisionInputError, match="plan 3 v3 is not published yet"):
        detect_planning_change(before=growing_town[1], after=draft)
    with pytest.raises(SupervisionInputError, match="is not earlier than"):
        detect_planning_change(before=growing_town[1], after=growing_town[0])
    assert ChangeDetection.objects.count() == 0


def test_a_missing_survey_year_is_named(huangshan, two_surveys):
    with pytest.raises(SupervisionInputError, match="no land-cover survey for 2024"):
        detect_land_cover_change(region=huangshan, before_year=2024, after_year=2025)
    with pytest.raises(SupervisionInputError, match="2025 is not before 2023"):
        detect_land_cover_change(region=huangshan, before_year=2025, after_year=2023)
    assert ChangeDetection.objects.count() == 0
