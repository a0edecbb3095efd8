"""Run inside `manage.py shell` on a SpatiaLite database; prints what the ledger did as JSON.

Used by test_sqlite_profile.py: the embedded demo profile must keep the same
invariants through its seal check, and this exercises them for real.
"""

import json
from datetime import date

from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from ledger.exceptions import LedgerError
from ledger.models import PeriodClose
from ledger.services import EntrySpec, Leg, open_account, post_entries, post_entry, reverse_entry
from ledger.verification import verify_ledger

DAY = date(2026, 1, 15)
outcome = {}


def attempt(name, work):
    try:
        with transaction.atomic():
            work()
        outcome[name] = "accepted"
    except (LedgerError, DatabaseError) as exc:
        outcome[name] = f"{type(exc).__name__}: {exc}"


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def spec(key, debit, credit, amount):
    return EntrySpec(key, DAY, "transfer", [Leg.debit(debit, amount), Leg.credit(credit, amount)])


open_account(code="fund", name="fund", type="asset", commodity="CNY", non_negative=True)
open_account(code="region", name="region", type="asset", commodity="CNY")
open_account(code="equity", name="equity", type="equity", commodity="CNY")
post_entry(spec=spec("opening", "fund", "equity", "100.00"))
paid = post_entries(specs=[spec(f"pay-{i}", "region", "fund", "10.00") for i in range(3)])
reverse_entry(entry=paid[0], idempotency_key="pay-0-reversal")
outcome["repeat returns first"] = (
    post_entry(spec=spec("pay-1", "region", "fund", "10.00")).pk == paid[1].pk
)
attempt("overdraw", lambda: post_entry(spec=spec("overdraw", "region", "fund", "90.01")))
attempt("update posting", lambda: raw("UPDATE ledger_posting SET amount_minor = 1"))
attempt("delete entry", lambda: raw("DELETE FROM ledger_journalentry"))
attempt("edit balance", lambda: raw("UPDATE ledger_account SET balance_minor = 0"))
attempt("flip non-negative", lambda: raw("UPDATE ledger_account SET non_negative = 0"))


def unbalanced_seal():
    head_sequence, head_hash = (
        connection.cursor()
        .execute("SELECT last_sequence, last_hash FROM ledger_chainhead")
        .fetchone()
    )
    raw(
        "INSERT INTO ledger_journalentry (sequence, idempotency_key, effective_date, description, "
        "cause, posted_at, content_digest, previous_hash, hash, sealed) VALUES "
        "(%s, 'raw', '2026-01-15', 'raw', '', '2026-01-15 00:00:00', '', %s, 'h', 0)",
        [head_sequence + 1, head_hash],
    )
    entry_id = connection.cursor().execute("SELECT max(id) FROM ledger_journalentry").fetchone()[0]
    accounts = dict(connection.cursor().execute("SELECT code, id FROM ledger_account").fetchall())
    raw(
        "INSERT INTO ledger_posting (entry_id, account_id, commodity_id, effective_date, "
        "amount_minor) VALUES (%s, %s, 'CNY', '2026-01-15', 5)",
        [entry_id, accounts["region"]],
    )
    raw("UPDATE ledger_journalentry SET sealed = 1 WHERE id = %s", [entry_id])


attempt("seal unbalanced", unbalanced_seal)


def closed_period():
    """January 2026 closed (maker-checker), then an entry dated in it; a later one passes."""
    users = get_user_model().objects
    maker, checker = users.create(username="maker"), users.create(username="checker")
    PeriodClose.objects.create(
        action="close",
        status="approved",
        start=date(2026, 1, 1),
        end=date(2026, 1, 31),
        proposed_by=maker,
        decided_by=checker,
        decided_at=timezone.now(),
    )
    attempt(
        "decided close edited", lambda: raw("UPDATE ledger_periodclose SET status = 'rejected'")
    )
    attempt("closed period", lambda: post_entry(spec=spec("late", "region", "fund", "1.00")))
    feb = EntrySpec(
        "feb", date(2026, 2, 1), "t", [Leg.debit("fund", "1.00"), Leg.credit("equity", "1.00")]
    )
    attempt("open period", lambda: post_entry(spec=feb))


closed_period()
outcome["balances"] = dict(
    connection.cursor()
    .execute("SELECT code, balance_minor FROM ledger_account ORDER BY code")
    .fetchall()
)
outcome["verified"] = verify_ledger().ok
print(json.dumps(outcome))
