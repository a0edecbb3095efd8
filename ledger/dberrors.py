"""Turn the database's refusals into the ledger's own exceptions.

Triggers (ledger/sql/) start every refusal with a LEDGER_* code; the same
codes are used on PostgreSQL and SQLite, so one mapping serves both.
"""

from contextlib import contextmanager

from django.db import DatabaseError, IntegrityError

from ledger import exceptions

_CODES = {
    "LEDGER_UNBALANCED": exceptions.UnbalancedEntry,
    "LEDGER_NEGATIVE": exceptions.NegativeBalance,
    "LEDGER_IMMUTABLE": exceptions.ImmutableRecord,
    "LEDGER_INVALID": exceptions.InvalidEntry,
    "LEDGER_CHAIN": exceptions.BrokenChain,
}
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
        for code, exception_type in _CODES.items():
            if message.startswith(code):
                raise exception_type(message.removeprefix(code + ": ")) from exc
        if isinstance(exc, IntegrityError):
            for column, (exception_type, text) in _UNIQUE.items():
                if column in message:
                    raise exception_type(f"Refused by the database: {text}.") from exc
        raise
