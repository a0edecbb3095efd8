"""Hand-made plans and surveys of 黄山市, laid out in metres so every area is known."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.gis.geos import MultiPolygon
from django.utils import translation

from pilots.models import PlanningVersion
from supervision.models import Alert
from tests.compensation.conftest import (  # noqa: F401 - fixtures
    add_zone,
    albers_rectangle,
    guangdong,
    huangshan,
    pilot,
    publish,
)

KM = 1000


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def plan_version(region, version: int, year: int) -> PlanningVersion:
    return PlanningVersion.objects.create(
        region=region, name=f"plan {version}", version=version, effective_from=date(year, 1, 1)
    )


def strip(region):
    """The 50 ha strip of red line the town takes in v2."""
    return albers_rectangle(region, KM, 0, 500, KM)


def east(region):
    """The 150 ha of red line that stay."""
    return albers_rectangle(region, 1500, 0, 1500, KM)


@pytest.fixture
def growing_town(huangshan):  # noqa: F811 - the fixture above
    """v1: a 100 ha town beside 200 ha of red line; v2: the town takes 50 ha of the red line."""
    first, second = plan_version(huangshan, 1, 2021), plan_version(huangshan, 2, 2025)
    add_zone(first, "urban_development_boundary", albers_rectangle(huangshan, 0, 0, KM, KM))
    add_zone(first, "ecological_red_line", MultiPolygon(strip(huangshan).union(east(huangshan))))
    add_zone(second, "urban_development_boundary", albers_rectangle(huangshan, 0, 0, 1500, KM))
    add_zone(second, "ecological_red_line", east(huangshan))
    publish(first)
    publish(second)
    return first, second


def sink_decline_alert(region, rule):
    """An alert as the sink-decline rule raises it: 100 t in 2023, 87.5 t in 2024 (-12.5%)."""
    return Alert.objects.create(
        rule=rule,
        region=region,
        fingerprint="sink:2024",
        year=2024,
        measured=Decimal("12.5"),
        facts={
            "percent": "12.50",
            "before": "100.000",
            "after": "87.500",
            "year_before": 2023,
            "year": 2024,
            "threshold": "5",
        },
    )
