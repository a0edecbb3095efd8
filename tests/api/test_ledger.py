"""The books through the API: balances as of a date, entries and postings by cursor."""

import pytest

from config.roles import AUDITOR
from ledger.models import JournalEntry
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
