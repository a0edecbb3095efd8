"""Scenario 6: anyone, signed in or not, reads the released pilot and run, looks up a credit
serial and checks a statement file; every public page passes axe-core's WCAG 2 A and AA
rules. With TANHUI_GUIDE_SCREENSHOTS the public pilot page is photographed for docs/."""

import pytest

from compensation.models import CreditBlock, CreditHolder
from config.roles import FINANCE
from disclosure import services
from disclosure.models import Release
from tests.conftest import committing
from tests.e2e.axe import violations
from tests.e2e.users import guide_shot, person

pytestmark = committing


@pytest.fixture
def released(issued):
    proposer, approver = person(FINANCE, "public-maker"), person(FINANCE, "public-checker")
    for kind, target in ((Release.Kind.PILOT, {}), (Release.Kind.RUN, {"run": issued})):
        proposal = services.propose_release(
            kind=kind, programme=issued.programme, by=proposer, **target
        )
        services.approve_release(proposal, by=approver)
    return issued


def test_the_public_pages_read_anonymously_and_are_accessible(context, live_server, released):
    page = context.new_page()
    page.goto(f"{live_server.url}/public/")
    assert violations(page) == []

    page.get_by_role("link", name=released.programme.name, exact=True).click()
    page.wait_for_load_state()
    assert page.locator("svg[role=img]").count() == 1
    assert "各成员地区的净碳收支" in page.locator("main").inner_text()
    assert violations(page) == []
    guide_shot(page, "public-pilot")

    page.goto(f"{live_server.url}/public/runs/{released.pk}/")
    assert "各地区各渠道净额（元）" in page.locator("main").inner_text()
    assert violations(page) == []

    for path in ("/public/log/", "/public/verify/", "/public/credits/?lang=en"):
        page.goto(f"{live_server.url}{path}")
        assert violations(page) == [], path


def test_a_serial_is_looked_up_by_keyboard(context, live_server, released):
    buyer = CreditHolder.objects.get(kind=CreditHolder.Kind.BUYER)
    serial = CreditBlock.objects.filter(holder=buyer)[0].serial
    page = context.new_page()
    page.goto(f"{live_server.url}/public/credits/")

    page.get_by_label("序列号").fill(serial)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    table = page.locator("main table").inner_text()
    assert serial in table and "买方" in table
    assert buyer.name not in page.content()
