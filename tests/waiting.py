"""Polling the database while a worker process does the work."""

import time

from django.db import connection

from compensation.models import SettlementRun
from compensation.settlement import locks
from ledger.models import JournalEntry


def wait_for_status(run, *statuses, timeout=90.0, worker=None) -> SettlementRun:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status in statuses:
            return run
        time.sleep(0.2)
    log = worker.log() if worker is not None else ""
    raise AssertionError(f"run {run.pk} is {run.status}, not {statuses}, after {timeout} s\n{log}")


def wait_until(condition, *, timeout=60.0, what="condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what} not reached within {timeout} s")


def posted_entries(run) -> int:
    return JournalEntry.objects.filter(idempotency_key__startswith=f"{run.key_prefix}:").count()


def posting_in_progress() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = %s "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [locks.RUN_LOCKS],
        )
        return cursor.fetchone()[0] > 0
