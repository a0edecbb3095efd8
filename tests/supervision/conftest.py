"""Hand-made plans and surveys of 黄山市, laid out in metres so every area is known."""

import pytest
from django.contrib.gis.geos import MultiPolygon

from tests.factories import (
    KM,
    add_zone,
    albers_rectangle,
    plan_version,
    publish,
    red_line_east,
    red_line_strip,
)


@pytest.fixture(autouse=True)
def _english(english):
    """Messages are read in English in these tests (tests/fixtures.py)."""


@pytest.fixture
def growing_town(huangshan):
    """v1: a 100 ha town beside 200 ha of red line; v2: the town takes 50 ha of the red line."""
    first, second = plan_version(huangshan, 1, 2021), plan_version(huangshan, 2, 2025)
    add_zone(first, "urban_development_boundary", albers_rectangle(huangshan, 0, 0, KM, KM))
    add_zone(
        first,
        "ecological_red_line",
        MultiPolygon(red_line_strip(huangshan).union(red_line_east(huangshan))),
    )
    add_zone(second, "urban_development_boundary", albers_rectangle(huangshan, 0, 0, 1500, KM))
    add_zone(second, "ecological_red_line", red_line_east(huangshan))
    publish(first)
    publish(second)
    return first, second
