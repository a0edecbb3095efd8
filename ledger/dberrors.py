"""Turn the database's refusals into the ledger's own exceptions.

Triggers (ledger/sql/) start every refusal with a LEDGER_* code; the same
codes are used on PostgreSQL and SQLite, so one mapping serves both.
"""

from contextlib import contextmanager

from django.db import DatabaseError

from ledger import exceptions

_CODES = {
    "LEDGER_UNBALANCED": exceptions.UnbalancedEntry,
    "LEDGER_NEGATIVE": exceptions.NegativeBalance,
    "LEDGER_IMMUTABLE": exceptions.ImmutableRecord,
    "LEDGER_INVALID": exceptions.InvalidEntry,
}


@contextmanager
def translated_database_errors():
    try:
        yield
    except DatabaseError as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        for code, exception_type in _CODES.items():
            if message.startswith(code):
                raise exception_type(message.removeprefix(code + ": ")) from exc
        raise
