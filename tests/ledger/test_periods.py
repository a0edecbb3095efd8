"""Closing the books (结账), maker-checker, and the database refusing back-dated entries."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import translation

from compensation.periods import Period
from compensation.settlement import planning, posting, states
from compensation.settlement.states import SettlementError
from config.roles import ECOLOGY, FINANCE
from ledger import periods
from ledger.exceptions import PeriodActRefused, PeriodClosed
from ledger.models import JournalEntry, PeriodClose
from ledger.services import post_entries, post_entry
from tests.factories import UserFactory, transfer

pytestmark = pytest.mark.usefixtures("english")

YEAR_2024 = (date(2024, 1, 1), date(2024, 12, 31))


@pytest.fixture
def officials(db):
    return UserFactory(username="fin-maker", group=FINANCE), UserFactory(
        username="fin-checker", group=FINANCE
    )


def close(officials, start, end):
    maker, checker = officials
    act = periods.propose(action="close", start=start, end=end, by=maker)
    return periods.approve(act, by=checker)


def test_a_closed_period_refuses_a_back_dated_entry_in_the_database(funded, officials):
    close(officials, *YEAR_2024)
    before = JournalEntry.objects.count()

    with pytest.raises(PeriodClosed) as refused, translation.override("zh-hans"):
        post_entry(
            spec=transfer(
                "late", "region:341000:cny", "fund:central", Decimal("10.00"), day=date(2024, 6, 30)
            )
        )
    assert "2024-01-01" in str(refused.value) and "2024-12-31" in str(refused.value)
    assert "2024-06-30" in str(refused.value)
    assert "结账" in str(refused.value) and "反结账" in str(refused.value)
    with pytest.raises(PeriodClosed):
        post_entries(
            specs=[
                transfer(
                    "ok", "region:341000:cny", "fund:central", Decimal("1.00"), day=date(2025, 1, 1)
                ),
                transfer(
                    "late-2",
                    "region:341000:cny",
                    "fund:central",
                    Decimal("1.00"),
                    day=date(2024, 12, 31),
                ),
            ]
        )
    assert JournalEntry.objects.count() == before

    # The trigger itself, with no service in front of it: a raw entry dated in the period.
    with (
        pytest.raises(DatabaseError, match="LEDGER_CLOSED: the period 2024-01-01 to 2024-12-31"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO ledger_journalentry (sequence, idempotency_key, effective_date, "
            "description, cause, posted_at, content_digest, previous_hash, hash, sealed) "
            "SELECT last_sequence + 1, 'raw', '2024-03-01', 'raw', '', now(), '', last_hash, "
            "'h', true FROM ledger_chainhead"
        )

    posted = post_entry(
        spec=transfer(
            "jan", "region:341000:cny", "fund:central", Decimal("10.00"), day=date(2025, 1, 1)
        )
    )
    assert posted.effective_date == date(2025, 1, 1)


def test_reopening_is_an_approved_act_with_a_reason(funded, officials):
    maker, checker = officials
    close(officials, *YEAR_2024)
    late = transfer(
        "late", "region:341000:cny", "fund:central", Decimal("10.00"), day=date(2024, 6, 30)
    )

    with pytest.raises(PeriodActRefused, match="Say why the period is reopened"):
        periods.propose(action="reopen", start=YEAR_2024[0], end=YEAR_2024[1], by=maker)
    with pytest.raises(PeriodActRefused, match="2024-01-01 to 2024-06-30 is not a closed period"):
        periods.propose(
            action="reopen", start=date(2024, 1, 1), end=date(2024, 6, 30), by=maker, reason="x"
        )
    reopen = periods.propose(
        action="reopen", start=YEAR_2024[0], end=YEAR_2024[1], by=maker, reason="审计调整"
    )
    with pytest.raises(PeriodClosed):
        post_entry(spec=late)  # proposed, not yet approved
    with pytest.raises(PeriodActRefused, match="another official approves or rejects it"):
        periods.approve(reopen, by=maker)
    periods.approve(reopen, by=checker)

    assert post_entry(spec=late).effective_date == date(2024, 6, 30)
    assert periods.closed_period_of(date(2024, 6, 30)) is None

    close(officials, *YEAR_2024)  # closed again after the adjustment
    with pytest.raises(PeriodClosed):
        post_entry(
            spec=transfer(
                "later", "region:341000:cny", "fund:central", Decimal("1.00"), day=date(2024, 7, 1)
            )
        )


def test_who_may_close_and_what_may_be_closed(db, officials):
    maker, checker = officials
    ecologist = UserFactory(username="eco", group=ECOLOGY)

    with pytest.raises(PeriodActRefused, match="Your role may not close or reopen periods"):
        periods.propose(action="close", start=YEAR_2024[0], end=YEAR_2024[1], by=ecologist)
    with pytest.raises(PeriodActRefused, match="first day comes before its last day"):
        periods.propose(action="close", start=YEAR_2024[1], end=YEAR_2024[0], by=maker)
    act = periods.propose(action="close", start=YEAR_2024[0], end=YEAR_2024[1], by=maker)
    with pytest.raises(PeriodActRefused, match="already proposed"):
        periods.propose(action="close", start=YEAR_2024[0], end=YEAR_2024[1], by=checker)
    with pytest.raises(PeriodActRefused, match="Your role may not approve period closes"):
        periods.approve(act, by=ecologist)
    with pytest.raises(PeriodActRefused, match="Say why the act is rejected"):
        periods.reject(act, by=checker, reason=" ")
    periods.approve(act, by=checker)
    with pytest.raises(PeriodActRefused, match="2024-01-01 to 2024-12-31 is already closed"):
        periods.propose(action="close", start=date(2024, 12, 1), end=date(2025, 1, 31), by=maker)

    # A decided act is history: the database refuses changing or deleting it.
    with pytest.raises(DatabaseError, match="LEDGER_IMMUTABLE"), transaction.atomic():
        PeriodClose.objects.filter(pk=act.pk).update(status="rejected")
    with pytest.raises(DatabaseError, match="LEDGER_IMMUTABLE"), transaction.atomic():
        PeriodClose.objects.filter(pk=act.pk).delete()
    act.refresh_from_db()
    assert (act.status, act.decided_by) == ("approved", checker)


def test_a_run_dated_in_a_closed_period_is_refused_before_it_is_queued(pilot, maker, checker):
    run = planning.start_run(programme=pilot, period=Period.year(2024), by=maker)
    run = planning.calculate(run, by=maker, inline=True)
    run = states.approve(run, by=checker, reason="checked")
    closer = UserFactory(username="closer", group=FINANCE)
    act = periods.propose(
        action="close", start=date(2024, 10, 1), end=date(2024, 12, 31), by=closer
    )
    periods.approve(act, by=checker)

    with pytest.raises(SettlementError, match="closed for 2024-10-01 to 2024-12-31"):
        posting.post_or_queue(run, by=checker)
    with pytest.raises(SettlementError, match="closed for 2024-10-01 to 2024-12-31"):
        posting.post(run, by=checker)
    run.refresh_from_db()
    assert run.status == "approved"
    assert not run.transfers.exclude(entry=None).exists()


def test_the_admin_proposes_and_another_official_approves(client, officials):
    maker, checker = officials
    operator = UserFactory(username="op", group=None)
    propose = reverse("admin:ledger_periodclose_propose")

    client.force_login(maker)
    listing = client.get(reverse("admin:ledger_periodclose_changelist"))
    assert propose in listing.content.decode()
    refused = client.post(propose, {"action": "close", "start": "2024-12-31", "end": "2024-01-01"})
    assert refused.status_code == 200
    assert "会计期间的起始日须早于截止日" in refused.content.decode()
    assert not PeriodClose.objects.exists()
    response = client.post(propose, {"action": "close", "start": "2024-01-01", "end": "2024-12-31"})
    act = PeriodClose.objects.get()
    assert response.status_code == 302
    page = client.get(reverse("admin:ledger_periodclose_change", args=[act.pk]))
    assert 'id="decision"' in page.content.decode()  # a finance official may decide acts
    client.post(reverse("admin:ledger_periodclose_decide", args=[act.pk]), {"action": "approve"})
    act.refresh_from_db()
    assert act.status == "proposed"

    client.force_login(checker)
    client.post(reverse("admin:ledger_periodclose_decide", args=[act.pk]), {"action": "approve"})
    act.refresh_from_db()
    assert (act.status, act.decided_by) == ("approved", checker)

    client.force_login(operator)
    assert client.get(propose).status_code == 403
