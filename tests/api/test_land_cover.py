"""Land cover as GeoJSON, filtered by a bounding box and by survey year."""

import pytest

from config.roles import AUDITOR
from tests.factories import UPSTREAM, UserFactory, add_cover, albers_rectangle


@pytest.fixture
def cover(api, xinan):
    api.force_authenticate(UserFactory(username="auditor", group=AUDITOR))
    region = xinan[UPSTREAM]
    return add_cover(region, "03", albers_rectangle(region, 0, 0, 2000, 1000), year=2023)


def test_features_inside_the_box_only(api, cover):
    minx, miny, maxx, maxy = cover.geometry.extent
    around = f"{minx - 0.01},{miny - 0.01},{maxx + 0.01},{maxy + 0.01}"
    elsewhere = "100.0,20.0,100.1,20.1"

    found = api.get(f"/api/v1/land-cover/?in_bbox={around}").json()
    empty = api.get(f"/api/v1/land-cover/?in_bbox={elsewhere}").json()

    assert found["type"] == "FeatureCollection"
    assert [f["id"] for f in found["features"]] == [cover.pk]
    properties = found["features"][0]["properties"]
    assert (properties["region"], properties["land_use"], properties["survey_year"]) == (
        UPSTREAM,
        "03",
        2023,
    )
    assert found["features"][0]["geometry"]["type"] == "MultiPolygon"
    assert empty["features"] == []


def test_filter_by_survey_year(api, cover):
    assert api.get("/api/v1/land-cover/?survey_year=2022").json()["features"] == []
    assert len(api.get("/api/v1/land-cover/?survey_year=2023").json()["features"]) == 1
