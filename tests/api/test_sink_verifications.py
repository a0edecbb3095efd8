"""Sink verification through the API: requested by one ecology official, approved by another."""

from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from compensation import sinks
from compensation.booking import book_transfers
from compensation.models import SinkVerification
from config.roles import AUDITOR, ECOLOGY, FINANCE, OPERATOR
from ledger.models import JournalEntry
from pilots.models import OperatorAssignment, Region
from tests.factories import DOWNSTREAM, UPSTREAM, UserFactory, make_valuation

URL = "/api/v1/sink-verifications/"


@pytest.fixture
def valuation(programme):
    return make_valuation(programme, 2024, {UPSTREAM: ("5000", "1000"), DOWNSTREAM: ("80", "9")})


@pytest.fixture
def ecologists(db):
    return UserFactory(username="eco-maker", group=ECOLOGY), UserFactory(
        username="eco-checker", group=ECOLOGY
    )


def send(api, user, path, body, key, language="en"):
    api.force_authenticate(user)
    return api.post(
        path,
        body,
        format="json",
        headers={"Idempotency-Key": key, "Accept-Language": language},
    )


def test_request_then_approval_by_another_official_posts_the_tonnes(api, valuation, ecologists):
    maker, checker = ecologists
    asked = send(api, maker, URL, {"valuation": valuation.pk, "reason": "survey"}, "r1")
    assert asked.status_code == 201, asked.json()
    body = asked.json()
    assert (body["status"], body["vintage"], body["region"], body["requested_by"]) == (
        "requested",
        2024,
        None,
        maker.pk,
    )
    approve = f"{URL}{body['id']}/approve/"

    same = send(api, maker, approve, {"reason": "mine"}, "a1")
    assert same.status_code == 400
    assert same["Content-Type"] == "application/problem+json"
    assert same.json()["type"].endswith("/refused")
    assert same.json()["detail"] == (
        f"eco-maker requested verification {body['id']} and cannot also approve or reject it "
        "(maker-checker)."
    )
    assert not JournalEntry.objects.exists()

    approved = send(api, checker, approve, {"reason": "checked"}, "a2")
    assert approved.status_code == 200
    assert (approved.json()["status"], approved.json()["decided_by"]) == ("verified", checker.pk)
    assert approved.json()["entries"] == 2
    assert sinks.verified_tonnes(UPSTREAM, 2024) == Decimal("5000.000")
    assert sinks.verified_tonnes(DOWNSTREAM, 2024) == Decimal("80.000")

    again = send(api, checker, approve, {"reason": "again"}, "a3", language="zh-hans")
    assert again.status_code == 400
    assert again.json()["detail"] == (
        f"碳汇核证 {body['id']} 当前为“已核证”；只有待审批的核证才能批准或驳回。"
    )
    verification = SinkVerification.objects.get()
    changes = [e.changes_dict for e in LogEntry.objects.get_for_object(verification)]
    assert any(c.get("status") == ["requested", "verified"] for c in changes)
    assert any(c.get("decided_by") == [None, checker.pk] for c in changes)
    assert any(c.get("requested_by") == [None, maker.pk] for c in changes)


def test_a_region_alone_and_a_superseded_valuation(api, programme, valuation, ecologists):
    maker, checker = ecologists
    one = send(api, maker, URL, {"valuation": valuation.pk, "region": DOWNSTREAM}, "r1")
    assert one.status_code == 201 and one.json()["region"] == DOWNSTREAM
    make_valuation(programme, 2024, {UPSTREAM: ("1", "0")})

    stale = send(api, checker, f"{URL}{one.json()['id']}/approve/", {}, "a1")
    asked = send(api, maker, URL, {"valuation": valuation.pk}, "r2", language="zh-hans")

    assert stale.status_code == 400
    assert stale.json()["detail"] == (
        f"Valuation {valuation.pk} has been superseded; verify the current one."
    )
    assert asked.status_code == 400
    assert asked.json()["detail"] == f"核算 {valuation.pk} 已被取代；请核证现行核算。"
    assert SinkVerification.objects.get().status == "requested"
    assert not JournalEntry.objects.exists()


def test_lowering_below_claimed_tonnes_answers_400_and_changes_nothing(
    api, programme, valuation, ecologists
):
    maker, checker = ecologists
    sinks.approve_verification(
        sinks.request_verification(valuation=valuation, by=maker), by=checker
    )
    book_transfers(
        [
            sinks.claim(
                channel="horizontal",
                key="k",
                region_code=UPSTREAM,
                vintage=2024,
                tonnes=Decimal("4000"),
                inputs={},
            )
        ],
        key_prefix="t",
        effective_date=valuation.created_at.date(),
        cause="t",
    )
    lower = make_valuation(programme, 2024, {UPSTREAM: ("100", "0"), DOWNSTREAM: ("80", "9")})
    asked = send(api, maker, URL, {"valuation": lower.pk}, "r1").json()
    entries = JournalEntry.objects.count()

    refused = send(api, checker, f"{URL}{asked['id']}/approve/", {}, "a1")

    assert refused.status_code == 400
    assert "lowers the sink below what channels have already claimed" in refused.json()["detail"]
    assert JournalEntry.objects.count() == entries
    assert SinkVerification.objects.get(pk=asked["id"]).status == "requested"
    assert sinks.verified_tonnes(UPSTREAM, 2024) == Decimal("5000.000")


def test_rejection_needs_a_reason_and_posts_nothing(api, valuation, ecologists):
    maker, checker = ecologists
    asked = send(api, maker, URL, {"valuation": valuation.pk}, "r1").json()
    reject = f"{URL}{asked['id']}/reject/"

    blank = send(api, checker, reject, {"reason": ""}, "j1")
    rejected = send(api, checker, reject, {"reason": "survey incomplete"}, "j2")

    assert blank.status_code == 400 and blank.json()["detail"] == (
        "Say why the verification is rejected."
    )
    assert rejected.status_code == 200
    assert (rejected.json()["status"], rejected.json()["decision_reason"]) == (
        "rejected",
        "survey incomplete",
    )
    assert not JournalEntry.objects.exists()


@pytest.mark.parametrize("role", [FINANCE, AUDITOR, OPERATOR])
def test_other_roles_read_but_neither_request_nor_decide(api, valuation, ecologists, role):
    maker, _checker = ecologists
    asked = sinks.request_verification(valuation=valuation, by=maker)
    reader = UserFactory(username="reader", group=role)
    if role == OPERATOR:
        OperatorAssignment.objects.create(user=reader, region=Region.objects.get(code=UPSTREAM))

    request = send(api, reader, URL, {"valuation": valuation.pk}, "r1")
    approve = send(api, reader, f"{URL}{asked.pk}/approve/", {}, "a1")
    listed = api.get(URL)

    assert (request.status_code, approve.status_code) == (403, 403)
    assert request["Content-Type"] == "application/problem+json"
    assert [row["id"] for row in listed.json()["results"]] == [asked.pk]
    assert SinkVerification.objects.get().status == "requested"


def test_an_operator_finds_nothing_of_other_regions(api, valuation, ecologists):
    maker, _checker = ecologists
    other = sinks.request_verification(
        valuation=valuation, by=maker, region=Region.objects.get(code=DOWNSTREAM)
    )
    operator = UserFactory(username="op", group=OPERATOR)
    OperatorAssignment.objects.create(user=operator, region=Region.objects.get(code=UPSTREAM))
    api.force_authenticate(operator)

    assert api.get(URL).json()["results"] == []
    assert api.get(f"{URL}{other.pk}/").status_code == 404


def test_malformed_requests_are_400_naming_the_field(api, valuation, ecologists):
    maker, _checker = ecologists
    for key, body, field in [
        ("m1", {"valuation": "abc"}, "valuation"),
        ("m2", {"valuation": valuation.pk, "region": "999999"}, "region"),
        ("m3", {}, "valuation"),
    ]:
        answer = send(api, maker, URL, body, key)
        assert answer.status_code == 400, body
        assert field in answer.json()["errors"]
    assert not SinkVerification.objects.exists()
