"""Scenario 3: the 黄山市 operator sees their balance and statement, and gets "not found" when
typing the address of 淳安县's statement."""

from config.roles import OPERATOR
from pilots.models import OperatorAssignment, Region
from tests.conftest import committing
from tests.e2e.users import guide_shot, log_in, person

pytestmark = committing


def test_operator_sees_own_region_and_not_the_other(context, live_server, issued):
    operator = person(OPERATOR, "huangshan")
    OperatorAssignment.objects.create(user=operator, region=Region.objects.get(code="341000"))
    theirs = issued.statements.get(region__code="330127")

    page = log_in(context, live_server, "huangshan")

    page.wait_for_url("**/regions/341000/")
    body = page.locator("main").inner_text()
    assert "黄山市" in body
    # 4,341,975.00 vertical + 200,000,000.00 horizontal + 8,000.00 market
    assert "2.04 亿元" in body and "4,341,975.00 元" in body
    pdf = page.get_by_role("link", name="PDF", exact=True)
    assert pdf.count() == 1
    guide_shot(page, "3-operator")

    response = page.goto(f"{live_server.url}/statements/{theirs.pk}/pdf/")
    assert response.status == 404
    response = page.goto(f"{live_server.url}/regions/330127/")
    assert response.status == 404
    guide_shot(page, "3-not-found")
