"""The books through the API: balances as of a date, entries and postings by cursor, period
closes and balance assertions."""

from datetime import date
from decimal import Decimal

import pytest

from config.roles import AUDITOR, FINANCE
from ledger import assertions, periods
from ledger.models import Account, JournalEntry
from ledger.selectors import account_balance
from tests.factories import UserFactory

OWNER = "region:341000"
CLAIMED = "t:region:341000:2024:claimed:market"


@pytest.fixture
def auditor(api, pilot):
    api.force_authenticate(UserFactory(username="auditor", group=AUDITOR))


def balances(api, as_of):
    response = api.get(f"/api/v1/ledger/balances/?owner={OWNER}&commodity=tCO2e&as_of={as_of}")
    assert response.status_code == 200
    return {row["account"]: row["balance"] for row in response.json()["balances"]}


def test_balances_as_of_a_date(api, auditor):
    # The fixture issues 1000 units on 2024-06-01: 900 claimed by the market, 100 to the buffer.
    before, after = balances(api, "2024-05-31"), balances(api, "2024-06-01")

    assert before[CLAIMED] == "0.000"
    assert after[CLAIMED] == "900.000"
    assert after["t:region:341000:2024:buffer"] == "100.000"
    one = api.get(f"/api/v1/ledger/accounts/{CLAIMED}/?as_of=2024-05-31").json()
    assert one["balance"] == "0.000" and one["owner"] == OWNER
    assert api.get(f"/api/v1/ledger/accounts/{CLAIMED}/").json()["balance"] == "900.000"


def test_a_bad_date_is_a_field_error(api, auditor):
    response = api.get(f"/api/v1/ledger/balances/?owner={OWNER}&commodity=tCO2e&as_of=yesterday")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["as_of"]


def test_entries_page_by_cursor_newest_first_without_gaps(api, auditor):
    sequences = []
    url = "/api/v1/ledger/entries/?page_size=2"
    while url:
        page = api.get(url).json()
        assert len(page["results"]) <= 2
        sequences += [entry["sequence"] for entry in page["results"]]
        url = page["next"]

    assert sequences == list(
        JournalEntry.objects.order_by("-sequence").values_list("sequence", flat=True)
    )
    assert len(sequences) >= 3


def test_postings_of_one_account(api, auditor):
    rows = api.get(f"/api/v1/ledger/postings/?account={CLAIMED}").json()["results"]
    assert [(row["account"], row["amount"], row["effective_date"]) for row in rows] == [
        (CLAIMED, "900.000", "2024-06-01")
    ]


def test_officials_read_period_closes_and_balance_assertions_with_the_books_balance(api, world):
    finance, checker = world["users"]["finance"], UserFactory(username="fin2", group=FINANCE)
    periods.approve(
        periods.propose(action="close", start=date(2023, 1, 1), end=date(2023, 12, 31), by=finance),
        by=checker,
    )
    account = Account.objects.filter(postings__isnull=False).order_by("code").first()
    books = account_balance(account=account, as_of=date(2030, 1, 1))
    assertions.record(
        account=account, as_of=date(2030, 1, 1), expected=books, source="对账单", by=finance
    )
    assertions.record(
        account=account,
        as_of=date(2030, 1, 2),
        expected=books + Decimal("0.01"),
        source="对账单",
        by=finance,
    )
    api.force_authenticate(world["users"]["auditor"])

    closes = api.get("/api/v1/ledger/period-closes/").json()["results"]
    asserted = api.get("/api/v1/ledger/balance-assertions/", {"ordering": "as_of"}).json()

    assert [(c["action"], c["status"], c["start"], c["end"], c["decided_by"]) for c in closes] == [
        ("close", "approved", "2023-01-01", "2023-12-31", "fin2")
    ]
    assert [(a["account"], a["expected"], a["found"], a["holds"]) for a in asserted["results"]] == [
        (account.code, str(books), str(books), True),
        (account.code, str(books + Decimal("0.01")), str(books), False),
    ]
    api.force_authenticate(world["users"]["operator"])
    assert api.get("/api/v1/ledger/period-closes/").status_code == 403
    assert api.get("/api/v1/ledger/balance-assertions/").status_code == 403
