"""Zones as GeoJSON drawn to the tolerance the client asks (`?simplify=`), with the box filter."""

import pytest
from django.contrib.gis.geos import MultiPolygon, Point
from rest_framework.test import APIClient

from pilots.models import Region
from tests.factories import PlanningVersionFactory, ZoneFactory


@pytest.fixture
def round_zone(world):
    """A zone drawn as a 257-point circle of 0.01° radius inside the operator's region."""
    region = Region.objects.get(code=world["own"])
    centre = region.geometry.point_on_surface
    circle = Point(centre.x, centre.y, srid=region.geometry.srid).buffer(0.01, quadsegs=64)
    return ZoneFactory(
        planning_version=PlanningVersionFactory(region=region, version=2),
        geometry=MultiPolygon(circle, srid=circle.srid),
    )


def _ring(api, query, zone) -> list:
    response = api.get(f"/api/v1/zones/{query}")
    assert response.status_code == 200
    (feature,) = [f for f in response.json()["features"] if f["id"] == zone.pk]
    coordinates = feature["geometry"]["coordinates"]
    return coordinates[0][0] if feature["geometry"]["type"] == "MultiPolygon" else coordinates[0]


def test_a_tolerance_draws_fewer_points_rounded_to_a_tenth_of_it(world, round_zone):
    api = APIClient()
    api.force_authenticate(world["users"]["finance"])

    stored = _ring(api, "", round_zone)
    fine = _ring(api, "?simplify=0.0001", round_zone)
    coarse = _ring(api, "?simplify=0.001", round_zone)

    assert len(stored) == 257
    assert len(stored) > len(fine) > len(coarse) >= 4
    assert all(round(x, 4) == x and round(y, 4) == y for x, y in coarse)
    # The detail answers to the same tolerance.
    detail = api.get(f"/api/v1/zones/{round_zone.pk}/?simplify=0.001").json()
    assert detail["geometry"]["coordinates"][0] in ([coarse], coarse)


def test_the_box_and_the_tolerance_combine(world, round_zone):
    api = APIClient()
    api.force_authenticate(world["users"]["finance"])
    centre = round_zone.geometry.centroid
    near = f"{centre.x - 0.02},{centre.y - 0.02},{centre.x + 0.02},{centre.y + 0.02}"
    far = f"{centre.x + 5},{centre.y + 5},{centre.x + 6},{centre.y + 6}"

    inside = api.get(f"/api/v1/zones/?in_bbox={near}&simplify=0.001").json()["features"]
    outside = api.get(f"/api/v1/zones/?in_bbox={far}&simplify=0.001").json()["features"]

    assert round_zone.pk in {f["id"] for f in inside}
    assert round_zone.pk not in {f["id"] for f in outside}


@pytest.mark.parametrize("value", ["0", "-0.1", "2", "abc", "nan", "inf", ""])
def test_a_bad_tolerance_is_a_400_naming_it_in_chinese(world, value):
    api = APIClient()
    api.force_authenticate(world["users"]["finance"])
    response = api.get(f"/api/v1/zones/?simplify={value}", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert "simplify" in response.json()["detail"]
    assert "容差" in response.json()["detail"]
