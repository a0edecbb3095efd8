"""Many posters at once: exact balances, one entry per key, one hash chain."""

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from django.db import connection

from ledger.exceptions import NegativeBalance
from ledger.models import Account, JournalEntry
from ledger.services import AccountSpec, open_accounts, post_entry
from ledger.verification import verify_ledger
from tests.conftest import committing, race
from tests.factories import transfer

THREADS = 8
ENTRIES_PER_THREAD = 25
SHARED_KEYS = 10


def _in_thread(work):
    def run(*args):
        try:
            return work(*args)
        finally:
            connection.close()

    return run


@committing
def test_concurrent_posting_gives_exact_balances_and_one_entry_per_key(funded):
    def poster(thread):
        for i in range(ENTRIES_PER_THREAD):
            # Every thread also posts the same SHARED_KEYS entries: each must land once.
            key = f"shared-{i}" if i < SHARED_KEYS else f"t{thread}-{i}"
            debit, credit = (
                ("region:341000:cny", "region:330127:cny")
                if i % 2
                else ("region:330127:cny", "fund:central")
            )
            post_entry(spec=transfer(key, debit, credit, "1.25"))

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(_in_thread(poster), range(THREADS)))

    unique = SHARED_KEYS + THREADS * (ENTRIES_PER_THREAD - SHARED_KEYS)
    assert JournalEntry.objects.count() == 2 + unique
    assert JournalEntry.objects.filter(idempotency_key__startswith="shared-").count() == SHARED_KEYS
    odd = SHARED_KEYS // 2 + THREADS * len(
        [i for i in range(SHARED_KEYS, ENTRIES_PER_THREAD) if i % 2]
    )
    even = unique - odd
    balances = dict(Account.objects.values_list("code", "balance_minor"))
    assert balances["region:341000:cny"] == odd * 125
    assert balances["region:330127:cny"] == (even - odd) * 125
    assert balances["fund:central"] == 100_000_000 - even * 125
    result = verify_ledger()
    assert result.ok, result
    assert result.entries_checked == 2 + unique


@committing
def test_concurrent_overdraw_attempts_never_take_an_account_negative(funded):
    post_entry(spec=transfer("drain", "equity:cny", "fund:central", "999900.00"))

    def withdraw(i):
        try:
            post_entry(spec=transfer(f"w{i}", "region:341000:cny", "fund:central", "10.00"))
            return True
        except NegativeBalance:
            return False

    with ThreadPoolExecutor(THREADS) as pool:
        outcomes = list(pool.map(_in_thread(withdraw), range(20)))

    fund = Account.objects.get(code="fund:central")
    assert outcomes.count(True) == 10
    assert fund.balance_minor == 0
    assert Account.objects.get(code="region:341000:cny").balance_minor == 10_000
    assert verify_ledger().ok
    assert fund.balance == Decimal("0.00")


@committing
def test_two_processes_opening_the_same_accounts_get_the_same_rows(db):
    specs = [
        AccountSpec(
            code=f"region:11{i:04d}:cny",
            name=f"region {i}",
            type=Account.Type.LIABILITY,
            commodity="CNY",
        )
        for i in range(50)
    ]

    results = race(lambda i: open_accounts(specs[::-1] if i else specs), threads=4)

    assert not [r for r in results if isinstance(r, Exception)], results
    opened = {a.code: a.pk for a in Account.objects.filter(code__startswith="region:11")}
    assert len(opened) == 50
    for accounts in results:
        assert {code: a.pk for code, a in accounts.items()} == opened
