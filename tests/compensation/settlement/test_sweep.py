"""Beat's sweep: work whose tasks were lost on the way to a worker is queued again.

The tasks are lost the way a broker loses them, by purging the queue before any
worker runs; then a real worker runs the sweep and the work it queues.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

from compensation.models import SettlementRun
from compensation.periods import Period
from compensation.settlement import planning, sweeps
from compensation.statements.issue import issue_statements as issue
from compensation.statements.issue import sweep_stalled_statements as issue_stalled
from compensation.tasks import issue_statements, sweep_stalled
from config.celery import app
from tests.conftest import committing
from tests.factories import UPSTREAM, posted_run
from tests.waiting import wait_for_status, wait_until

NOTHING = {"calculations": [], "statements": []}


def overdue(settings):
    return timezone.now() - timedelta(seconds=settings.STALLED_AFTER + 1)


@committing
@pytest.mark.celery_worker
def test_the_sweep_queues_chunks_of_a_calculation_whose_tasks_were_lost(
    pilot, maker, workers, settings
):
    run = planning.calculate(
        planning.start_run(programme=pilot, period=Period.year(2024), by=maker), by=maker
    )
    app.control.purge()  # the chunks' tasks are lost
    worker = workers({})
    assert run.status == "calculating" and run.chunks.filter(status="pending").count() == 3

    assert sweep_stalled.delay().get(timeout=60) == NOTHING  # started too recently
    run.transitions.update(at=overdue(settings))
    assert sweep_stalled.delay().get(timeout=60) == {"calculations": [run.pk], "statements": []}

    run = wait_for_status(run, "calculated", "failed", worker=worker)
    assert run.status == "calculated", run.error
    assert run.chunks_done == run.chunks.filter(status="done").count() == 3
    assert sweep_stalled.delay().get(timeout=60) == NOTHING


@committing
@pytest.mark.celery_worker
def test_the_sweep_queues_statements_whose_tasks_were_lost_and_leaves_failed_ones(
    pilot, maker, checker, workers, settings
):
    run = issue(posted_run(pilot, maker, checker), by=checker)
    app.control.purge()  # the render tasks are lost
    run.statements.filter(region__code=UPSTREAM).update(status="failed", error="bad data")
    workers({})

    assert sweep_stalled.delay().get(timeout=60) == NOTHING  # posted too recently
    SettlementRun.objects.filter(pk=run.pk).update(posted_at=overdue(settings))
    assert sweep_stalled.delay().get(timeout=60) == {"calculations": [], "statements": [run.pk]}

    wait_until(
        lambda: run.statements.filter(status="issued").count() == 2, what="two statements issued"
    )
    assert list(run.statements.filter(status="failed").values_list("error", flat=True)) == [
        "bad data"
    ]
    run.refresh_from_db()
    assert run.status == "posted"
    assert sweep_stalled.delay().get(timeout=60) == NOTHING  # nothing pending any more

    # Issuing again (what an official does once the cause is fixed) retries the failed one.
    issue_statements.delay(run.pk)
    run = wait_for_status(run, "statements")
    assert sorted(run.statements.values_list("status", flat=True)) == ["issued"] * 3


@committing  # the scheduler closes the database connection as it loads
def test_beat_keeps_the_sweep_on_its_schedule():
    DatabaseScheduler(app=app)

    task = PeriodicTask.objects.get(name="sweep stalled work")
    assert task.task == "compensation.sweep_stalled"
    assert task.task in app.tasks
    assert (task.interval.every, task.interval.period, task.enabled) == (300, "seconds", True)


def test_the_sweep_finishes_a_calculation_whose_chunks_are_all_done(pilot, maker):
    # The worker committed the last chunk and died before marking the run calculated.
    run = planning.calculate(
        planning.start_run(programme=pilot, period=Period.year(2024), by=maker),
        by=maker,
        inline=True,
    )
    summary = run.summary
    SettlementRun.objects.filter(pk=run.pk).update(status="calculating")

    assert sweeps.sweep_stalled_calculations(older_than=timedelta(0)) == [run.pk]

    run.refresh_from_db()
    assert (run.status, run.summary) == ("calculated", summary)


def test_a_calculation_that_progresses_is_not_swept(pilot, maker, settings):
    # Nothing is queued here: the test's transaction never commits.
    stalled = timedelta(seconds=settings.STALLED_AFTER)
    run = planning.calculate(
        planning.start_run(programme=pilot, period=Period.year(2024), by=maker), by=maker
    )
    run.transitions.update(at=overdue(settings))
    chunk = run.chunks.first()
    run.chunks.filter(pk=chunk.pk).update(status="done", finished_at=timezone.now())
    assert sweeps.sweep_stalled_calculations(older_than=stalled) == []
    run.chunks.filter(pk=chunk.pk).update(finished_at=overdue(settings))
    assert sweeps.sweep_stalled_calculations(older_than=stalled) == [run.pk]


def test_an_issuing_that_progresses_is_not_swept(pilot, maker, checker, settings):
    stalled = timedelta(seconds=settings.STALLED_AFTER)
    posted = issue(posted_run(pilot, maker, checker), by=checker)
    SettlementRun.objects.filter(pk=posted.pk).update(posted_at=overdue(settings))
    posted.statements.filter(region__code=UPSTREAM).update(
        status="issued", issued_at=timezone.now()
    )
    assert issue_stalled(older_than=stalled) == []
    posted.statements.filter(region__code=UPSTREAM).update(issued_at=overdue(settings))
    assert issue_stalled(older_than=stalled) == [posted.pk]
