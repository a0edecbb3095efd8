"""Shared fixtures: the PostGIS guard and a real Celery worker process."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
WORKER_START_SECONDS = 60


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


def _database_url_for(name: str) -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{name}"))


class CeleryWorker:
    """A `celery worker` process on the test database and Redis, started and stopped by tests.

    `env` adds variables, e.g. TANHUI_FAILPOINTS or CELERY_VISIBILITY_TIMEOUT.
    """

    def __init__(self, log_dir: Path, *, env: dict | None = None):
        from django.db import connection

        self.node = f"tanhui-test-{uuid.uuid4().hex[:8]}@localhost"
        self.log_path = log_dir / f"{self.node.split('@')[0]}.log"
        self.env = (
            os.environ
            | {"DATABASE_URL": _database_url_for(connection.settings_dict["NAME"])}
            | (env or {})
        )
        self.process: subprocess.Popen | None = None

    def start(self) -> "CeleryWorker":
        from config.celery import app

        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            f"--hostname={self.node}",
            "--without-gossip",
            "--without-mingle",
        ]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                command, cwd=PROJECT_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        _wait_for_worker(app, self.node, self.process, self.log_path)
        return self

    def kill(self) -> None:
        """SIGKILL: the worker gets no chance to acknowledge, roll back or clean up."""
        self.process.kill()
        self.process.wait()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


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
    worker = CeleryWorker(tmp_path_factory.mktemp("celery")).start()
    try:
        yield worker.node
    finally:
        worker.stop()


def _wait_for_worker(app, node, process, log_path):
    deadline = time.monotonic() + WORKER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"Celery worker exited with {process.returncode}:\n{log_path.read_text()}")
        if app.control.ping(destination=[node], timeout=0.5):
            return
    process.kill()
    pytest.fail(
        f"Celery worker did not answer within {WORKER_START_SECONDS} s:\n{log_path.read_text()}"
    )


# Tests whose work must really commit (deferred checks, concurrency). The ledger's
# reference rows (commodities, chain head) come from migrations, so they are
# serialised and restored around the flush that follows each such test.
committing = pytest.mark.django_db(transaction=True, serialized_rollback=True)
