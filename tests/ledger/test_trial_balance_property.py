"""Property: any sequence of valid entries keeps every commodity summing to zero."""

import itertools
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.selectors import commodity_totals, trial_balance
from ledger.services import EntrySpec, Leg, open_account, post_entries
from ledger.verification import verify_ledger
from tests.factories import DAY

CNY_ACCOUNTS = ["region:341000:cny", "region:330127:cny", "equity:cny"]
TCO2E_ACCOUNTS = ["sink:issued", "sink:buffer"]
keys = itertools.count()


def _legs(accounts, places):
    """Two to four legs in one commodity: random debits closed by one balancing credit."""
    amount = st.integers(min_value=1, max_value=10**9).map(lambda m: Decimal(m).scaleb(-places))
    return st.lists(st.tuples(st.sampled_from(accounts), amount), min_size=1, max_size=3).map(
        lambda pairs: (
            [Leg(code, value) for code, value in pairs]
            + [Leg(accounts[-1], -sum(value for _, value in pairs))]
        )
    )


entry_legs = st.one_of(
    _legs(CNY_ACCOUNTS, 2),
    _legs(TCO2E_ACCOUNTS, 3),
    st.tuples(_legs(CNY_ACCOUNTS, 2), _legs(TCO2E_ACCOUNTS, 3)).map(lambda p: p[0] + p[1]),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batches=st.lists(st.lists(entry_legs, min_size=1, max_size=5), min_size=1, max_size=4))
def test_random_valid_entries_keep_the_books_balanced(books, batches):
    open_account(code="sink:buffer", name="Buffer", type="equity", commodity="tCO2e")

    for batch in batches:
        post_entries(
            specs=[
                EntrySpec(
                    idempotency_key=f"random-{next(keys)}",
                    effective_date=DAY,
                    description="random",
                    legs=legs,
                )
                for legs in batch
            ]
        )

    assert set(commodity_totals().values()) <= {0}
    for commodity in ("CNY", "tCO2e"):
        lines = trial_balance(commodity=commodity)
        assert sum(line.debit for line in lines) == sum(line.credit for line in lines)
    result = verify_ledger()
    assert result.ok, result
