"""Postings' references are checked by the posting trigger, set-based: try to break them."""

import pytest
from django.db import DatabaseError, connection, transaction

from ledger.models import Account
from ledger.services import post_entry
from tests.factories import raw_entry, raw_postings, transfer


def _sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_posting_to_an_entry_that_does_not_exist_is_refused(funded, books):
    with (
        pytest.raises(
            DatabaseError, match="LEDGER_INVALID: a posting refers to journal entry id 9999"
        ),
        transaction.atomic(),
    ):
        raw_postings(9999, [(books["huangshan"].id, "CNY", 5), (books["chunan"].id, "CNY", -5)])


def test_posting_to_an_account_that_does_not_exist_is_refused(funded, books):
    with (
        pytest.raises(DatabaseError, match="LEDGER_INVALID: a posting refers to account id 9999"),
        transaction.atomic(),
    ):
        entry_id = raw_entry("raw-no-account")
        raw_postings(entry_id, [(9999, "CNY", 5), (books["chunan"].id, "CNY", -5)])


def test_posting_in_a_commodity_that_does_not_exist_is_refused(funded, books):
    with (
        pytest.raises(DatabaseError, match="LEDGER_INVALID: a posting of entry #3"),
        transaction.atomic(),
    ):
        entry_id = raw_entry("raw-no-commodity")
        raw_postings(entry_id, [(books["chunan"].id, "XXX", 5), (books["huangshan"].id, "CNY", -5)])


def test_changing_the_id_of_an_account_with_postings_is_refused(funded, books):
    post_entry(spec=transfer("t1", "region:341000:cny", "fund:central", "1.00"))

    with pytest.raises(DatabaseError, match="LEDGER_IMMUTABLE: the id, code"), transaction.atomic():
        _sql("UPDATE ledger_account SET id = 9999 WHERE code = 'region:341000:cny'")
    assert Account.objects.get(code="region:341000:cny").id == books["huangshan"].id


def test_one_statement_posting_to_many_entries_is_checked_for_each(funded, books):
    """The trigger sees all of a statement's postings at once; the bad one is still named."""
    with (
        pytest.raises(DatabaseError, match="LEDGER_INVALID: a posting of entry #4"),
        transaction.atomic(),
    ):
        first = raw_entry("raw-a")
        second = raw_entry("raw-b")
        _sql(
            "INSERT INTO ledger_posting (entry_id, account_id, commodity_id, effective_date, "
            "amount_minor) VALUES (%s, %s, 'CNY', '2026-01-15', 5), "
            "(%s, %s, 'CNY', '2026-01-15', -5), (%s, %s, 'CNY', '2026-01-16', 5), "
            "(%s, %s, 'CNY', '2026-01-16', -5)",
            [
                first,
                books["huangshan"].id,
                first,
                books["chunan"].id,
                second,
                books["huangshan"].id,
                second,
                books["chunan"].id,
            ],
        )
