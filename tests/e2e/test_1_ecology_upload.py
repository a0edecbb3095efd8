"""Scenario 1: an ecology official uploads protected zones, reads why one feature was refused,
fixes it, uploads again and sees the zones on the map."""

import json
from datetime import date

import pytest

from config.roles import ECOLOGY
from pilots.models import PlanningVersion, Region, Zone
from pilots.regions import load_regions
from tests.conftest import committing
from tests.e2e.users import guide_shot, log_in, person
from tests.factories import albers_rectangle

pytestmark = committing


def feature(geometry, name):
    return {
        "type": "Feature",
        "properties": {"name": name, "kind": "ecological_red_line"},
        "geometry": json.loads(geometry.json) if not isinstance(geometry, dict) else geometry,
    }


@pytest.fixture
def plan(db):
    load_regions(prefixes=["340000", "341000"])
    region = Region.objects.get(code="341000")
    return PlanningVersion.objects.create(
        region=region, name="黄山市国土空间规划", version=1, effective_from=date(2024, 1, 1)
    )


def test_upload_read_the_refusal_fix_and_see_the_map(context, live_server, plan, tmp_path):
    person(ECOLOGY, "ecology")
    good = feature(albers_rectangle(plan.region, 0, 0, 2000, 2000), "红线A")
    x0, y0, x1, y1 = albers_rectangle(plan.region, 5000, 0, 2000, 2000).extent
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[x0, y0], [x1, y1], [x1, y0], [x0, y1], [x0, y0]]],
    }
    broken = tmp_path / "红线.geojson"
    broken.write_text(
        json.dumps({"type": "FeatureCollection", "features": [good, feature(bowtie, "红线B")]}),
        encoding="utf-8",
    )

    page = log_in(context, live_server, "ecology", next_path="/admin/pilots/importbatch/upload/")
    page.locator("#id_kind").select_option("zones")
    page.locator("#id_planning_version").select_option(str(plan.pk))
    page.locator("#id_file").set_input_files(str(broken))
    page.get_by_role("button", name="上传并检查").click()

    report = page.locator("#import-report")
    report.wait_for()
    assert "要素 2" in report.inner_text()
    assert "Self-intersection" in report.inner_text()
    guide_shot(page, "1-refused")
    assert not Zone.objects.exists()

    fixed = dict(json.loads(broken.read_text(encoding="utf-8")))
    fixed["features"][1] = feature(albers_rectangle(plan.region, 5000, 0, 2000, 2000), "红线B")
    broken.write_text(json.dumps(fixed), encoding="utf-8")
    page.locator("#id_kind").select_option("zones")
    page.locator("#id_planning_version").select_option(str(plan.pk))
    page.locator("#id_file").set_input_files(str(broken))
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_url("**/admin/pilots/importbatch/*/change/")
    assert Zone.objects.count() == 2

    zone = Zone.objects.get(name="红线B")
    page.goto(f"{live_server.url}/admin/pilots/zone/{zone.pk}/change/")
    page.locator(".ol-viewport").first.wait_for()
    assert page.locator("canvas").count() >= 1
    guide_shot(page, "1-zone-map")
