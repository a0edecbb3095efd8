"""One exception type per kind of ledger failure, each with a message a user can act on."""


class LedgerError(Exception):
    """Base class: the ledger refused an operation and nothing was written."""


class InvalidAmount(LedgerError):
    """An amount is a float, not finite, or finer than its commodity's precision."""


class InvalidEntry(LedgerError):
    """An entry is malformed: fewer than two postings, a zero posting, an unknown account."""


class UnbalancedEntry(LedgerError):
    """An entry's postings do not sum to zero in every commodity."""


class NegativeBalance(LedgerError):
    """A posting would take an account that may not go negative below zero."""


class BrokenChain(LedgerError):
    """An entry does not continue the hash chain (wrong sequence or previous hash)."""


class IdempotencyConflict(LedgerError):
    """An idempotency key was used before with different content."""


class AlreadyReversed(LedgerError):
    """An entry has already been reversed; corrections are made once."""


class ImmutableRecord(LedgerError):
    """Posted entries and postings are never changed or deleted."""


class InvalidAccount(LedgerError):
    """An account cannot be opened as asked: unknown commodity or type, bad parent."""


class AccountConflict(LedgerError):
    """An account code exists with different attributes."""


class PeriodClosed(LedgerError):
    """An entry is dated in a closed period (结账); date it in an open one or reopen."""


class PeriodActRefused(LedgerError):
    """A period close or reopening cannot be proposed or decided as asked."""


class BalanceAssertionRefused(LedgerError):
    """A balance assertion cannot be recorded as given (role, places, a duplicate day)."""
