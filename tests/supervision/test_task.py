"""A real worker supervises the region after a second survey is imported."""

import json

import pytest

from pilots.imports import import_land_cover
from supervision.models import Alert, AlertRule, ChangeDetection
from tests.conftest import committing
from tests.factories import add_cover, albers_strips
from tests.waiting import wait_until

pytestmark = [committing, pytest.mark.celery_worker]


def survey_file(region, year):
    features = [
        {
            "type": "Feature",
            "properties": {"landuse_code": code, "survey_year": year},
            "geometry": json.loads(albers_strips(region, *strips).json),
        }
        for code, strips in (("03", (0,)), ("20", (1, 2)), ("01", (3,)))
    ]
    collection = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "EPSG:4490"}},
        "features": features,
    }
    return json.dumps(collection).encode()


def test_importing_a_second_survey_makes_the_worker_compare_them(celery_worker_process, huangshan):
    add_cover(huangshan, "03", albers_strips(huangshan, 0, 1), year=2023)
    add_cover(huangshan, "01", albers_strips(huangshan, 2, 3), year=2023)
    AlertRule.objects.create(name="quota", kind="farmland_quota", region=huangshan, threshold=1)

    import_land_cover(
        name="survey-2025.geojson",
        data=survey_file(huangshan, 2025),
        region=huangshan,
        default_scheme="third-survey",
        source="test",
    )

    wait_until(
        lambda: ChangeDetection.objects.filter(region=huangshan, subject="land_cover").exists(),
        what="the worker's change detection",
    )
    detection = ChangeDetection.objects.get()
    assert (detection.before_year, detection.after_year) == (2023, 2025)
    assert detection.transitions.count() == 4
    assert Alert.objects.count() == 0  # no plan, so no farmland to hold to its quota
