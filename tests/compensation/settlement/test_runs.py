"""A settlement run from draft to posted, calculated inline (the worker tests run the same code)."""

import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django_celery_beat.models import PeriodicTask

from compensation.models import RunChunk, RunTransfer, SettlementRun
from compensation.periods import Period
from compensation.settlement import planning, posting, reports, states
from ledger.models import Account, JournalEntry
from ledger.selectors import account_balance
from ledger.verification import verify_ledger
from tests.factories import DOWNSTREAM, UPSTREAM, ei, monitor, parameters

YEAR = Period.year(2024)


def balance(code):
    return account_balance(account=Account.objects.get(code=code))


def calculated(pilot, maker, **options):
    run = planning.start_run(programme=pilot, period=YEAR, by=maker, **options)
    return planning.calculate(run, by=maker, inline=True)


def test_run_from_draft_to_posted_books_every_channel(pilot, maker, checker):
    run = calculated(pilot, maker)

    assert run.status == "calculated"
    assert (run.chunks_total, run.chunks_done) == (3, 3)
    channels = run.summary["channels"]
    # vertical: 4,570,500 − 5% (ΔEI −3.5) = 4,341,975.00 upstream; 1,000,000.00 downstream
    assert channels["vertical"]["CNY"] == "5341975.00"
    assert channels["horizontal"]["CNY"] == "200000000.00"
    assert channels["market"]["CNY"] == "8000.00"
    assert run.summary["regions"][UPSTREAM]["horizontal"]["net"] == "200000000.00"
    assert run.summary["regions"][DOWNSTREAM]["horizontal"]["net"] == "-200000000.00"

    states.approve(run, by=checker)
    posted = posting.post(run, by=checker)

    assert posted.status == "posted"
    assert balance(f"cny:region:{UPSTREAM}:vertical") == Decimal("4341975.00")
    assert balance(f"cny:region:{DOWNSTREAM}:horizontal") == Decimal("-200000000.00")
    assert balance(f"cny:region:{UPSTREAM}:market") == Decimal("8000.00")
    assert not RunTransfer.objects.filter(run=run, entry__isnull=True).exists()
    assert [t.to_status for t in run.transitions.all()] == [
        "draft",
        "calculating",
        "calculated",
        "approved",
        "posted",
    ]
    assert run.transitions.get(to_status="approved").by == checker
    assert verify_ledger().ok


def test_posting_twice_posts_once_and_returns_the_same_run(pilot, maker, checker):
    run = calculated(pilot, maker)
    states.approve(run, by=checker)
    posting.post(run, by=checker)
    entries = JournalEntry.objects.count()

    again = posting.post(run, by=checker)

    assert again.status == "posted"
    assert JournalEntry.objects.count() == entries


def test_the_maker_cannot_approve_and_neither_can_a_non_finance_user(
    pilot, maker, checker, ecologist
):
    run = calculated(pilot, maker)

    with pytest.raises(
        states.SettlementError, match=r"maker started run \d+ and cannot also approve"
    ):
        states.approve(run, by=maker)
    with pytest.raises(states.SettlementError, match="Only a finance official"):
        states.approve(run, by=ecologist)
    with pytest.raises(states.SettlementError, match="only an approved run is posted"):
        posting.post(run, by=checker)
    run.refresh_from_db()
    assert run.status == "calculated" and run.approved_by is None
    with pytest.raises(IntegrityError), transaction.atomic():
        SettlementRun.objects.filter(pk=run.pk).update(approved_by=maker)


def test_approval_follows_the_approve_permission_not_a_group_name(pilot, maker):
    """config.roles decides who approves: the permission, wherever it comes from."""
    run = calculated(pilot, maker)
    granted = User.objects.create_user("treasury-reviewer")
    granted.user_permissions.add(Permission.objects.get(codename="approve_settlementrun"))
    renamed = User.objects.create_user("renamed-group")
    renamed.groups.add(Group.objects.create(name="finance official (copy)"))

    with pytest.raises(states.SettlementError, match="Only a finance official"):
        states.approve(run, by=renamed)
    approved = states.approve(run, by=granted)

    assert approved.status == "approved" and approved.approved_by == granted


def test_one_regular_run_per_pilot_and_period(pilot, maker):
    run = planning.start_run(programme=pilot, period=YEAR, by=maker)

    with pytest.raises(states.SettlementError, match=f"Run {run.pk} already settles"):
        planning.start_run(programme=pilot, period=YEAR, by=maker)
    with pytest.raises(IntegrityError), transaction.atomic():
        SettlementRun.objects.create(programme=pilot, period_start=YEAR.start, period_end=YEAR.end)
    states.cancel(run, by=maker, reason="wrong data")
    assert planning.start_run(programme=pilot, period=YEAR, by=maker).status == "draft"


def test_a_failed_run_shows_the_error_and_resumes_without_redoing_finished_chunks(pilot, maker):
    agreement = pilot.agreements.get()
    agreement.monitoring.filter(pollutant="TP").delete()
    run = calculated(pilot, maker)

    assert run.status == "failed"
    assert "no 2024 annual mean at 街口 for TP" in run.error
    done = dict(run.chunks.filter(status="done").values_list("channel", "finished_at"))
    assert set(done) == {"vertical", "market"}

    monitor(agreement, 2024, {"TP": "0.018"})
    resumed = planning.calculate(run, by=maker, reason="TP mean added", inline=True)

    assert resumed.status == "calculated"
    assert (
        dict(resumed.chunks.filter(channel__in=done).values_list("channel", "finished_at")) == done
    )
    assert RunChunk.objects.filter(run=run, status="done").count() == 3


def test_budget_cap_applies_across_chunks(pilot, maker, settings):
    settings.SETTLEMENT_CHUNK_SIZE = 1
    pilot.vertical_parameters.update(budget=Decimal("3000000.00"))

    run = calculated(pilot, maker)

    vertical = dict(run.transfers.filter(channel="vertical").values_list("payee_region", "amount"))
    assert run.chunks.filter(channel="vertical").count() == 2
    assert sum(vertical.values()) == Decimal("3000000.00")
    # 3,000,000 × 4,341,975 / 5,341,975 = 2,438,409.9513… and × 1,000,000 / … = 561,590.0486…
    assert vertical == {UPSTREAM: Decimal("2438409.95"), DOWNSTREAM: Decimal("561590.05")}


def test_scenarios_compare_side_by_side_and_never_post(pilot, maker, checker):
    base = calculated(pilot, maker)
    scenario = calculated(
        pilot,
        maker,
        kind="scenario",
        name="budget 3,000,000",
        overrides={"budget": "3000000.00"},
    )

    rows = {(r.region, r.channel): r for r in reports.compare(base, scenario)}

    assert rows[(UPSTREAM, "vertical")].difference == Decimal("-1903565.05")
    assert rows[(UPSTREAM, "horizontal")].difference == Decimal("0.00")
    with pytest.raises(states.SettlementError, match="never approved or posted"):
        states.approve(scenario, by=checker)
    with pytest.raises(IntegrityError), transaction.atomic():
        SettlementRun.objects.filter(pk=scenario.pk).update(status="posted")


def test_a_correction_reverses_the_original_and_posts_replacements(pilot, maker, checker):
    original = calculated(pilot, maker)
    states.approve(original, by=checker)
    posting.post(original, by=checker)
    pilot.vertical_parameters.get().regions.filter(region__code=DOWNSTREAM).update(
        standard_revenue=Decimal("6000000.00")
    )

    correction = planning.start_run(
        programme=pilot, period=YEAR, by=maker, kind="correction", corrects=original
    )
    planning.calculate(correction, by=maker, inline=True)
    states.approve(correction, by=checker)
    posting.post(correction, by=checker)

    assert balance(f"cny:region:{DOWNSTREAM}:vertical") == Decimal("500000.00")
    assert balance(f"cny:region:{UPSTREAM}:horizontal") == Decimal("200000000.00")
    reversals = JournalEntry.objects.filter(reverses__isnull=False)
    assert reversals.count() == original.transfers.count()
    assert all(e.idempotency_key.startswith(f"run:{correction.pk}:reversal:") for e in reversals)
    with pytest.raises(states.SettlementError, match="already been corrected"):
        planning.start_run(
            programme=pilot, period=YEAR, by=maker, kind="correction", corrects=original
        )
    assert verify_ledger().ok


def test_commands_settle_approve_and_post(pilot, maker, checker, tmp_path):
    out = io.StringIO()
    call_command(
        "settle", pilot=str(pilot.pk), period="2024", user="maker", inline=True, stdout=out
    )
    run = SettlementRun.objects.get()
    assert f"Run #{run.pk} calculated; it waits for approval." in out.getvalue()
    assert "vertical: 5341975.00 CNY" in out.getvalue()

    with pytest.raises(CommandError, match="cannot also approve it"):
        call_command("approve", run.pk, user="maker")
    call_command("approve", run.pk, user="checker", stdout=io.StringIO())
    out = io.StringIO()
    call_command("post", run.pk, user="checker", stdout=out)
    call_command("post", run.pk, user="checker", stdout=out)

    assert (
        out.getvalue().count(f"Run #{run.pk} posted: 4 ledger entries; 3 statements issued.") == 2
    )

    overrides = tmp_path / "budget.json"
    overrides.write_text('{"budget": "1000000.00"}')
    call_command(
        "settle",
        pilot=pilot.name,
        period="2024",
        scenario=str(overrides),
        name="budget 1m",
        inline=True,
        stdout=io.StringIO(),
    )
    scenario = SettlementRun.objects.get(kind="scenario")
    assert scenario.summary["channels"]["vertical"]["CNY"] == "1000000.00"
    with pytest.raises(CommandError, match="is not a year"):
        call_command("settle", pilot=str(pilot.pk), period="2024Q5", inline=True)
    with pytest.raises(CommandError, match="Unknown overrides price"):
        overrides.write_text('{"price": "1"}')
        call_command(
            "settle", pilot=str(pilot.pk), period="2024", scenario=str(overrides), inline=True
        )


def test_schedules_follow_the_frequency_or_a_cron_expression(pilot):
    out = io.StringIO()
    call_command("schedule_settlement", pilot=str(pilot.pk), stdout=out)
    task = PeriodicTask.objects.get(name=f"settle pilot {pilot.pk}")
    assert (task.crontab.day_of_month, task.crontab.month_of_year) == ("1", "1")
    assert task.task == "compensation.scheduled_settlement" and task.enabled

    call_command("schedule_settlement", pilot=str(pilot.pk), cron="30 3 1 * *", disable=True)
    task.refresh_from_db()
    assert (task.crontab.minute, task.crontab.hour, task.enabled) == ("30", "3", False)
    assert PeriodicTask.objects.filter(task="compensation.scheduled_settlement").count() == 1
    with pytest.raises(CommandError, match="needs five fields"):
        call_command("schedule_settlement", pilot=str(pilot.pk), cron="daily")


def test_summary_compares_with_the_previous_posted_period(pilot, maker, checker):
    first = calculated(pilot, maker)
    states.approve(first, by=checker)
    posting.post(first, by=checker)
    for code, value in ((UPSTREAM, "66.0"), (DOWNSTREAM, "61.0")):
        ei(code, 2025, value)
    parameters(pilot, carbon=False, year=2025)
    monitor(
        pilot.agreements.get(), 2025, {"CODMn": "2.5", "NH3-N": "0.1", "TN": "1.5", "TP": "0.03"}
    )

    second = planning.calculate(
        planning.start_run(programme=pilot, period=Period.year(2025), by=maker),
        by=maker,
        inline=True,
    )

    assert second.summary["previous_run"] == first.pk
    upstream = second.summary["regions"][UPSTREAM]["vertical"]
    # 2025: ΔEI −0.5 is no change, so no deduction: 4,570,500.00 against 4,341,975.00
    assert upstream == {
        "net": "4570500.00",
        "previous": "4341975.00",
        "difference": "228525.00",
    }
    # P > 1 in 2025: the upstream region pays instead of receiving 200,000,000.00
    assert second.summary["regions"][UPSTREAM]["horizontal"]["difference"] == "-400000000.00"
