"""Try to break each invariant with raw SQL: the database itself must refuse."""

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from ledger.models import Account, ChainHead, JournalEntry, Posting
from ledger.services import post_entry, reverse_entry
from tests.conftest import committing
from tests.factories import raw_entry, raw_postings, transfer


def _sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchone() if cursor.description else None


def _refused(statement, params=(), match="LEDGER_IMMUTABLE"):
    with pytest.raises(DatabaseError, match=match), transaction.atomic():
        _sql(statement, params)


@pytest.fixture
def posted(funded):
    return post_entry(spec=transfer("t1", "region:341000:cny", "fund:central", "100.00"))


def test_update_of_a_posting_is_refused(posted):
    _refused(
        "UPDATE ledger_posting SET amount_minor = amount_minor * 2 WHERE entry_id = %s", [posted.id]
    )


def test_delete_of_a_posting_is_refused(posted):
    _refused("DELETE FROM ledger_posting WHERE entry_id = %s", [posted.id])


def test_update_of_a_posted_entry_is_refused(posted):
    _refused("UPDATE ledger_journalentry SET description = 'edited' WHERE id = %s", [posted.id])


def test_unsealing_a_posted_entry_is_refused(posted):
    _refused("UPDATE ledger_journalentry SET sealed = false WHERE id = %s", [posted.id])


def test_delete_of_a_posted_entry_is_refused(posted):
    _refused("DELETE FROM ledger_journalentry WHERE id = %s", [posted.id])


def test_direct_balance_change_is_refused(posted):
    _refused("UPDATE ledger_account SET balance_minor = 0 WHERE code = 'fund:central'")


@pytest.mark.parametrize(
    "change",
    [
        "commodity_id = 'tCO2e'",
        "non_negative = false",
        "owner = 'someone-else'",
        "type = 'liability'",
        "code = 'fund:renamed'",
    ],
)
def test_changing_what_an_account_is_is_refused(posted, change):
    _refused(f"UPDATE ledger_account SET {change} WHERE code = 'fund:central'")  # noqa: S608


def test_renaming_an_account_is_allowed(posted):
    _sql("UPDATE ledger_account SET name = 'Central transfer fund' WHERE code = 'fund:central'")

    assert Account.objects.get(code="fund:central").name == "Central transfer fund"


def test_changing_a_commodity_precision_is_refused(posted):
    _refused("UPDATE ledger_commodity SET decimal_places = 0 WHERE code = 'CNY'")


def test_moving_the_chain_head_by_hand_is_refused(posted):
    _refused("UPDATE ledger_chainhead SET last_sequence = 0, last_hash = %s", ["0" * 64])


@pytest.mark.parametrize(
    ("statement", "params"),
    [
        ("INSERT INTO ledger_pendingcheck (txid, first_sequence) VALUES (%s, 1)", [12345]),
        ("UPDATE ledger_pendingcheck SET txid = txid + 1", []),
        ("UPDATE ledger_pendingcheck SET first_sequence = first_sequence + 1000", []),
        ("DELETE FROM ledger_pendingcheck", []),
    ],
)
def test_tampering_with_the_commit_time_check_is_refused(posted, statement, params):
    with pytest.raises(DatabaseError, match="LEDGER_IMMUTABLE"), transaction.atomic():
        _sql(
            "INSERT INTO ledger_pendingcheck (txid, first_sequence) "
            "VALUES (txid_current(), 1) ON CONFLICT DO NOTHING"
        )
        _sql(statement, params)


def test_posting_in_another_commodity_than_its_account_is_refused(funded, books):
    with pytest.raises(DatabaseError, match="LEDGER_INVALID"), transaction.atomic():
        entry_id = raw_entry("raw-commodity")
        raw_postings(entry_id, [(books["sink"].id, "CNY", 5), (books["chunan"].id, "CNY", -5)])


def test_overdrawing_a_non_negative_account_with_raw_sql_is_refused(funded, books):
    with (
        pytest.raises(DatabaseError, match="LEDGER_NEGATIVE: account fund:central"),
        transaction.atomic(),
    ):
        entry_id = raw_entry("raw-overdraw")
        raw_postings(
            entry_id,
            [(books["fund"].id, "CNY", -100_000_001), (books["chunan"].id, "CNY", 100_000_001)],
        )
    books["fund"].refresh_from_db()
    assert books["fund"].balance_minor == 100_000_000


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"sequence": 99}, "LEDGER_CHAIN: journal entry #99 does not continue the hash chain"),
        ({"previous_hash": "f" * 64}, "LEDGER_CHAIN"),
        ({"sealed": False}, "LEDGER_INVALID: .* must be inserted sealed"),
        ({"created_txid": 0}, "LEDGER_INVALID: .* by the transaction that creates it"),
    ],
)
def test_entries_that_bypass_the_rules_on_insert_are_refused(posted, kwargs, match):
    with pytest.raises(DatabaseError, match=match), transaction.atomic():
        raw_entry("raw-bypass", **kwargs)


def test_duplicate_idempotency_key_is_refused_by_a_unique_index(posted):
    with pytest.raises(IntegrityError, match="idempotency_key"), transaction.atomic():
        raw_entry("t1")


def test_reversing_an_entry_twice_is_refused_by_a_unique_index(posted):
    reverse_entry(entry=posted, idempotency_key="rev-1")

    with pytest.raises(IntegrityError, match="reverses_id"), transaction.atomic():
        raw_entry("rev-2", reverses=posted.id)


@committing
class TestAtCommit:
    """Checks deferred to commit need real commits, so no transaction wraps these tests."""

    def test_unbalanced_entry_is_refused_at_commit(self, funded, books):
        with (
            pytest.raises(
                IntegrityError,
                match="LEDGER_UNBALANCED: journal entry #3 does not "
                "balance in CNY: its postings sum to 1",
            ),
            transaction.atomic(),
        ):
            entry_id = raw_entry("raw-unbalanced")
            raw_postings(
                entry_id, [(books["huangshan"].id, "CNY", 101), (books["chunan"].id, "CNY", -100)]
            )

        assert not JournalEntry.objects.filter(idempotency_key="raw-unbalanced").exists()
        assert Account.objects.get(code="region:341000:cny").balance_minor == 0
        assert ChainHead.objects.get(pk=1).last_sequence == 2

    def test_entry_with_a_single_posting_is_refused_at_commit(self, funded, books):
        with pytest.raises(IntegrityError, match="has 1 posting"), transaction.atomic():
            entry_id = raw_entry("raw-single")
            raw_postings(entry_id, [(books["huangshan"].id, "CNY", 1)])

        assert not Posting.objects.filter(entry__idempotency_key="raw-single").exists()

    def test_postings_cannot_be_added_to_an_entry_of_an_earlier_transaction(self, funded, books):
        with transaction.atomic():
            entry_id = raw_entry("raw-earlier")
            raw_postings(
                entry_id, [(books["huangshan"].id, "CNY", 7), (books["chunan"].id, "CNY", -7)]
            )

        with (
            pytest.raises(DatabaseError, match="LEDGER_IMMUTABLE: journal entry #3 is posted"),
            transaction.atomic(),
        ):
            raw_postings(
                entry_id, [(books["huangshan"].id, "CNY", 5), (books["chunan"].id, "CNY", -5)]
            )
        assert Account.objects.get(code="region:341000:cny").balance_minor == 7
