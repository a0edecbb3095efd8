"""Beat's sweep: statements whose render tasks were lost are queued again, on a real worker."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

from compensation.models import SettlementRun
from compensation.statements.issue import issue_statements as issue
from compensation.tasks import issue_statements, sweep_statements
from config.celery import app
from tests.compensation.channels.conftest import UPSTREAM
from tests.compensation.settlement.conftest import workers  # noqa: F401 - fixture
from tests.compensation.settlement.waiting import wait_for_status, wait_until
from tests.compensation.statements.conftest import posted_run
from tests.conftest import committing


@committing
@pytest.mark.celery_worker
def test_the_sweep_queues_statements_whose_tasks_were_lost_and_leaves_failed_ones(
    pilot,
    maker,
    checker,
    workers,  # noqa: F811 - the imported fixture
    settings,
):
    run = issue(posted_run(pilot, maker, checker), by=checker)
    app.control.purge()  # the render tasks are lost, as with a broker that went away
    run.statements.filter(region__code=UPSTREAM).update(status="failed", error="bad data")
    workers({})

    assert sweep_statements.delay().get(timeout=60) == []  # posted too recently
    SettlementRun.objects.filter(pk=run.pk).update(
        posted_at=timezone.now() - timedelta(seconds=settings.STATEMENT_SWEEP_AFTER + 1)
    )
    assert sweep_statements.delay().get(timeout=60) == [run.pk]

    wait_until(
        lambda: run.statements.filter(status="issued").count() == 2, what="two statements issued"
    )
    assert list(run.statements.filter(status="failed").values_list("error", flat=True)) == [
        "bad data"
    ]
    run.refresh_from_db()
    assert run.status == "posted"
    assert sweep_statements.delay().get(timeout=60) == []  # nothing pending any more

    # Issuing again (what an official does once the cause is fixed) retries the failed one.
    issue_statements.delay(run.pk)
    run = wait_for_status(run, "statements")
    assert sorted(run.statements.values_list("status", flat=True)) == ["issued"] * 3


@committing  # the scheduler closes the database connection as it loads
def test_beat_keeps_the_sweep_on_its_schedule():
    DatabaseScheduler(app=app)

    task = PeriodicTask.objects.get(name="sweep stalled statements")
    assert task.task == "compensation.sweep_statements"
    assert task.task in app.tasks
    assert (task.interval.every, task.interval.period, task.enabled) == (300, "seconds", True)
