"""A worker killed (SIGKILL) mid-calculation or mid-posting, and two posts racing:
every transfer is posted exactly once and the ledger verifies."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from compensation.models import RunChunk
from compensation.periods import Period
from compensation.settlement import locks, planning, posting, states
from compensation.tasks import post_run
from ledger.verification import verify_ledger
from tests.conftest import committing
from tests.faults import record_run
from tests.waiting import posted_entries, posting_in_progress, wait_for_status, wait_until

pytestmark = [committing, pytest.mark.celery_worker, pytest.mark.faults]


def test_worker_killed_during_calculation_and_posting_posts_everything_once(
    pilot, maker, checker, workers, settings, fault_tally
):
    settings.SETTLEMENT_CHUNK_SIZE = 1
    first = workers()
    run = planning.start_run(programme=pilot, period=Period.year(2024), by=maker)
    planning.calculate(run, by=maker)
    wait_until(
        lambda: RunChunk.objects.filter(run=run, status="done").exists(),
        what="a first chunk done",
    )
    first.kill()
    run.refresh_from_db()
    assert run.status == "calculating" and run.chunks_done < run.chunks_total == 4

    second = workers()
    run = wait_for_status(run, "calculated", "failed", worker=second)
    assert run.status == "calculated", run.error
    assert run.chunks.filter(status="done").count() == 4

    states.approve(run, by=checker)
    post_run.delay(run.pk, checker.pk)
    wait_until(posting_in_progress, what="posting holding its advisory lock")
    second.kill()
    run.refresh_from_db()
    assert run.status == "approved" and posted_entries(run) == 0

    third = workers()
    run = wait_for_status(run, "statements", worker=third)
    record_run(fault_tally, run, {"worker SIGKILL": 2})
    assert posted_entries(run) == run.transfers.count() == 4
    assert not run.transfers.filter(entry__isnull=True).exists()
    assert verify_ledger().ok


def test_two_concurrent_posts_post_once_and_return_the_same_run(pilot, maker, checker, fault_tally):
    run = planning.start_run(programme=pilot, period=Period.year(2024), by=maker)
    run = planning.calculate(run, by=maker, inline=True)
    states.approve(run, by=checker)

    def post(_):
        try:
            return posting.post(run, by=checker)
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(post, range(2)))

    record_run(fault_tally, run, {"racing second post": 1})
    assert [r.status for r in results] == ["posted", "posted"]
    assert results[0].posted_at == results[1].posted_at
    assert posted_entries(run) == run.transfers.count()
    assert verify_ledger().ok


def test_database_connection_killed_mid_posting_retries_and_posts_once(
    pilot, maker, checker, workers, fault_tally
):
    """pg_terminate_backend on the posting connection: the batch rolls back, the task retries."""
    workers()
    run = planning.start_run(programme=pilot, period=Period.year(2024), by=maker)
    run = planning.calculate(run, by=maker, inline=True)
    states.approve(run, by=checker)

    post_run.delay(run.pk, checker.pk)
    wait_until(posting_in_progress, what="posting holding its advisory lock")
    with connection.cursor() as cursor:
        cursor.execute(
            # Only this test database's backends: the server may be running other suites.
            "SELECT pg_terminate_backend(pid) FROM pg_locks "
            "WHERE locktype = 'advisory' AND classid = %s "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [locks.RUN_LOCKS],
        )
        assert cursor.fetchone()[0] is True

    run = wait_for_status(run, "statements")
    record_run(fault_tally, run, {"pg_terminate_backend": 1})
    assert posted_entries(run) == run.transfers.count() == 4
    assert verify_ledger().ok
