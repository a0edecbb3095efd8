"""Idempotency-Key: the same request runs once, another request with the key is 409."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from api.models import IdempotencyRecord
from compensation.models import CreditOperation, IssuanceBatch, SettlementRun
from config.roles import ECOLOGY, FINANCE
from ledger.models import JournalEntry
from tests.conftest import committing
from tests.factories import DOWNSTREAM, UPSTREAM, UserFactory, credit_project, verified


@pytest.fixture
def project(programme):
    """A verified 2024 valuation and a credit project holding 250.4 t of it: nothing issued."""
    valuation = verified(programme, 2024, {UPSTREAM: ("1000", "100"), DOWNSTREAM: ("0", "500")})
    return credit_project(valuation, tonnes="250.400")


def issue(api, project, key, body=None):
    return api.post(
        f"/api/v1/credit-projects/{project.pk}/issue/",
        body or {"vintage": 2024, "on": "2025-06-01"},
        format="json",
        headers={"Idempotency-Key": key, "Accept-Language": "en"},
    )


def test_same_key_and_body_replays_the_first_response_and_books_once(api, project):
    api.force_authenticate(UserFactory(username="eco", group=ECOLOGY))

    first = issue(api, project, "issue-2024-a")
    entries = JournalEntry.objects.count()
    again = issue(api, project, "issue-2024-a", {"on": "2025-06-01", "vintage": 2024})

    assert first.status_code == 201
    assert first.json()["units"] == 250 and first.json()["buffer_units"] == 25
    assert "Idempotent-Replayed" not in first
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.content == first.content
    assert IssuanceBatch.objects.filter(project=project).count() == 1
    assert CreditOperation.objects.filter(kind="issue").count() == 1
    assert JournalEntry.objects.count() == entries
    assert JournalEntry.objects.filter(cause__startswith="credit-operation:").count() == 2


def test_same_key_with_another_body_is_409_and_runs_nothing(api, project):
    api.force_authenticate(UserFactory(username="eco", group=ECOLOGY))
    issue(api, project, "k1")

    other = issue(api, project, "k1", {"vintage": 2023, "on": "2025-06-01"})

    assert other.status_code == 409
    assert other["Content-Type"] == "application/problem+json"
    assert other.json()["type"].endswith("/conflict")
    assert "different request" in other.json()["detail"]
    chinese = api.post(
        f"/api/v1/credit-projects/{project.pk}/issue/",
        {"vintage": 2022, "on": "2025-06-01"},
        format="json",
        headers={"Idempotency-Key": "k1", "Accept-Language": "zh-hans"},
    )
    assert chinese.json()["detail"].startswith("此 Idempotency-Key 已用于另一个请求")
    assert IssuanceBatch.objects.count() == 1


def test_a_key_belongs_to_its_user(api, project):
    api.force_authenticate(UserFactory(username="eco", group=ECOLOGY))
    issue(api, project, "shared-text")
    api.force_authenticate(UserFactory(username="eco2", group=ECOLOGY))

    theirs = issue(api, project, "shared-text")

    # Not a replay of the first user's response: the service ran and found nothing left.
    assert theirs.status_code == 400
    assert "Idempotent-Replayed" not in theirs
    assert "250 units already issued" in theirs.json()["detail"]
    assert IdempotencyRecord.objects.filter(key="shared-text").count() == 1


def test_a_refused_request_keeps_the_key_free_for_a_retry(api, project):
    api.force_authenticate(UserFactory(username="eco", group=ECOLOGY))

    refused = issue(api, project, "k2", {"vintage": 2019, "on": "2025-06-01"})
    retried = issue(api, project, "k2", {"vintage": 2019, "on": "2025-06-01"})

    assert refused.status_code == retried.status_code == 400
    assert "outside the crediting period" in refused.json()["detail"]
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.parametrize("key", [None, "", "x" * 256, "with space"])
def test_writes_that_move_tonnes_need_a_key(api, project, key):
    api.force_authenticate(UserFactory(username="eco", group=ECOLOGY))
    headers = {} if key is None else {"Idempotency-Key": key}

    response = api.post(
        f"/api/v1/credit-projects/{project.pk}/issue/",
        {"vintage": 2024, "on": "2025-06-01"},
        format="json",
        headers=headers,
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["Idempotency-Key"]
    assert not IssuanceBatch.objects.exists()


def twice_at_once(user, url, body, key):
    """The same request from two threads released together; each thread has its connection."""
    barrier = threading.Barrier(2)
    responses = []

    def send():
        client = APIClient()
        client.force_authenticate(user)
        barrier.wait()
        try:
            responses.append(
                client.post(url, body, format="json", headers={"Idempotency-Key": key})
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


@committing
def test_concurrent_duplicates_start_one_run(programme):
    responses = twice_at_once(
        UserFactory(username="maker", group=FINANCE),
        "/api/v1/runs/",
        {"programme": programme.pk, "period": "2024"},
        "s",
    )

    assert [r.status_code for r in responses] == [202, 202]
    assert sorted(r.get("Idempotent-Replayed", "") for r in responses) == ["", "true"]
    assert responses[0].json() == responses[1].json()
    assert SettlementRun.objects.count() == 1


@committing
def test_concurrent_duplicates_issue_once(project):
    url = f"/api/v1/credit-projects/{project.pk}/issue/"
    responses = twice_at_once(
        UserFactory(username="eco", group=ECOLOGY),
        url,
        {"vintage": 2024, "on": "2025-06-01"},
        "issue",
    )

    assert [r.status_code for r in responses] == [201, 201]
    assert responses[0].content == responses[1].content
    assert IssuanceBatch.objects.count() == 1
    assert JournalEntry.objects.filter(cause__startswith="credit-operation:").count() == 2
