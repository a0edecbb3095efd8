"""Runs through the API: start, approve and post go through compensation.settlement."""

import pytest

from compensation.models import SettlementRun
from compensation.settlement import planning
from ledger.models import JournalEntry
from tests.factories import (
    DOWNSTREAM,
    UPSTREAM,
    ei,
    monitor,
    parameters,
    posted_run,
    verified,
    xinan_agreement,
)


@pytest.fixture
def started(api, pilot, maker):
    api.force_authenticate(maker)
    response = api.post(
        "/api/v1/runs/",
        {"programme": pilot.pk, "period": "2024", "reason": "annual"},
        format="json",
        headers={"Idempotency-Key": "start"},
    )
    assert response.status_code == 202
    return SettlementRun.objects.get(pk=response.json()["id"])


def move(api, run, what, key):
    return api.post(
        f"/api/v1/runs/{run.pk}/{what}/",
        {"reason": "checked"},
        format="json",
        headers={"Idempotency-Key": key, "Accept-Language": "en"},
    )


def test_start_queues_the_calculation(started, maker):
    assert started.status == "calculating"
    assert started.started_by == maker
    assert started.chunks_total == 3 and started.chunks_done == 0


def test_a_second_regular_run_is_refused_with_the_services_message(api, started):
    again = api.post(
        "/api/v1/runs/",
        {"programme": started.programme_id, "period": "2024"},
        format="json",
        headers={"Idempotency-Key": "start-again", "Accept-Language": "en"},
    )
    assert again.status_code == 400
    assert again.json()["type"].endswith("/refused")
    assert f"Run {started.pk} already settles" in again.json()["detail"]
    assert SettlementRun.objects.count() == 1


def test_maker_checker_and_posting(api, started, checker, django_capture_on_commit_callbacks):
    for chunk in started.chunks.all():  # what the workers do with the queued chunks
        planning.run_chunk(chunk.pk)

    by_maker = move(api, started, "approve", "a1")
    api.force_authenticate(checker)
    approved = move(api, started, "approve", "a2")
    with django_capture_on_commit_callbacks() as queued:
        posted = move(api, started, "post", "p1")

    assert by_maker.status_code == 400
    assert "cannot also approve it (maker-checker)" in by_maker.json()["detail"]
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert approved.json()["approved_by"] == checker.pk
    assert posted.status_code == 202
    assert len(queued) == 1  # the worker posts, as from the admin's button
    assert not JournalEntry.objects.filter(cause=f"settlement-run:{started.pk}").exists()


def test_posting_a_run_that_is_not_approved_says_why(api, started, checker):
    api.force_authenticate(checker)
    response = move(api, started, "post", "p2")
    assert response.status_code == 400
    assert "only an approved run is posted" in response.json()["detail"]


@pytest.fixture
def posted_with_tonnes(programme, maker, checker):
    """A posted 2024 Xin'an run whose vertical carbon term claims tonnes beside the money."""
    for code, before, after in ((UPSTREAM, "70.0", "66.5"), (DOWNSTREAM, "60.0", "60.5")):
        ei(code, 2023, before)
        ei(code, 2024, after)
    parameters(programme, carbon=True, year=2024)
    agreement = xinan_agreement(programme, start_year=2024)
    monitor(agreement, 2024, {"CODMn": "1.80", "NH3-N": "0.080", "TN": "1.20", "TP": "0.018"})
    verified(programme, 2024, {UPSTREAM: ("1000", "100"), DOWNSTREAM: ("0", "500")})
    return posted_run(programme, maker, checker)


def test_transfers_carry_their_commoditys_places(api, posted_with_tonnes, checker):
    api.force_authenticate(checker)
    rows = api.get(f"/api/v1/transfers/?run={posted_with_tonnes.pk}&page_size=500").json()

    assert sorted((r["channel"], r["commodity"], r["amount"]) for r in rows["results"]) == [
        ("horizontal", "CNY", "200000000.00"),
        ("vertical", "CNY", "1000000.00"),
        ("vertical", "CNY", "4390720.00"),
        ("vertical", "tCO2e", "1000.000"),
    ]
