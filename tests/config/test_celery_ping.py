from celery.result import AsyncResult

from config.celery import ping


def test_ping_round_trips_through_a_real_worker(celery_worker_process):
    result = ping.delay()

    assert isinstance(result, AsyncResult)
    assert result.get(timeout=20) == "pong"
    assert result.successful()
