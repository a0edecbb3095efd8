"""Try to break each invariant with raw SQL: the database itself must refuse."""

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from ledger.models import Account, JournalEntry, Posting
from ledger.services import post_entry, reverse_entry
from tests.conftest import committing
from tests.ledger.conftest import transfer


def _sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


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


def test_changing_an_account_commodity_is_refused(posted):
    _refused("UPDATE ledger_account SET commodity_id = 'tCO2e' WHERE code = 'fund:central'")


def test_adding_a_posting_to_an_entry_of_an_earlier_transaction_is_refused(posted, books):
    _refused(
        "INSERT INTO ledger_posting (entry_id, account_id, commodity_id, effective_date, "
        "amount_minor) VALUES (%s, %s, 'CNY', %s, 5), (%s, %s, 'CNY', %s, -5)",
        [
            posted.id,
            books["huangshan"].id,
            posted.effective_date,
            posted.id,
            books["chunan"].id,
            posted.effective_date,
        ],
    )


def test_posting_in_another_commodity_than_its_account_is_refused(funded, books):
    with pytest.raises(DatabaseError, match="LEDGER_INVALID"), transaction.atomic():
        entry_id = _raw_entry("raw-commodity")
        _raw_postings(entry_id, [(books["sink"].id, "CNY", 5), (books["chunan"].id, "CNY", -5)])


def test_overdrawing_a_non_negative_account_with_raw_sql_is_refused(funded, books):
    with (
        pytest.raises(DatabaseError, match="LEDGER_NEGATIVE: account fund:central"),
        transaction.atomic(),
    ):
        entry_id = _raw_entry("raw-overdraw")
        _raw_postings(
            entry_id,
            [(books["fund"].id, "CNY", -100_000_001), (books["chunan"].id, "CNY", 100_000_001)],
        )
    books["fund"].refresh_from_db()
    assert books["fund"].balance_minor == 100_000_000


def test_duplicate_idempotency_key_is_refused_by_a_unique_index(posted):
    with pytest.raises(IntegrityError, match="idempotency_key"), transaction.atomic():
        _raw_entry("t1")


def test_reversing_an_entry_twice_is_refused_by_a_unique_index(posted):
    reverse_entry(entry=posted, idempotency_key="rev-1")

    with pytest.raises(IntegrityError, match="reverses_id"), transaction.atomic():
        _raw_entry("rev-2", reverses=posted.id)


@committing
class TestAtCommit:
    """Checks deferred to commit need real commits, so no transaction wraps these tests."""

    def test_unbalanced_entry_is_refused_at_commit(self, funded, books):
        with (
            pytest.raises(
                IntegrityError,
                match="LEDGER_UNBALANCED: journal entry #900 does not "
                "balance in CNY: its postings sum to 1",
            ),
            transaction.atomic(),
        ):
            entry_id = _raw_entry("raw-unbalanced", sequence=900)
            _raw_postings(
                entry_id,
                [(books["huangshan"].id, "CNY", 101), (books["chunan"].id, "CNY", -100)],
            )
            _sql("UPDATE ledger_journalentry SET sealed = true WHERE id = %s", [entry_id])

        assert not JournalEntry.objects.filter(idempotency_key="raw-unbalanced").exists()
        assert Account.objects.get(code="region:341000:cny").balance_minor == 0

    def test_entry_with_a_single_posting_is_refused_at_commit(self, funded, books):
        with pytest.raises(IntegrityError, match="has 1 posting"), transaction.atomic():
            entry_id = _raw_entry("raw-single", sequence=901)
            _raw_postings(entry_id, [(books["huangshan"].id, "CNY", 1)])

        assert not Posting.objects.filter(entry__idempotency_key="raw-single").exists()

    def test_unsealed_entry_is_refused_at_commit(self, funded, books):
        with pytest.raises(IntegrityError, match="sealed=f"), transaction.atomic():
            entry_id = _raw_entry("raw-unsealed", sequence=902)
            _raw_postings(
                entry_id, [(books["huangshan"].id, "CNY", 1), (books["chunan"].id, "CNY", -1)]
            )

    def test_balanced_sealed_raw_entry_commits(self, funded, books):
        with transaction.atomic():
            entry_id = _raw_entry("raw-ok", sequence=903)
            _raw_postings(
                entry_id, [(books["huangshan"].id, "CNY", 7), (books["chunan"].id, "CNY", -7)]
            )
            _sql("UPDATE ledger_journalentry SET sealed = true WHERE id = %s", [entry_id])

        assert Account.objects.get(code="region:341000:cny").balance_minor == 7


def _raw_entry(key, *, sequence=None, reverses=None):
    sequence = sequence or 1000 + abs(hash(key)) % 1000
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO ledger_journalentry (sequence, idempotency_key, effective_date, "
            "description, cause, posted_at, content_digest, previous_hash, hash, sealed, "
            "reverses_id) VALUES (%s, %s, '2026-01-15', 'raw', '', now(), '', %s, %s, false, %s) "
            "RETURNING id",
            [sequence, key, f"prev-{key}", f"hash-{key}", reverses],
        )
        return cursor.fetchone()[0]


def _raw_postings(entry_id, rows):
    for account_id, commodity, amount in rows:
        _sql(
            "INSERT INTO ledger_posting (entry_id, account_id, commodity_id, effective_date, "
            "amount_minor) VALUES (%s, %s, %s, '2026-01-15', %s)",
            [entry_id, account_id, commodity, amount],
        )
