"""Schedule → calculate → approve → post with a real Redis broker and a real worker process."""

import json
from decimal import Decimal

import pytest
from django.utils import timezone

from compensation.models import SettlementRun
from compensation.periods import previous_period
from compensation.schedules import schedule_settlement
from compensation.settlement import states
from compensation.tasks import post_run
from config.celery import app
from ledger.models import Account, JournalEntry
from ledger.selectors import account_balance
from ledger.verification import verify_ledger
from tests.conftest import committing
from tests.factories import DOWNSTREAM, UPSTREAM, make_pilot
from tests.waiting import wait_for_status

pytestmark = [committing, pytest.mark.celery_worker]


def test_scheduled_run_calculates_on_the_worker_waits_for_approval_then_posts(
    programme, maker, checker, celery_worker_process
):
    period = previous_period("yearly", timezone.localdate())
    make_pilot(programme, period.start.year)
    task = schedule_settlement(programme)
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_month) == ("0", "2", "1")
    assert task.crontab.month_of_year == "1"

    # What celery beat sends when the schedule is due.
    app.send_task(task.task, args=json.loads(task.args)).get(timeout=60)

    run = SettlementRun.objects.get(programme=programme)
    run = wait_for_status(run, "calculated", "failed")
    assert run.status == "calculated", run.error
    assert (run.period_start, run.period_end) == (period.start, period.end)
    assert run.started_by is None
    assert not JournalEntry.objects.filter(idempotency_key__startswith=run.key_prefix).exists()

    states.approve(run, by=checker)
    assert post_run.delay(run.pk, checker.pk).get(timeout=60) in ("posted", "statements")

    # The worker renders the statements, one task each, and the last marks the run.
    run = wait_for_status(run, "statements", worker=None)
    assert sorted(run.statements.values_list("status", flat=True)) == ["issued"] * 3
    balances = {
        code: account_balance(account=Account.objects.get(code=code))
        for code in (
            f"cny:region:{UPSTREAM}:vertical",
            f"cny:region:{DOWNSTREAM}:horizontal",
            f"cny:region:{UPSTREAM}:market",
        )
    }
    assert balances == {
        f"cny:region:{UPSTREAM}:vertical": Decimal("4341975.00"),
        f"cny:region:{DOWNSTREAM}:horizontal": Decimal("-200000000.00"),
        f"cny:region:{UPSTREAM}:market": Decimal("8000.00"),
    }
    assert (
        JournalEntry.objects.filter(idempotency_key__startswith=f"{run.key_prefix}:").count()
        == run.transfers.count()
    )
    assert verify_ledger().ok
