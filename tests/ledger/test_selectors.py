from datetime import date
from decimal import Decimal

import pytest

from ledger.selectors import (
    account_balance,
    account_statement,
    balance_series,
    commodity_totals,
    owner_balances,
    trial_balance,
)
from ledger.services import post_entries
from tests.factories import transfer


@pytest.fixture
def year(funded):
    post_entries(
        specs=[
            transfer("q1", "region:341000:cny", "fund:central", "100.10", date(2026, 3, 31), "Q1"),
            transfer("q2", "region:341000:cny", "fund:central", "200.20", date(2026, 6, 30), "Q2"),
            transfer(
                "q2b",
                "region:330127:cny",
                "region:341000:cny",
                "50.05",
                date(2026, 6, 30),
                "Q2 horizontal",
            ),
            transfer("q3", "region:341000:cny", "fund:central", "300.30", date(2026, 9, 30), "Q3"),
        ]
    )
    return funded


def test_balance_as_of_a_date_counts_only_earlier_postings(year):
    account = year["huangshan"]

    assert account_balance(account=account, as_of=date(2026, 3, 30)) == Decimal("0.00")
    assert account_balance(account=account, as_of=date(2026, 3, 31)) == Decimal("100.10")
    assert account_balance(account=account, as_of=date(2026, 6, 30)) == Decimal("250.25")
    assert account_balance(account=account, as_of=date(2026, 12, 31)) == Decimal("550.55")


def test_current_balance_equals_balance_as_of_the_last_date(year):
    account = year["huangshan"]
    account.refresh_from_db()

    assert account_balance(account=account) == Decimal("550.55")


def test_owner_balances_list_each_account_of_the_owner(year):
    assert owner_balances(owner="region:330127", commodity="CNY") == {
        "region:330127:cny": Decimal("50.05")
    }


def test_trial_balance_debits_equal_credits(year):
    lines = trial_balance(commodity="CNY")

    by_code = {line.account.code: (line.debit, line.credit) for line in lines}
    assert by_code == {
        "equity:cny": (Decimal("0.00"), Decimal("1000000.00")),
        "fund:central": (Decimal("999399.40"), Decimal("0.00")),
        "region:330127:cny": (Decimal("50.05"), Decimal("0.00")),
        "region:341000:cny": (Decimal("550.55"), Decimal("0.00")),
    }
    assert sum(line.debit for line in lines) == sum(line.credit for line in lines)


def test_trial_balance_as_of_a_date(year):
    lines = trial_balance(commodity="CNY", as_of=date(2026, 3, 31))

    assert {line.account.code: line.debit for line in lines}["region:341000:cny"] == Decimal(
        "100.10"
    )


def test_statement_lines_carry_a_running_balance(year):
    statement = account_statement(
        account=year["huangshan"], start=date(2026, 4, 1), end=date(2026, 12, 31)
    )

    assert statement.opening == Decimal("100.10")
    assert [(line.description, line.amount, line.balance) for line in statement.lines] == [
        ("Q2", Decimal("200.20"), Decimal("300.30")),
        ("Q2 horizontal", Decimal("-50.05"), Decimal("250.25")),
        ("Q3", Decimal("300.30"), Decimal("550.55")),
    ]
    assert statement.closing == Decimal("550.55")


def test_statement_of_a_credit_normal_account_shows_positive_balances(year):
    statement = account_statement(
        account=year["equity"], start=date(2026, 1, 1), end=date(2026, 12, 31)
    )

    assert statement.opening == Decimal("0.00")
    assert statement.closing == Decimal("1000000.00")


def test_every_commodity_sums_to_zero(year):
    assert commodity_totals() == {"CNY": 0, "tCO2e": 0}


def test_balance_series_gives_an_owners_balance_after_each_posting_date(year):
    assert balance_series(commodity="CNY", owners=["region:341000", "region:330127"]) == {
        "region:341000": [
            (date(2026, 3, 31), Decimal("100.10")),
            (date(2026, 6, 30), Decimal("250.25")),
            (date(2026, 9, 30), Decimal("550.55")),
        ],
        "region:330127": [(date(2026, 6, 30), Decimal("50.05"))],
    }


def test_balance_series_counts_each_account_on_its_normal_side(year):
    series = balance_series(commodity="CNY", codes=["equity:cny", "fund:central"])

    # equity is credit-normal: the opening credit raises it, as the fund's debit raises the fund.
    assert series == {
        "equity:cny": [(date(2026, 1, 15), Decimal("1000000.00"))],
        "fund:central": [
            (date(2026, 1, 15), Decimal("1000000.00")),
            (date(2026, 3, 31), Decimal("999899.90")),
            (date(2026, 6, 30), Decimal("999699.70")),
            (date(2026, 9, 30), Decimal("999399.40")),
        ],
    }


def test_balance_series_has_the_commodity_places(year):
    series = balance_series(commodity="tCO2e", owners=["region:341000"])

    assert [str(balance) for _, balance in series["region:341000"]] == ["500.000"]


def test_balance_series_takes_owners_or_codes(year):
    with pytest.raises(ValueError, match="owners or codes"):
        balance_series(commodity="CNY")
    with pytest.raises(ValueError, match="owners or codes"):
        balance_series(commodity="CNY", owners=["region:341000"], codes=["fund:central"])
