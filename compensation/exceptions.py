"""One exception per kind of failure in valuation, each naming what to fix."""


class CompensationError(Exception):
    """Base class: nothing was written."""


class PriceGap(CompensationError):
    """No price in force for a market on a date."""


class ValuationInputError(CompensationError):
    """The data a valuation needs is missing or inconsistent; the message lists every item."""
