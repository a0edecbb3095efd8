from decimal import Decimal

import pytest

from ledger.exceptions import AlreadyReversed, NegativeBalance
from ledger.selectors import account_balance
from ledger.services import post_entry, reverse_entry
from tests.factories import transfer


@pytest.fixture
def paid(funded):
    return post_entry(spec=transfer("pay", "region:341000:cny", "fund:central", "300.00"))


def test_reversal_restores_every_balance(paid, books):
    reversal = reverse_entry(entry=paid, idempotency_key="pay-reversal")

    books["fund"].refresh_from_db()
    books["huangshan"].refresh_from_db()
    assert reversal.reverses == paid
    assert reversal.description == "Reversal of entry #3: transfer"
    assert account_balance(account=books["fund"]) == Decimal("1000000.00")
    assert account_balance(account=books["huangshan"]) == Decimal("0.00")


def test_reversing_twice_is_refused(paid):
    first = reverse_entry(entry=paid, idempotency_key="pay-reversal")

    with pytest.raises(AlreadyReversed, match=f"already reversed by entry #{first.sequence}"):
        reverse_entry(entry=paid, idempotency_key="pay-reversal-2")


def test_repeating_a_reversal_with_its_key_returns_it(paid):
    first = reverse_entry(entry=paid, idempotency_key="pay-reversal")
    again = reverse_entry(entry=paid, idempotency_key="pay-reversal")

    assert again.pk == first.pk


def test_reversal_that_would_overdraw_is_refused(funded, books):
    opening = books["fund"].postings.get().entry
    post_entry(spec=transfer("spend", "region:341000:cny", "fund:central", "1.00"))

    with pytest.raises(NegativeBalance, match="fund:central may not go negative"):
        reverse_entry(entry=opening, idempotency_key="undo-opening")
