"""One exception per kind of failure in valuation, each naming what to fix."""


class CompensationError(Exception):
    """Base class: nothing was written."""


class PriceGap(CompensationError):
    """No price in force for a market on a date."""


class ValuationInputError(CompensationError):
    """The data a valuation needs is missing or inconsistent; the message lists every item."""


class ChannelInputError(CompensationError):
    """A channel's inputs are missing or inconsistent; the message names each problem."""


class BooksClosed(CompensationError):
    """The ledger is closed (结账) for the date of what would be booked; the message names
    the period and what to do (ledger.periods)."""


class TonnesUnavailable(CompensationError):
    """A channel claims sink tonnes that are not available (already paid for, or never verified)."""


class CreditError(CompensationError):
    """A credit operation is refused: unknown or unavailable units, or units that may not move."""


class VerificationRefused(CompensationError):
    """A sink-verification step is refused: wrong state, wrong user, or a request already open."""
