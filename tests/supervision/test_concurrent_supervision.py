"""Two processes supervising one region at once (setup_demo and the worker's task): the
database's unique keys decide, the loser reads the winner's rows, neither fails."""

from decimal import Decimal

from config import failpoints
from supervision.changes import detect_planning_change
from supervision.models import Alert, AlertRule, ChangeDetection, Encroachment
from supervision.services import supervise
from tests.conftest import committing, race


@committing
def test_two_detections_of_the_same_change_store_one_and_both_return_it(growing_town, monkeypatch):
    # Both compute, then both wait here: both have passed the "already stored?" check.
    monkeypatch.setitem(failpoints.POINTS, "supervision.detect", 0.5)
    first, second = growing_town

    results = race(lambda i: detect_planning_change(before=first, after=second))

    assert not [r for r in results if isinstance(r, Exception)], results
    stored = ChangeDetection.objects.get()
    assert [r.pk for r in results] == [stored.pk, stored.pk]
    assert Encroachment.objects.filter(detection=stored).count() == 1


@committing
def test_two_supervisions_at_once_raise_one_alert_and_store_one_detection(
    huangshan, growing_town, monkeypatch
):
    monkeypatch.setitem(failpoints.POINTS, "supervision.detect", 0.5)
    AlertRule.objects.create(
        name="red line",
        kind="encroachment",
        threshold=Decimal(0),
        protected_kind="ecological_red_line",
    )

    results = race(lambda i: supervise(huangshan))

    assert not [r for r in results if isinstance(r, Exception)], results
    alert = Alert.objects.get()
    assert sorted(len(r) for r in results) == [0, 1]
    assert [a.pk for r in results for a in r] == [alert.pk]
    assert ChangeDetection.objects.count() == 1
