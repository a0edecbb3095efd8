"""Both PostgreSQL insert paths (one statement below COPY_THRESHOLD entries, COPY above) keep
every invariant: the database refuses what Python would let through, and the chain verifies."""

import pytest
from django.db import IntegrityError, transaction

from ledger import storage
from ledger.exceptions import NegativeBalance
from ledger.hashing import chain_hash
from ledger.models import Account, ChainHead, JournalEntry
from ledger.services import post_entries
from ledger.verification import verify_ledger
from tests.conftest import committing
from tests.factories import DAY, transfer

SIZES = [storage.COPY_THRESHOLD - 1, storage.COPY_THRESHOLD]


@pytest.mark.parametrize("size", SIZES)
def test_a_bulk_batch_posts_and_the_chain_verifies(funded, size):
    specs = [transfer(f"b{i}", "region:341000:cny", "fund:central", "1.00") for i in range(size)]

    entries = post_entries(specs=specs)

    assert [e.sequence for e in entries] == list(range(3, 3 + size))
    assert [e.id for e in entries] == list(
        JournalEntry.objects.filter(sequence__gte=3)
        .order_by("sequence")
        .values_list("id", flat=True)
    )
    assert Account.objects.get(code="region:341000:cny").balance_minor == 100 * size
    result = verify_ledger()
    assert result.ok, result
    assert result.entries_checked == 2 + size


@pytest.mark.parametrize("size", SIZES)
def test_an_overdraft_in_a_bulk_batch_is_refused_by_the_database(funded, size):
    specs = [transfer(f"b{i}", "region:341000:cny", "fund:central", "1.00") for i in range(size)]
    specs[-1] = transfer("too-much", "region:341000:cny", "fund:central", "999999.00")

    with pytest.raises(NegativeBalance, match=f"entry #{2 + size} would leave it at"):
        post_entries(specs=specs)

    assert not JournalEntry.objects.filter(sequence__gt=2).exists()
    assert Account.objects.get(code="fund:central").balance_minor == 100_000_000


def _raw_rows(books, size, *, off_by):
    """Entries the way storage.insert takes them, with valid links, one of them unbalanced."""
    head = ChainHead.objects.get(pk=1)
    last_hash, entries, postings = head.last_hash, [], []
    posted_at = JournalEntry.objects.get(sequence=1).posted_at
    for sequence in range(head.last_sequence + 1, head.last_sequence + 1 + size):
        key = f"raw-{sequence}"
        link = chain_hash(
            sequence=sequence,
            previous_hash=last_hash,
            idempotency_key=key,
            posted_at=posted_at,
            posted_by_id=None,
            content_digest="",
        )
        entries.append((sequence, key, DAY, "raw", "", posted_at, None, None, "", last_hash, link))
        last_hash = link
        amount = 100 + (off_by if sequence == head.last_sequence + size else 0)
        postings.append((sequence, books["huangshan"].id, "CNY", amount))
        postings.append((sequence, books["chunan"].id, "CNY", -100))
    return entries, postings


@committing
class TestRawBulkAtCommit:
    @pytest.mark.parametrize("size", SIZES)
    def test_an_unbalanced_entry_inserted_in_bulk_is_refused_at_commit(self, funded, books, size):
        entries, postings = _raw_rows(books, size, off_by=1)

        with (
            pytest.raises(IntegrityError, match=f"journal entry #{2 + size} does not balance"),
            transaction.atomic(),
        ):
            storage.insert(entries, postings)

        assert JournalEntry.objects.count() == 2
        assert Account.objects.get(code="region:341000:cny").balance_minor == 0


def test_entry_columns_are_the_model_fields_in_order():
    """post_entries builds entries positionally from storage rows: the orders must agree."""
    fields = [f.attname for f in JournalEntry._meta.concrete_fields]

    assert fields == ["id", *storage.ENTRY_COLUMNS, "sealed"]


@pytest.mark.parametrize("size", SIZES)
def test_text_with_tabs_newlines_and_backslashes_is_stored_exactly(funded, size):
    description = '黄山\t"转移"\\N\n\r\\.'
    specs = [
        transfer(f"b{i}\t\\", "region:341000:cny", "fund:central", "1.00", description=description)
        for i in range(size)
    ]

    post_entries(specs=specs)

    stored = set(JournalEntry.objects.filter(sequence__gt=2).values_list("description", flat=True))
    assert stored == {description}
    assert JournalEntry.objects.filter(idempotency_key="b0\t\\").exists()
    assert verify_ledger().ok
