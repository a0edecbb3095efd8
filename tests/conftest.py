"""Shared fixtures: the PostGIS guard and a real Celery worker process."""

import pytest

from config.workers import PROJECT_ROOT, CeleryWorker, WorkerFailed

__all__ = ["PROJECT_ROOT", "CeleryWorker", "committing"]


@pytest.fixture(scope="session", autouse=True)
def _require_postgis(django_db_setup, django_db_blocker):
    """The suite runs on the system of record: refuse to run on anything else."""
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.exit(
                "Tests run against PostgreSQL + PostGIS: run `make test`, or set "
                "DATABASE_URL=postgis://postgres@127.0.0.1:5432/tanhui and REDIS_URL.",
                returncode=2,
            )


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Files a test makes (statements) go to its own temporary directory, never to var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="module")
def celery_worker_process(django_db_setup, django_db_blocker, tmp_path_factory):
    """Start one worker for a test module. Yields its node name.

    Module scope keeps workers of different modules apart (a fault-test module
    starts and kills its own). The queue is purged first so that tasks left
    over by an aborted earlier run are not executed against this one.
    """
    from django.conf import settings

    from config.celery import app

    if settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.fail("A real worker needs a broker: set REDIS_URL (make test does).")
    app.control.purge()
    try:
        worker = CeleryWorker(tmp_path_factory.mktemp("celery")).start()
    except WorkerFailed as exc:
        pytest.fail(str(exc))
    try:
        yield worker.node
    finally:
        worker.stop()


# Tests whose work must really commit (deferred checks, concurrency). The ledger's
# reference rows (commodities, chain head) come from migrations, so they are
# serialised and restored around the flush that follows each such test.
committing = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def fault_tally():
    """Where a fault test reports its counts (tests/faults.py); summed at the end of the run."""
    from tests.faults import TALLY

    return TALLY


def pytest_terminal_summary(terminalreporter):
    from tests.faults import TALLY

    if TALLY.tests:
        terminalreporter.section("fault summary")
        for line in TALLY.lines():
            terminalreporter.write_line(line)
