"""No tonne of sink is paid for twice: whichever channel claims it second is refused."""

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from compensation import credits
from compensation.booking import book_transfers
from compensation.channels import compute_period, vertical
from compensation.exceptions import TonnesUnavailable
from compensation.models import (
    CreditOperation,
    IssuanceBatch,
    Valuation,
)
from compensation.periods import Period
from compensation.sinks import claim, sink_report, sink_row, verify_sink
from ledger.models import JournalEntry
from ledger.verification import verify_ledger
from tests.conftest import committing
from tests.factories import DOWNSTREAM, UPSTREAM, credit_project, ei, make_valuation, parameters

YEAR_END = date(2024, 12, 31)


@pytest.fixture
def sink_2024(programme):
    """5,000 t verified upstream in 2024, 4,000 of them in a credit project's zone."""
    ei(UPSTREAM, 2023, "70")
    ei(UPSTREAM, 2024, "70")
    ei(DOWNSTREAM, 2023, "60")
    ei(DOWNSTREAM, 2024, "60")
    parameters(programme)
    valuation = make_valuation(
        programme, 2024, {UPSTREAM: ("5000", "1000"), DOWNSTREAM: ("0", "9")}
    )
    verify_sink(valuation=valuation)
    return credit_project(valuation, tonnes="4000.000", code="XAJ002")


def test_vertical_after_market_is_refused_and_nothing_is_written(sink_2024):
    credits.issue_batch(project=sink_2024, vintage=2024, idempotency_key="i", on=YEAR_END)
    entries = JournalEntry.objects.count()
    transfers = compute_period(vertical.CHANNEL, sink_2024.programme, Period.year(2024))

    with pytest.raises(TonnesUnavailable) as refused:
        book_transfers(transfers, key_prefix="run-1", effective_date=YEAR_END, cause="run:1")

    assert str(refused.value) == (
        "黄山市 (341000) vintage 2024: 5000.000 tCO2e claimed but only 1000.000 available "
        "of 5000.000 verified (already claimed: market 3600.000)."
    )
    assert JournalEntry.objects.count() == entries
    assert sink_row(UPSTREAM, 2024).claimed["vertical"] == Decimal("0.000")


def test_market_after_vertical_is_refused_and_nothing_is_issued(sink_2024):
    transfers = compute_period(vertical.CHANNEL, sink_2024.programme, Period.year(2024))
    book_transfers(transfers, key_prefix="run-1", effective_date=YEAR_END, cause="run:1")

    with pytest.raises(TonnesUnavailable, match=r"only 0\.000 available .* vertical 5000\.000"):
        credits.issue_batch(project=sink_2024, vintage=2024, idempotency_key="i", on=YEAR_END)

    assert not IssuanceBatch.objects.exists()
    assert not CreditOperation.objects.exists()
    assert verify_ledger().ok


def test_booking_the_same_run_again_posts_nothing(sink_2024):
    transfers = compute_period(vertical.CHANNEL, sink_2024.programme, Period.year(2024))
    first = book_transfers(transfers, key_prefix="run-1", effective_date=YEAR_END, cause="r")

    again = book_transfers(transfers, key_prefix="run-1", effective_date=YEAR_END, cause="r")

    assert [e.pk for e in again] == [e.pk for e in first]
    assert sink_row(UPSTREAM, 2024).claimed["vertical"] == Decimal("5000.000")


def test_report_accounts_for_every_verified_tonne(sink_2024):
    credits.issue_batch(project=sink_2024, vintage=2024, idempotency_key="i", on=YEAR_END)

    (row,) = sink_report(region_codes=[UPSTREAM], vintage=2024)

    assert row.verified == Decimal("5000.000")
    assert (row.available, row.claimed["market"], row.buffer) == (
        Decimal("1000.000"),
        Decimal("3600.000"),
        Decimal("400.000"),
    )
    assert row.accounted == row.verified


def test_a_new_valuation_adds_the_difference_and_cannot_take_back_claimed_tonnes(sink_2024):
    programme = sink_2024.programme
    credits.issue_batch(project=sink_2024, vintage=2024, idempotency_key="i", on=YEAR_END)

    higher = make_valuation(programme, 2024, {UPSTREAM: ("5500", "1000")})
    verify_sink(valuation=higher)
    verify_sink(valuation=higher)
    assert sink_row(UPSTREAM, 2024).verified == Decimal("5500.000")

    lower = make_valuation(programme, 2024, {UPSTREAM: ("3000", "1000")})
    with pytest.raises(TonnesUnavailable, match="lowers the sink below what channels"):
        verify_sink(valuation=lower)
    assert sink_row(UPSTREAM, 2024).verified == Decimal("5500.000")


@committing
def test_concurrent_claims_on_the_same_tonnes_let_exactly_one_through(programme):
    make_valuation(programme, 2024, {UPSTREAM: ("5000", "0")})
    verify_sink(valuation=Valuation.objects.get(current=True))

    def claim_3000(run):
        transfer = claim(
            channel="horizontal",
            key=f"run-{run}",
            region_code=UPSTREAM,
            vintage=2024,
            tonnes=Decimal("3000.000"),
            inputs={},
        )
        try:
            book_transfers([transfer], key_prefix=f"r{run}", effective_date=YEAR_END, cause="t")
            return True
        except TonnesUnavailable:
            return False
        finally:
            connection.close()

    with ThreadPoolExecutor(6) as pool:
        outcomes = list(pool.map(claim_3000, range(6)))

    assert outcomes.count(True) == 1
    row = sink_row(UPSTREAM, 2024)
    assert (row.available, row.claimed["horizontal"]) == (Decimal("2000.000"), Decimal("3000.000"))
    assert verify_ledger().ok
