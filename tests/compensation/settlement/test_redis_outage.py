"""Redis unreachable for a while, twice: mid-calculation and mid-posting. /healthz names it,
the worker reconnects, its tasks complete, and every transfer is posted once.

The worker reaches Redis through a proxy in this process (tests/proxy.py) that is
cut and restored; the shared Redis server itself is never touched.
"""

import time
from urllib.parse import urlsplit

import pytest
import redis

from compensation.models import RunChunk
from compensation.periods import Period
from compensation.settlement import planning, states
from compensation.tasks import post_run, sweep_stalled
from ledger.verification import verify_ledger
from tests.conftest import committing
from tests.faults import record_run
from tests.proxy import CuttableProxy
from tests.waiting import posted_entries, posting_in_progress, wait_for_status, wait_until
from tests.workers import SLOW

pytestmark = [committing, pytest.mark.celery_worker, pytest.mark.faults]

OUTAGE_SECONDS = 4


@pytest.fixture
def redis_proxy(settings):
    """A proxy to our Redis; this process's /healthz looks at Redis through it too."""
    real_url = settings.REDIS_URL
    real = urlsplit(real_url)
    proxy = CuttableProxy((real.hostname, real.port or 6379))
    settings.REDIS_URL = proxy.url(real.path)
    yield proxy
    proxy.close()
    # Messages whose acknowledgement was lost with the cut connections would be delivered
    # again (after the visibility timeout) to a later test's worker: forget them.
    client = redis.Redis.from_url(real_url)
    client.delete("unacked", "unacked_index")
    client.close()


def health(client) -> tuple[int, list[str]]:
    response = client.get("/healthz")
    return response.status_code, response.json()["failing"]


def outage(proxy, client) -> tuple[int, list[str]]:
    """Cut Redis for OUTAGE_SECONDS; what /healthz said in the middle of it."""
    proxy.cut()
    started = time.monotonic()
    during = health(client)
    time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - started)))
    proxy.restore()
    return during


def test_redis_outages_during_calculation_and_posting_post_everything_once(
    pilot, maker, checker, workers, settings, redis_proxy, client, fault_tally
):
    settings.SETTLEMENT_CHUNK_SIZE = 1
    url = settings.REDIS_URL
    # Beat's sweep, which waits for STALLED_AFTER without progress, acts at once here.
    worker = workers(
        SLOW
        | {"REDIS_URL": url, "CELERY_BROKER_URL": url, "CELERY_RESULT_BACKEND": url}
        | {"STALLED_AFTER": "0"}
    )
    assert health(client) == (200, [])
    run = planning.start_run(programme=pilot, period=Period.year(2024), by=maker)
    planning.calculate(run, by=maker)
    wait_until(
        lambda: RunChunk.objects.filter(run=run, status="done").exists(),
        what="a first chunk done",
    )

    during_calculation = outage(redis_proxy, client)

    wait_until(lambda: health(client) == (200, []), what="/healthz healthy again")
    # A chunk's task may have been lost with the connection (taken off the queue while
    # the reply was cut): the sweep queues the pending chunks again.
    sweep_stalled.delay()
    run = wait_for_status(run, "calculated", "failed", worker=worker)
    assert run.status == "calculated", run.error

    states.approve(run, by=checker)
    post_run.delay(run.pk, checker.pk)
    wait_until(posting_in_progress, what="posting holding its advisory lock")

    during_posting = outage(redis_proxy, client)

    # The posting commits before the task needs Redis again (to queue the statements).
    run = wait_for_status(run, "posted", "statements", worker=worker)
    wait_until(lambda: health(client) == (200, []), what="/healthz healthy again")
    # Queuing the statement renders may have failed with the connection; post_run does not
    # retry that by itself: beat's sweep queues them again.
    sweep_stalled.delay()
    run = wait_for_status(run, "statements", worker=worker)
    record_run(fault_tally, run, {"Redis cut": redis_proxy.cuts})
    assert during_calculation == during_posting == (503, ["celery", "redis"])
    assert worker.log().count("Connection to broker lost") == 2
    assert posted_entries(run) == run.transfers.count() == 4
    assert not run.transfers.filter(entry__isnull=True).exists()
    assert run.chunks.filter(status="done").count() == 4
    assert verify_ledger().ok
