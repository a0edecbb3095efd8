"""Sink verification as officials do it: requested by one ecology official, approved by another.

The same step from the service, the admin and `manage.py verify_sink`; every
refusal leaves nothing stored, and every step is in the audit log.
"""

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import translation

from compensation import sinks
from compensation.booking import book_transfers
from compensation.exceptions import (
    BooksClosed,
    ChannelInputError,
    TonnesUnavailable,
    VerificationRefused,
)
from compensation.models import SinkVerification
from config.roles import AUDITOR, ECOLOGY, FINANCE, OPERATOR
from ledger import periods
from ledger.models import JournalEntry
from pilots.models import OperatorAssignment, Region
from tests.conftest import committing
from tests.factories import DOWNSTREAM, UPSTREAM, UserFactory, make_valuation

# Messages are read in English here (tests/fixtures.py); translations are checked on their own.
pytestmark = pytest.mark.usefixtures("english")

SINKS = {UPSTREAM: ("5000", "1000"), DOWNSTREAM: ("1200.5", "9")}


def official(role, name, *, region=None):
    user = UserFactory(username=name, group=role)
    if region:
        OperatorAssignment.objects.create(user=user, region=Region.objects.get(code=region))
    return user


@pytest.fixture
def maker(db):
    return official(ECOLOGY, "ecology-maker")


@pytest.fixture
def checker(db):
    return official(ECOLOGY, "ecology-checker")


@pytest.fixture
def valuation(programme):
    return make_valuation(programme, 2024, SINKS)


@pytest.fixture
def requested(valuation, maker):
    return sinks.request_verification(valuation=valuation, by=maker, reason="2024 survey")


def verified_now():
    return {code: sinks.verified_tonnes(code, 2024) for code in (UPSTREAM, DOWNSTREAM)}


NOTHING = {UPSTREAM: Decimal("0.000"), DOWNSTREAM: Decimal("0.000")}


# The service


def test_a_request_posts_nothing_until_another_official_approves_it(requested, checker):
    assert requested.status == "requested" and verified_now() == NOTHING

    approved = sinks.approve_verification(requested, by=checker, reason="checked")

    assert (approved.status, approved.decided_by, approved.entries) == ("verified", checker, 2)
    assert verified_now() == {UPSTREAM: Decimal("5000.000"), DOWNSTREAM: Decimal("1200.500")}
    assert set(JournalEntry.objects.values_list("posted_by__username", flat=True)) == {
        "ecology-checker"
    }


def test_approving_into_a_closed_period_is_refused_naming_it_and_nothing_changes(
    requested, checker, client
):
    """The tonnes are dated the valuation's day; the books are closed for it (结账)."""
    day = requested.valuation.created_at.date()
    closer, approver = official(FINANCE, "fin-maker"), official(FINANCE, "fin-checker")
    periods.approve(periods.propose(action="close", start=day, end=day, by=closer), by=approver)

    with translation.override("en"), pytest.raises(BooksClosed, match=f"closed for {day}"):
        sinks.approve_verification(requested, by=checker, reason="checked")
    client.force_login(checker)
    decide = reverse("admin:compensation_sinkverification_decide", args=[requested.pk])
    page = client.post(decide, {"action": "approve", "reason": "checked"}, follow=True)
    assert page.status_code == 200
    assert "已结账" in page.content.decode()
    requested.refresh_from_db()
    assert (requested.status, verified_now()) == ("requested", NOTHING)
    assert not JournalEntry.objects.filter(cause__startswith="valuation:").exists()


def test_the_requester_cannot_approve_and_nothing_is_stored(requested, maker):
    with pytest.raises(VerificationRefused) as refused:
        sinks.approve_verification(requested, by=maker)

    assert str(refused.value) == (
        f"ecology-maker requested verification {requested.pk} and cannot also approve or "
        "reject it (maker-checker)."
    )
    requested.refresh_from_db()
    assert (requested.status, requested.decided_by) == ("requested", None)
    assert verified_now() == NOTHING


def test_a_region_alone_is_verified_when_asked(valuation, maker, checker):
    region = Region.objects.get(code=DOWNSTREAM)
    asked = sinks.request_verification(valuation=valuation, by=maker, region=region)

    sinks.approve_verification(asked, by=checker)

    assert verified_now() == {UPSTREAM: Decimal("0.000"), DOWNSTREAM: Decimal("1200.500")}


def test_a_region_outside_the_valuation_is_refused(valuation, maker):
    elsewhere = Region.objects.get(code="340000")

    with pytest.raises(VerificationRefused, match="is not part of valuation"):
        sinks.request_verification(valuation=valuation, by=maker, region=elsewhere)
    assert not SinkVerification.objects.exists()


def test_a_superseded_valuation_is_refused_on_request_and_on_approval(
    programme, valuation, requested, maker, checker
):
    newer = make_valuation(programme, 2024, {UPSTREAM: ("10", "0")})
    valuation.refresh_from_db()

    with pytest.raises(ChannelInputError, match=f"Valuation {valuation.pk} has been superseded"):
        sinks.request_verification(valuation=valuation, by=maker)
    with pytest.raises(ChannelInputError, match="verify the current one"):
        sinks.approve_verification(requested, by=checker)

    requested.refresh_from_db()
    assert requested.status == "requested" and verified_now() == NOTHING
    assert SinkVerification.objects.count() == 1 and newer.current


def test_lowering_below_claimed_tonnes_is_refused_and_nothing_changes(
    programme, requested, maker, checker
):
    sinks.approve_verification(requested, by=checker)
    claimed = sinks.claim(
        channel="horizontal",
        key="k1",
        region_code=UPSTREAM,
        vintage=2024,
        tonnes=Decimal("4500.000"),
        inputs={},
    )
    book_transfers([claimed], key_prefix="t", effective_date=date(2024, 12, 31), cause="t")
    lower = make_valuation(programme, 2024, {UPSTREAM: ("3000", "0"), DOWNSTREAM: ("0", "0")})
    asked = sinks.request_verification(valuation=lower, by=maker)
    entries = JournalEntry.objects.count()

    with pytest.raises(TonnesUnavailable, match="lowers the sink below what channels"):
        sinks.approve_verification(asked, by=checker)

    asked.refresh_from_db()
    assert asked.status == "requested" and JournalEntry.objects.count() == entries
    assert sinks.verified_tonnes(UPSTREAM, 2024) == Decimal("5000.000")


def test_only_a_requested_verification_is_decided(requested, checker):
    sinks.reject_verification(requested, by=checker, reason="survey incomplete")

    with pytest.raises(VerificationRefused, match="is rejected; only a requested"):
        sinks.approve_verification(requested, by=checker)
    assert verified_now() == NOTHING


def test_a_rejection_needs_a_reason(requested, checker):
    with pytest.raises(VerificationRefused, match="Say why"):
        sinks.reject_verification(requested, by=checker, reason="  ")
    requested.refresh_from_db()
    assert requested.status == "requested"


def test_a_second_open_request_for_the_same_scope_is_refused(requested, valuation, checker):
    with pytest.raises(VerificationRefused, match=f"Verification {requested.pk} of this"):
        sinks.request_verification(valuation=valuation, by=checker)
    assert SinkVerification.objects.count() == 1


@pytest.mark.parametrize(("role", "step"), [(FINANCE, "request"), (AUDITOR, "approve")])
def test_other_roles_may_neither_request_nor_approve(requested, valuation, role, step):
    outsider = official(role, "outsider")
    with pytest.raises(VerificationRefused, match="Only an ecology official"):
        if step == "request":
            sinks.request_verification(valuation=valuation, by=outsider, region=None)
        else:
            sinks.approve_verification(requested, by=outsider)
    assert SinkVerification.objects.count() == 1 and verified_now() == NOTHING


def test_the_database_refuses_a_maker_approving_and_a_second_open_request(requested, maker):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE compensation_sinkverification SET status = 'verified', decided_by_id = %s "
            "WHERE id = %s",
            [maker.pk, requested.pk],
        )
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO compensation_sinkverification (valuation_id, status, requested_by_id, "
            "requested_at, reason, decision_reason, entries) "
            "VALUES (%s, 'requested', %s, now(), '', '', 0)",
            [requested.valuation_id, maker.pk],
        )


def test_operators_see_the_verifications_touching_their_regions(valuation, requested, maker):
    upstream_only = sinks.request_verification(
        valuation=valuation, by=maker, region=Region.objects.get(code=UPSTREAM)
    )
    downstream = official(OPERATOR, "op-downstream", region=DOWNSTREAM)

    assert set(sinks.verifications_visible_to(downstream)) == {requested}
    assert set(sinks.verifications_visible_to(official(FINANCE, "fin"))) == {
        requested,
        upstream_only,
    }


# The admin


def test_the_admin_requests_then_another_official_approves(client, valuation, maker, checker):
    client.force_login(maker)
    response = client.post(
        reverse("admin:compensation_sinkverification_request"),
        {"valuation": valuation.pk, "region": "", "reason": "2024 survey"},
    )
    verification = SinkVerification.objects.get()
    assert response.status_code == 302
    assert response.url == reverse(
        "admin:compensation_sinkverification_change", args=[verification.pk]
    )
    decide = reverse("admin:compensation_sinkverification_decide", args=[verification.pk])

    refused = client.post(decide, {"action": "approve", "reason": "mine"}, follow=True)
    assert "不能再批准或驳回（经办与复核分离）" in refused.content.decode()
    verification.refresh_from_db()
    assert verification.status == "requested" and verified_now() == NOTHING

    client.force_login(checker)
    page = client.get(reverse("admin:compensation_sinkverification_change", args=[verification.pk]))
    assert "批准并记账" in page.content.decode()
    client.post(decide, {"action": "approve", "reason": "checked"})

    verification.refresh_from_db()
    assert (verification.status, verification.decided_by) == ("verified", checker)
    assert verified_now()[UPSTREAM] == Decimal("5000.000")
    logged = LogEntry.objects.get_for_object(verification).order_by("timestamp")
    assert [(e.action, e.actor) for e in logged] == [
        (LogEntry.Action.CREATE, maker),
        (LogEntry.Action.UPDATE, checker),
    ]
    assert logged[1].changes_dict["status"] == ["requested", "verified"]


def test_the_admin_refuses_a_superseded_valuation_in_chinese(
    client, programme, valuation, requested, checker
):
    newer = make_valuation(programme, 2024, {UPSTREAM: ("1", "0")})
    client.force_login(checker)
    decide = reverse("admin:compensation_sinkverification_decide", args=[requested.pk])

    with translation.override("zh-hans"):
        page = client.post(
            decide, {"action": "approve"}, headers={"Accept-Language": "zh-hans"}, follow=True
        )
        form = client.post(
            reverse("admin:compensation_sinkverification_request"),
            {"valuation": valuation.pk},
            headers={"Accept-Language": "zh-hans"},
        )

    assert f"核算 {valuation.pk} 已被取代；请核证现行核算。" in page.content.decode()
    assert "选择一个有效的选项" in form.content.decode()
    requested.refresh_from_db()
    assert requested.status == "requested" and verified_now() == NOTHING
    assert SinkVerification.objects.count() == 1 and newer.current


@pytest.mark.parametrize(
    ("role", "request_page", "list_page"),
    [(ECOLOGY, 200, 200), (FINANCE, 403, 200), (AUDITOR, 403, 200), (OPERATOR, 403, 200)],
)
def test_who_may_request_and_view_in_the_admin(client, programme, role, request_page, list_page):
    client.force_login(official(role, "someone", region=UPSTREAM if role == OPERATOR else None))
    assert client.get(reverse("admin:compensation_sinkverification_request")).status_code == (
        request_page
    )
    assert client.get(reverse("admin:compensation_sinkverification_changelist")).status_code == (
        list_page
    )


def test_finance_cannot_decide_and_an_operator_elsewhere_finds_nothing(client, valuation, maker):
    asked = sinks.request_verification(
        valuation=valuation, by=maker, region=Region.objects.get(code=UPSTREAM)
    )
    decide = reverse("admin:compensation_sinkverification_decide", args=[asked.pk])
    client.force_login(official(FINANCE, "fin"))
    assert client.post(decide, {"action": "approve"}).status_code == 403
    client.force_login(official(OPERATOR, "op", region=DOWNSTREAM))
    change = reverse("admin:compensation_sinkverification_change", args=[asked.pk])
    # The decision page refuses operators for any id (nothing is revealed), as the API does.
    assert client.post(decide, {"action": "approve"}).status_code == 403
    assert client.get(change).status_code == 404
    asked.refresh_from_db()
    assert asked.status == "requested" and verified_now() == NOTHING


# The command


def test_the_command_requests_and_approves_with_the_actor_in_the_audit_log(
    valuation, maker, checker, capsys
):
    call_command("verify_sink", "request", str(valuation.pk), "--user", maker.username)
    verification = SinkVerification.objects.get()
    call_command("verify_sink", "approve", str(verification.pk), "--user", checker.username)

    assert f"Sink verification {verification.pk} is verified (2 ledger entries)." in (
        capsys.readouterr().out
    )
    assert verified_now()[DOWNSTREAM] == Decimal("1200.500")
    logged = LogEntry.objects.get_for_object(verification).order_by("timestamp")
    assert [e.actor for e in logged] == [maker, checker]


def test_the_command_refuses_in_chinese_and_stores_nothing(requested, maker, checker):
    with translation.override("zh-hans"), pytest.raises(CommandError) as same_person:
        call_command("verify_sink", "approve", str(requested.pk), "--user", maker.username)
    with pytest.raises(CommandError, match="No sink verification 999"):
        call_command("verify_sink", "reject", "999", "--user", checker.username, "--reason", "x")
    with pytest.raises(CommandError, match="Say why the verification is rejected"):
        call_command("verify_sink", "reject", str(requested.pk), "--user", checker.username)

    assert "不能再批准或驳回" in str(same_person.value)
    requested.refresh_from_db()
    assert requested.status == "requested" and verified_now() == NOTHING


# Races: the row lock and the partial unique index decide


@committing
def test_two_officials_approving_at_once_post_the_tonnes_once(programme):
    valuation = make_valuation(programme, 2024, SINKS)
    asked = sinks.request_verification(valuation=valuation, by=official(ECOLOGY, "asks"), reason="")
    checkers = [official(ECOLOGY, f"checker-{n}") for n in range(4)]

    def approve(checker):
        try:
            sinks.approve_verification(asked, by=checker)
            return "approved"
        except VerificationRefused:
            return "refused"
        finally:
            connection.close()

    with ThreadPoolExecutor(4) as pool:
        outcomes = sorted(pool.map(approve, checkers))

    assert outcomes == ["approved", "refused", "refused", "refused"]
    assert JournalEntry.objects.count() == 2
    assert verified_now() == {UPSTREAM: Decimal("5000.000"), DOWNSTREAM: Decimal("1200.500")}


@committing
def test_two_officials_requesting_at_once_make_one_request(programme):
    valuation = make_valuation(programme, 2024, SINKS)
    askers = [official(ECOLOGY, f"asker-{n}") for n in range(4)]

    def ask(asker):
        try:
            sinks.request_verification(valuation=valuation, by=asker)
            return "requested"
        except VerificationRefused:
            return "refused"
        finally:
            connection.close()

    with ThreadPoolExecutor(4) as pool:
        outcomes = sorted(pool.map(ask, askers))

    assert outcomes == ["refused", "refused", "refused", "requested"]
    assert SinkVerification.objects.count() == 1
