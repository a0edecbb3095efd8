"""Runs in the admin: start, follow, approve by someone else, post; scenarios side by side."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from compensation.exceptions import CompensationError
from compensation.models import SettlementRun
from compensation.periods import Period, parse_period
from compensation.settlement import planning, states
from compensation.tasks import post_run
from config.roles import AUDITOR
from tests.factories import UserFactory


def run_chunks(run):
    for pk in run.chunks.values_list("pk", flat=True):
        planning.run_chunk(pk)
    run.refresh_from_db()
    return run


def start(client, pilot, **fields):
    return client.post(
        reverse("admin:compensation_settlementrun_start"),
        {"programme": pilot.pk, "period": "2024", "reason": "year end", **fields},
        headers={"accept-language": "en"},
    )


def move(client, run, action, reason="", **fields):
    return client.post(
        reverse("admin:compensation_settlementrun_move", args=[run.pk]),
        {"action": action, "reason": reason, **fields},
        follow=True,
        headers={"accept-language": "en"},
    )


def test_finance_officials_start_approve_and_post_from_the_admin(
    client, pilot, maker, checker, django_capture_on_commit_callbacks
):
    client.force_login(maker)
    response = start(client, pilot)
    run = SettlementRun.objects.get()
    assert response.status_code == 302
    assert run.status == "calculating" and run.started_by == maker
    run = run_chunks(run)
    page = client.get(
        reverse("admin:compensation_settlementrun_change", args=[run.pk]),
        headers={"accept-language": "en"},
    ).content.decode()
    assert "3/3" in page and 'value="approve"' in page and "CNY 5,341,975.00" in page

    refused = move(client, run, "approve", "looks right")
    assert "cannot also approve it (maker-checker)" in refused.content.decode()
    run.refresh_from_db()
    assert run.status == "calculated"

    client.force_login(checker)
    move(client, run, "approve", "checked against the budget law")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        asked = move(client, run, "post", "year end").content.decode()
    assert callbacks == [] and "Post run" in asked and 'value="year end"' in asked
    assert "Posting is final" in asked
    run.refresh_from_db()
    assert run.status == "approved"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        move(client, run, "post", "year end", confirmed="yes")
    assert len(callbacks) == 1
    post_run(run.pk, checker.pk, "year end")
    run.refresh_from_db()
    assert run.status in ("posted", "statements")
    assert run.transitions.get(to_status="approved").reason == "checked against the budget law"
    assert run.transitions.get(to_status="posted").reason == "year end"


def test_a_run_that_fails_at_once_says_so_in_red_with_the_reason(client, programme, maker):
    """No parameters for 2024: the plan fails before any worker runs; no green 'started'."""
    client.force_login(maker)
    page = client.post(
        reverse("admin:compensation_settlementrun_start"),
        {"programme": programme.pk, "period": "2024", "reason": "year end"},
        follow=True,
        headers={"accept-language": "en"},
    ).content.decode()
    run = SettlementRun.objects.get()
    assert run.status == "failed"
    assert 'class="error"' in page and "failed:" in page and escape(run.error) in page
    assert "started." not in page


def test_an_overlapping_regular_run_is_refused(pilot, maker):
    planning.start_run(programme=pilot, period=Period.year(2024), by=maker)
    with pytest.raises(CompensationError, match="overlaps"):
        planning.start_run(programme=pilot, period=parse_period("2024Q1"), by=maker)
    assert SettlementRun.objects.count() == 1


def test_the_overrides_box_starts_empty(client, maker, pilot):
    client.force_login(maker)
    page = client.get(reverse("admin:compensation_settlementrun_start")).content.decode()
    assert ">null<" not in page


def test_a_scenario_page_compares_with_the_regular_run(client, pilot, maker):
    client.force_login(maker)
    start(client, pilot)
    start(
        client,
        pilot,
        scenario="on",
        name="budget 3m",
        overrides='{"budget": "3000000.00"}',
    )
    base, scenario = SettlementRun.objects.order_by("pk")
    run_chunks(base)
    run_chunks(scenario)

    page = client.get(
        reverse("admin:compensation_settlementrun_change", args=[scenario.pk]),
        headers={"accept-language": "en"},
    ).content.decode()

    assert "against run</p>" in page or f"#{base.pk}" in page
    assert "-1903565.05" in page
    assert 'value="approve"' not in page


def test_bad_start_input_is_shown_not_raised(client, pilot, maker):
    client.force_login(maker)

    response = start(client, pilot, period="2024Q9")
    assert response.status_code == 200
    assert "is not a year" in response.content.decode()
    response = start(client, pilot, scenario="on", overrides='{"budget": 1.5}')
    assert "not a float" in response.content.decode()
    assert not SettlementRun.objects.exists()


@pytest.mark.parametrize("action", ["calculate", "approve", "post", "cancel"])
def test_auditors_cannot_move_runs(client, pilot, maker, action):
    run = planning.start_run(programme=pilot, period=Period.year(2024), by=maker)
    client.force_login(UserFactory(username="auditor", group=AUDITOR))

    assert (
        client.get(reverse("admin:compensation_settlementrun_change", args=[run.pk])).status_code
        == 200
    )
    assert move(client, run, action).status_code == 403
    assert client.get(reverse("admin:compensation_settlementrun_start")).status_code == 403
    run.refresh_from_db()
    assert run.status == "draft"


def test_a_reason_with_a_nul_character_is_refused_and_nothing_moves(client, pilot, maker):
    client.force_login(maker)
    start(client, pilot)
    run = run_chunks(SettlementRun.objects.get())
    before = list(run.transitions.values_list("pk", flat=True))

    page = move(client, run, "cancel", "year\x00end").content.decode()

    run.refresh_from_db()
    assert "Reason: Null characters are not allowed." in page
    assert run.status == "calculated"
    assert list(run.transitions.values_list("pk", flat=True)) == before


def test_a_run_name_or_reason_with_a_nul_character_is_refused_on_start(client, pilot, maker):
    client.force_login(maker)

    response = client.post(
        reverse("admin:compensation_settlementrun_start"),
        {"programme": pilot.pk, "period": "2024", "reason": "year end"},
        headers={"accept-language": "en"},
    )
    assert response.status_code == 302
    with pytest.raises(states.SettlementError, match="name: Ensure this value has at most"):
        planning.start_run(programme=pilot, period=Period.year(2025), by=maker, name="年" * 201)
    assert SettlementRun.objects.count() == 1


@pytest.mark.parametrize(
    "overrides",
    [
        "NaN",
        "1e400",
        '["CEA"]',
        '"budget"',
        '{"carbon_prices": ["CEA"]}',
        '{"ratios": {"abc": {}}}',
        '{"ratios": {"5": [1, 2]}}',
        '{"ratios": {"5": {"530000": 7}}}',
        '{"budget": "1e400"}',
    ],
)
def test_overrides_of_a_wrong_shape_are_the_overrides_fields_error(client, pilot, maker, overrides):
    client.force_login(maker)

    response = start(client, pilot, scenario="on", overrides=overrides)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["overrides"]
    assert not SettlementRun.objects.exists()
