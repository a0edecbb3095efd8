"""Shared fixtures: the PostGIS guard and a real Celery worker process.

The suite runs in parallel processes (pytest-xdist, `make test`); each has a test
database of its own (pytest-django appends the worker's name) and a Redis database
of its own, so their brokers, caches and workers never meet.
"""

import os
from urllib.parse import urlsplit, urlunsplit

import pytest
from hypothesis import settings as hypothesis_settings

from tests import access_tally
from tests.workers import PROJECT_ROOT, CeleryWorker, WorkerFailed

# CI runs the generated-input tests on the same examples every time (a failure there is
# a regression, not a new find); a developer's run explores new examples each time.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

__all__ = ["PROJECT_ROOT", "CeleryWorker", "committing"]

# The fixtures any folder may ask for by name: the 黄山市 and Xin'an pilots, their users,
# the posted run; the rows they are made of come from tests/factories.py.
pytest_plugins = ["tests.fixtures"]


def pytest_configure(config):
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # gw0, gw1, ...
    if worker:
        _use_redis_database_of(int(worker.removeprefix("gw")))


def _use_redis_database_of(worker: int) -> None:
    """REDIS_URL's database index plus the worker's number, for this process and its children.

    Runs before anything has connected: Django's caches and Celery's configuration
    are read on first use, which the checks below make sure has not happened yet.
    """
    from django.conf import settings
    from django.core.cache import caches

    from config.celery import app

    if not settings.REDIS_URL:
        return
    if app.configured or "settings" in caches.__dict__:
        pytest.exit("Redis was used before the worker's database was chosen.", returncode=3)
    parts = urlsplit(settings.REDIS_URL)
    index = int(parts.path.strip("/") or 0) + worker
    if index > 15:
        pytest.exit(f"Test process {worker} would need Redis database {index}: use fewer.", 3)
    url = urlunsplit(parts._replace(path=f"/{index}"))
    os.environ["REDIS_URL"] = url
    settings.REDIS_URL = url
    settings.CACHES["default"]["LOCATION"] = url
    for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        if name not in os.environ:
            setattr(settings, name, url)


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
def _language_restored():
    """A request through the test client leaves the language its LocaleMiddleware chose
    active in the thread (nothing deactivates it): every test ends in the language it
    began in, so an English request cannot make a later test's pages English."""
    from django.utils import translation

    language = translation.get_language()
    yield
    if language:
        translation.activate(language)
    else:
        translation.deactivate_all()


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


# Tests whose work must really commit (deferred checks, concurrency). The reference
# rows the migrations create (commodities, chain head, land-use classes, groups) are
# serialised once and restored after the flush that ends each such test, so the
# tests after it, in whatever order a parallel process receives them, find them.
committing = pytest.mark.django_db(transaction=True, serialized_rollback=True)
TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server", "django_db_reset_sequences"}


def _commits(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,)):
        return True
    return bool(TRANSACTIONAL_FIXTURES & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        # After the last test the test databases are already gone.
        if nextitem is not None and _commits(item):
            _restore_reference_rows(item.config)


def _restore_reference_rows(config) -> None:
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    contents = getattr(connection, "_test_serialized_contents", None)
    if contents:
        with config.stash[blocking_manager_key].unblock():
            connection.creation.deserialize_db_from_string(contents)


@pytest.fixture
def fault_tally():
    """Where a fault test reports its counts (tests/faults.py); summed at the end of the run."""
    from tests.faults import TALLY

    return TALLY


def pytest_sessionfinish(session):
    """In a parallel test process: hand its fault and hostile-input counts to the reporter."""
    from tests import hostile
    from tests.faults import TALLY

    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["fault_tally"] = TALLY.as_dict()
        session.config.workeroutput["hostile_tally"] = hostile.TALLY.as_dict()
        session.config.workeroutput["access_tally"] = access_tally.as_dict()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    from tests import hostile
    from tests.faults import TALLY

    counts = getattr(node, "workeroutput", {}).get("fault_tally")
    if counts:
        TALLY.add(counts)
    inputs = getattr(node, "workeroutput", {}).get("hostile_tally")
    if inputs:
        hostile.TALLY.add(inputs)
    access = getattr(node, "workeroutput", {}).get("access_tally")
    if access:
        access_tally.add(access)


def pytest_terminal_summary(terminalreporter):
    from tests import hostile
    from tests.faults import TALLY

    if TALLY.tests:
        terminalreporter.section("fault summary")
        for line in TALLY.lines():
            terminalreporter.write_line(line)
    if hostile.TALLY.tried:
        terminalreporter.section("hostile input summary")
        for line in hostile.TALLY.lines():
            terminalreporter.write_line(line)
    if access_tally.TRIED:
        terminalreporter.section("permission enumeration summary")
        for line in access_tally.lines():
            terminalreporter.write_line(line)


OUR_APPS = ("compensation", "ledger", "pilots", "supervision", "disclosure")


def stored_rows() -> int:
    """Rows in every table of our apps, summed in one query: a refused input changes none.

    A refused spatial import leaves its ImportBatch with status "rejected", the record of
    the refusal; those are not counted."""
    from django.apps import apps
    from django.db import connection
    from psycopg import sql

    tables = sorted(
        {
            model._meta.db_table
            for app in OUR_APPS
            for model in apps.get_app_config(app).get_models()
            if model._meta.managed and not model._meta.proxy
        }
    )
    counts = [
        sql.SQL("(SELECT count(*) FROM {}{})").format(
            sql.Identifier(table),
            sql.SQL(" WHERE status <> 'rejected'" if table == "pilots_importbatch" else ""),
        )
        for table in tables
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("SELECT ") + sql.SQL(" + ").join(counts))
        return cursor.fetchone()[0]


def race(work, *, threads: int = 2) -> list:
    """work(i) in `threads` threads released together, each on its own database connection.

    Returns each thread's result, or the exception it raised, in thread order. Tests of
    races use it under `committing`, so that each thread sees what the others commit."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    barrier = threading.Barrier(threads)

    def one(i):
        try:
            barrier.wait(timeout=30)
            return work(i)
        except Exception as exc:
            return exc
        finally:
            connection.close()

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(one, range(threads)))
