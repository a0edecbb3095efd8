"""Scenario 2: a finance official starts the Xin'an run and watches it calculate on the worker,
cannot approve it; a second finance official approves and posts it."""

import pytest

from compensation.models import SettlementRun
from config.roles import FINANCE
from tests.conftest import committing
from tests.e2e.users import guide_shot, log_in, person
from tests.factories import make_pilot

pytestmark = [committing, pytest.mark.celery_worker]


def press(page, action, reason):
    """Fill the reason beside one of the run's buttons and press it."""
    form = page.locator("#run-actions form").filter(
        has=page.locator(f"input[name=action][value={action}]")
    )
    form.locator("input[name=reason]").fill(reason)
    with page.expect_navigation():
        form.locator("input[type=submit]").click()


def test_start_watch_refuse_own_approval_then_approve_and_post(
    context,
    live_server,
    programme,
    celery_worker_process,
):
    make_pilot(programme, 2024)
    person(FINANCE, "maker")
    person(FINANCE, "checker")

    page = log_in(
        context, live_server, "maker", next_path="/admin/compensation/settlementrun/start/"
    )
    page.locator("#id_programme").select_option(str(programme.pk))
    page.locator("#id_period").fill("2024")
    page.locator("#id_reason").fill("2024 年度结算")
    page.get_by_role("button", name="发起并计算").click()
    page.wait_for_url("**/admin/compensation/settlementrun/*/change/")
    run = SettlementRun.objects.get()

    for _ in range(60):
        if "3/3" in page.locator("body").inner_text():
            break
        page.wait_for_timeout(500)
        page.reload()
    assert "3/3" in page.locator("body").inner_text()
    assert "已计算" in page.locator("body").inner_text()
    panel = page.locator("#run-actions").bounding_box()
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") == width, "page scrolls sideways"
    assert panel["width"] > width / 2 and panel["x"] + panel["width"] <= width, panel
    guide_shot(page, "2-calculated")

    press(page, "approve", "自己批准")
    assert "不能同时批准" in page.locator(".messagelist").inner_text()
    run.refresh_from_db()
    assert run.status == "calculated"

    context.clear_cookies()
    page = log_in(
        context,
        live_server,
        "checker",
        next_path=f"/admin/compensation/settlementrun/{run.pk}/change/",
    )
    press(page, "approve", "已复核预算")
    run.refresh_from_db()
    assert run.status == "approved" and run.approved_by.username == "checker"
    press(page, "post", "年度记账")
    assert "记入账簿？" in page.locator("h1").inner_text()
    assert page.locator("#confirm-reason").input_value() == "年度记账"
    with page.expect_navigation():
        page.get_by_role("button", name="是，记入账簿").click()
    for _ in range(60):
        run.refresh_from_db()
        if run.status == "statements":
            break
        page.wait_for_timeout(500)
    page.reload()
    assert run.status == "statements"
    assert "已出具结算单" in page.locator("body").inner_text()
    assert run.transitions.get(to_status="posted").reason == "年度记账"
    guide_shot(page, "2-posted")
