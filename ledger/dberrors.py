"""Turn the database's refusals into the ledger's own exceptions.

Triggers (ledger/sql/) start every refusal with a LEDGER_* code; the same
codes are used on PostgreSQL and SQLite, so one mapping serves both.
"""

import re
from contextlib import contextmanager
from datetime import date

from django.db import DatabaseError, IntegrityError
from django.utils.translation import gettext as _

from ledger import exceptions
from ledger.periods import closed_message

_CODES = {
    "LEDGER_UNBALANCED": exceptions.UnbalancedEntry,
    "LEDGER_NEGATIVE": exceptions.NegativeBalance,
    "LEDGER_IMMUTABLE": exceptions.ImmutableRecord,
    "LEDGER_INVALID": exceptions.InvalidEntry,
    "LEDGER_CHAIN": exceptions.BrokenChain,
}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Unique indexes that back an invariant, by a column name in their message.
_UNIQUE = {
    "reverses_id": (exceptions.AlreadyReversed, "the entry has already been reversed"),
    "idempotency_key": (exceptions.IdempotencyConflict, "the idempotency key is already used"),
}


@contextmanager
def translated_database_errors():
    try:
        yield
    except DatabaseError as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        if message.startswith("LEDGER_CLOSED"):
            raise exceptions.PeriodClosed(_closed(message)) from exc
        for code, exception_type in _CODES.items():
            if message.startswith(code):
                raise exception_type(message.removeprefix(code + ": ")) from exc
        if isinstance(exc, IntegrityError):
            for column, (exception_type, text) in _UNIQUE.items():
                if column in message:
                    raise exception_type(f"Refused by the database: {text}.") from exc
        raise


def _closed(message: str) -> str:
    """The user's-language message for LEDGER_CLOSED; PostgreSQL names the period and the
    entry's date (ledger/sql/0006_period_close), SQLite does not."""
    days = [date.fromisoformat(found) for found in ISO_DATE.findall(message)]
    if len(days) == 3:
        return closed_message(*days)
    return _("The books are closed for the date of this entry; nothing was posted.")
