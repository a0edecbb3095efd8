import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from ledger.models import Posting
from ledger.services import post_entries, reverse_entry
from ledger.verification import verify_ledger
from tests.factories import transfer


@pytest.fixture
def history(funded):
    entries = post_entries(
        specs=[
            transfer(f"h{i}", "region:341000:cny", "fund:central", f"{i}.00") for i in range(1, 21)
        ]
    )
    reverse_entry(entry=entries[4], idempotency_key="h5-reversal")
    return entries


def _tamper(statement, params):
    """Change a row the way an intruder with superuser rights would: triggers off."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(statement, params)
        cursor.execute("SET LOCAL session_replication_role = origin")


def test_intact_ledger_verifies(history, capsys):
    call_command("verify_ledger")

    out = capsys.readouterr().out
    assert "Ledger intact: 23 entries" in out
    assert verify_ledger().ok


def test_changed_amount_is_found_and_named(history):
    victim = history[9]
    posting = Posting.objects.filter(entry=victim).order_by("id").first()
    _tamper(
        "UPDATE ledger_posting SET amount_minor = amount_minor + 100 WHERE id = %s", [posting.id]
    )

    result = verify_ledger()

    assert result.first_break.entry_id == victim.id
    assert result.first_break.sequence == victim.sequence
    assert result.first_break.what == "hash"
    assert result.first_break.found == victim.hash
    assert result.first_break.expected != victim.hash
    assert result.entries_checked == victim.sequence - 1
    assert [code for code, _, _ in result.balance_mismatches] == [posting.account.code]


def test_verify_ledger_command_reports_the_broken_entry(history, capsys):
    victim = history[2]
    _tamper("UPDATE ledger_journalentry SET description = 'edited' WHERE id = %s", [victim.id])

    with pytest.raises(CommandError, match="Ledger verification failed after 4 intact entries"):
        call_command("verify_ledger")

    err = capsys.readouterr().err
    assert f"broken at entry id={victim.id} sequence={victim.sequence} (hash)" in err
    assert f"found {victim.hash}" in err


def test_removed_entry_breaks_the_sequence(history):
    victim = history[0]
    _tamper("DELETE FROM ledger_posting WHERE entry_id = %s", [victim.id])
    _tamper("DELETE FROM ledger_journalentry WHERE id = %s", [victim.id])

    result = verify_ledger()

    assert result.first_break.what == "sequence"
    assert result.first_break.expected == str(victim.sequence)
