"""Scenario 5: every page an official or operator uses passes axe-core's WCAG 2 A and AA rules
(labels, contrast, landmarks, names of links and buttons), and its forms work by keyboard."""

import pytest

from config.roles import ECOLOGY, OPERATOR
from pilots.models import OperatorAssignment, Region
from supervision.models import Alert, AlertRule
from tests.conftest import committing
from tests.e2e.axe import violations
from tests.e2e.users import log_in, person
from tests.factories import sink_decline_alert

pytestmark = committing


@pytest.fixture
def people(issued):
    huangshan = Region.objects.get(code="341000")
    operator = person(OPERATOR, "huangshan")
    OperatorAssignment.objects.create(user=operator, region=huangshan)
    rule = AlertRule.objects.create(name="sink watch", kind="sink_decline", threshold=5)
    sink_decline_alert(huangshan, rule)
    return {"official": person(ECOLOGY, "ecology"), "operator": operator, "run": issued}


def test_the_login_page_is_accessible(context, live_server, people):
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")

    assert violations(page) == []


def test_the_official_pages_are_accessible(context, live_server, people):
    page = log_in(context, live_server, "ecology")
    paths = [
        "/",
        f"/pilots/{people['run'].programme_id}/",
        "/regions/330127/",
        "/supervision/regions/341000/evaluation/2024/",
    ]
    for path in paths:
        page.goto(f"{live_server.url}{path}")
        assert violations(page) == [], path


def test_the_operator_pages_are_accessible_and_work_by_keyboard(context, live_server, people):
    page = log_in(context, live_server, "huangshan")
    page.wait_for_url("**/regions/341000/")
    assert violations(page) == []

    page.get_by_label("What was found or done").or_(page.get_by_label("核查情况或处理措施")).focus()
    page.keyboard.type("Checked with the county forestry bureau.")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "预警已确认。" in page.locator("main").inner_text()

    alert = Alert.objects.get()
    assert alert.comment == "Checked with the county forestry bureau."
    assert alert.acknowledged_by == people["operator"]
    page.goto(f"{live_server.url}/regions/341000/monitoring/")
    assert violations(page) == []
