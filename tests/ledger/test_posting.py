from decimal import Decimal

import pytest

from ledger.exceptions import (
    IdempotencyConflict,
    InvalidAmount,
    InvalidEntry,
    NegativeBalance,
    UnbalancedEntry,
)
from ledger.hashing import chain_hash, content_digest
from ledger.models import ChainHead, JournalEntry, Posting
from ledger.selectors import account_balance
from ledger.services import EntrySpec, Leg, post_entries, post_entry
from tests.factories import DAY, transfer


def _balance(books, name):
    books[name].refresh_from_db()
    return account_balance(account=books[name])


def test_balanced_entry_moves_both_balances(funded):
    entry = post_entry(spec=transfer("t1", "region:341000:cny", "fund:central", Decimal("2500.75")))

    assert entry.sealed is True
    assert entry.sequence == 3
    assert _balance(funded, "huangshan") == Decimal("2500.75")
    assert _balance(funded, "fund") == Decimal("997499.25")


def test_entry_spanning_two_commodities_balances_in_each(funded):
    spec = EntrySpec(
        idempotency_key="multi",
        effective_date=DAY,
        description="credit sale",
        legs=[
            Leg.debit("region:341000:cny", "100.00"),
            Leg.credit("fund:central", "100.00"),
            Leg.debit("sink:issued", "1.500"),
            Leg.credit("sink:341000", "1.500"),
        ],
    )

    post_entry(spec=spec)

    assert _balance(funded, "sink") == Decimal("498.500")
    assert _balance(funded, "huangshan") == Decimal("100.00")


@pytest.mark.parametrize(
    ("legs", "error", "message"),
    [
        ([Leg.debit("fund:central", "1.00")], InvalidEntry, "needs at least two"),
        (
            [Leg.debit("fund:central", "1.00"), Leg.credit("equity:cny", "0.99")],
            UnbalancedEntry,
            "CNY off by 1 minor units",
        ),
        (
            [Leg.debit("sink:341000", "1.000"), Leg.credit("equity:cny", "1.00")],
            UnbalancedEntry,
            "does not balance",
        ),
        ([Leg.debit("fund:central", "0"), Leg.credit("equity:cny", "0")], InvalidEntry, "is zero"),
        (
            [Leg.debit("nowhere", "1.00"), Leg.credit("equity:cny", "1.00")],
            InvalidEntry,
            "Unknown account",
        ),
        (
            [Leg.debit("sink:341000", "0.0001"), Leg.credit("sink:issued", "0.0001")],
            InvalidAmount,
            "more than 3 decimal places",
        ),
    ],
)
def test_malformed_entries_are_refused_and_nothing_is_written(funded, legs, error, message):
    before = (JournalEntry.objects.count(), Posting.objects.count())
    spec = EntrySpec(idempotency_key="bad", effective_date=DAY, description="bad", legs=legs)

    with pytest.raises(error, match=message):
        post_entry(spec=spec)

    assert (JournalEntry.objects.count(), Posting.objects.count()) == before


def test_float_amount_is_refused(funded):
    with pytest.raises(InvalidAmount, match="binary float"):
        Leg.credit("fund:central", 0.30000000000000004)


def test_same_key_and_content_returns_the_first_entry(funded):
    first = post_entry(spec=transfer("once", "region:341000:cny", "fund:central", "10.00"))
    again = post_entry(spec=transfer("once", "region:341000:cny", "fund:central", "10.00"))

    assert again.pk == first.pk
    assert JournalEntry.objects.filter(idempotency_key="once").count() == 1
    assert _balance(funded, "huangshan") == Decimal("10.00")


def test_same_key_with_other_content_is_a_conflict(funded):
    post_entry(spec=transfer("once", "region:341000:cny", "fund:central", "10.00"))

    with pytest.raises(IdempotencyConflict, match="'once' was used for entry #3"):
        post_entry(spec=transfer("once", "region:341000:cny", "fund:central", "10.01"))
    assert _balance(funded, "huangshan") == Decimal("10.00")


def test_bulk_posting_is_all_or_nothing(funded):
    specs = [transfer(f"bulk-{i}", "region:341000:cny", "fund:central", "1.00") for i in range(50)]
    specs.append(transfer("bulk-bad", "region:341000:cny", "fund:central", "999999.00"))

    with pytest.raises(NegativeBalance, match="entry #53 would leave it at -4900 minor units"):
        post_entries(specs=specs)

    assert JournalEntry.objects.filter(idempotency_key__startswith="bulk-").count() == 0
    assert _balance(funded, "huangshan") == Decimal("0.00")
    assert _balance(funded, "fund") == Decimal("1000000.00")


def test_overdraft_inside_a_batch_is_refused_even_if_refilled_later(funded):
    specs = [
        transfer("drain", "region:341000:cny", "fund:central", "1000000.01"),
        transfer("refill", "fund:central", "equity:cny", "5.00"),
    ]

    with pytest.raises(NegativeBalance, match="fund:central may not go negative; entry #3"):
        post_entries(specs=specs)


def test_datetime_effective_date_is_refused(funded):
    from datetime import datetime

    spec = transfer(
        "dt", "region:341000:cny", "fund:central", "1.00", day=datetime(2026, 1, 15, 12, 0)
    )

    with pytest.raises(InvalidEntry, match="effective date must be a date, not datetime"):
        post_entry(spec=spec)


def test_overlong_description_is_refused_before_the_database(funded):
    spec = transfer("long", "region:341000:cny", "fund:central", "1.00", description="x" * 501)

    with pytest.raises(InvalidEntry, match="description is longer than 500 characters"):
        post_entry(spec=spec)


def test_bulk_posting_posts_every_entry_in_order(funded):
    specs = [
        transfer(f"bulk-{i}", "region:341000:cny", "fund:central", f"{i}.01") for i in range(1, 201)
    ]

    entries = post_entries(specs=specs)

    assert [e.sequence for e in entries] == list(range(3, 203))
    assert Posting.objects.filter(entry__in=entries).count() == 400
    assert _balance(funded, "huangshan") == sum(Decimal(f"{i}.01") for i in range(1, 201))


def test_bulk_with_one_key_twice_and_different_content_is_refused(funded):
    specs = [
        transfer("dup", "region:341000:cny", "fund:central", "1.00"),
        transfer("dup", "region:341000:cny", "fund:central", "2.00"),
    ]

    with pytest.raises(IdempotencyConflict, match="appears twice"):
        post_entries(specs=specs)


def test_bulk_repeating_posted_keys_posts_only_the_new_ones(funded):
    first = post_entries(specs=[transfer("a", "region:341000:cny", "fund:central", "1.00")])
    both = post_entries(
        specs=[
            transfer("a", "region:341000:cny", "fund:central", "1.00"),
            transfer("b", "region:341000:cny", "fund:central", "2.00"),
        ]
    )

    assert both[0].pk == first[0].pk
    assert _balance(funded, "huangshan") == Decimal("3.00")


def test_overdrawing_a_non_negative_account_is_refused(funded):
    with pytest.raises(NegativeBalance, match="fund:central may not go negative"):
        post_entry(spec=transfer("too-much", "region:341000:cny", "fund:central", "1000000.01"))
    assert _balance(funded, "fund") == Decimal("1000000.00")


def test_hash_chain_links_each_entry_to_the_previous(funded):
    entries = list(JournalEntry.objects.order_by("sequence"))

    assert entries[0].previous_hash == "0" * 64
    assert entries[1].previous_hash == entries[0].hash
    assert ChainHead.objects.get(pk=1).last_hash == entries[1].hash
    assert entries[1].hash == chain_hash(
        sequence=2,
        previous_hash=entries[0].hash,
        idempotency_key="sink-opening",
        posted_at=entries[1].posted_at,
        posted_by_id=None,
        content_digest=content_digest(
            effective_date=DAY,
            description="transfer",
            cause="",
            reverses_id=None,
            postings=[("sink:341000", "tCO2e", 500_000), ("sink:issued", "tCO2e", -500_000)],
        ),
    )
