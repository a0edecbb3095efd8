"""The demo pilot valued on PostGIS matches the GEOS/GDAL reference, and the command works."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from compensation.demo import demo_methodology_version
from compensation.models import Valuation
from compensation.valuation import zone_areas, zone_areas_in_python
from pilots.demo import load_xinan_demo
from pilots.models import PlanningVersion
from pilots.regions import load_regions
from tests.compensation.reference import reference_areas


@pytest.fixture
def demo(db):
    load_regions(prefixes=["340000", "3410", "330000", "330100", "330127"])
    return load_xinan_demo()


@pytest.fixture
def demo_inputs(demo):
    plans = list(PlanningVersion.objects.values_list("pk", flat=True))
    surveys = dict.fromkeys(PlanningVersion.objects.values_list("region_id", flat=True), 2023)
    return plans, surveys


def _worst_relative_difference(left, right):
    assert left.keys() == right.keys()
    assert len(left) > 20
    return max(abs(left[k] - right[k]) / right[k] for k in left if right[k])


def _postgis(plans, surveys):
    return {(a.zone_id, a.code): a.area_ha for a in zone_areas(plans=plans, surveys=surveys)}


def test_postgis_areas_match_shapely_and_pyproj_within_a_hundredth_of_a_percent(demo_inputs):
    plans, surveys = demo_inputs

    reference = reference_areas(plans=plans, surveys=surveys)

    assert _worst_relative_difference(_postgis(plans, surveys), reference) < Decimal("0.0001")


def test_the_spatialite_path_gives_the_same_numbers_as_postgis(demo_inputs):
    plans, surveys = demo_inputs

    python = {
        (a.zone_id, a.code): a.area_ha for a in zone_areas_in_python(plans=plans, surveys=surveys)
    }

    assert _worst_relative_difference(_postgis(plans, surveys), python) < Decimal("0.0001")


def test_valuate_command_prints_each_region(demo, capsys):
    version = demo_methodology_version()

    call_command(
        "valuate", "--pilot", demo.name, "--year", "2024", "--methodology-version", str(version.pk)
    )

    captured = capsys.readouterr()
    out = captured.out
    valuation = Valuation.objects.get()
    assert "[####] 4/4 lines and positions" in captured.err
    assert f"Valuation #{valuation.pk} (current)" in out
    assert "341000 黄山市: sink" in out
    assert "-> protector" in out


def test_valuate_command_names_a_price_gap(demo):
    with pytest.raises(CommandError, match="No CEA price on or before 2020-12-31"):
        call_command(
            "valuate",
            "--pilot",
            demo.name,
            "--year",
            "2020",
            "--market",
            "CEA",
            "--methodology-version",
            "2",
        )


def test_valuate_command_refuses_an_unknown_pilot(db):
    with pytest.raises(CommandError, match="No pilot programme 'nowhere'"):
        call_command("valuate", "--pilot", "nowhere", "--year", "2024")
