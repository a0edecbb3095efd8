"""Supervision is background work: a worker takes it only when no other task waits."""

import pytest

from compensation.tasks import sweep_stalled
from supervision.tasks import supervise_region
from tests.conftest import committing


@committing
@pytest.mark.celery_worker
def test_a_worker_takes_waiting_supervision_after_the_task_queued_behind_it(
    huangshan,
    workers,
):
    background = [supervise_region.delay(huangshan.pk) for _ in range(3)]
    urgent = sweep_stalled.delay()  # any task of the default priority
    workers({})

    assert urgent.get(timeout=60) == {"calculations": [], "statements": []}
    assert [result.get(timeout=60) for result in background] == [0, 0, 0]
    assert urgent.date_done < min(result.date_done for result in background)
