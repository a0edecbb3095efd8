"""Exact amounts: the one place where Decimal meets the ledger's integer minor units.

The ledger stores every amount as a signed integer count of the commodity's
smallest unit (fen for CNY, kilograms for tCO2e), so sums are exact on every
database backend (SQLite would sum NUMERIC as floating point). Conversion
refuses floats and any amount finer than the commodity allows: rounding is
the caller's decision, never the ledger's.
"""

from decimal import Context, Decimal, Inexact, InvalidOperation

from ledger.exceptions import InvalidAmount

MAX_MINOR = 2**63  # PostgreSQL bigint
MAX_DIGITS = 19  # digits of MAX_MINOR
EXACT = Context(prec=MAX_DIGITS + 2, traps=[Inexact])


def as_decimal(amount) -> Decimal:
    """A Decimal from a Decimal, an int or a decimal string; floats and garbage are refused."""
    if isinstance(amount, bool):
        raise InvalidAmount(f"Amount {amount!r} is a boolean, not a number.")
    if isinstance(amount, float):
        raise InvalidAmount(
            f"Amount {amount!r} is a binary float; pass a Decimal or a decimal string."
        )
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidAmount(f"Amount {amount!r} is not a decimal number.") from None
    if not value.is_finite():
        raise InvalidAmount(f"Amount {amount!r} is not finite.")
    return value


def to_minor(amount, *, decimal_places: int) -> int:
    """Convert a Decimal (or an int, or a decimal string) to integer minor units."""
    value = as_decimal(amount)
    if value.adjusted() >= MAX_DIGITS - decimal_places:
        raise InvalidAmount(f"Amount {value} is too large for the ledger.")
    # Exact arithmetic or an error: Inexact is trapped, so nothing is ever rounded here.
    try:
        scaled = value.scaleb(decimal_places, context=EXACT)
        minor = scaled.to_integral_exact(context=EXACT)
    except Inexact:
        raise InvalidAmount(
            f"Amount {value} has more than {decimal_places} decimal places; round it first."
        ) from None
    if abs(minor) >= MAX_MINOR:
        raise InvalidAmount(f"Amount {value} is too large for the ledger.")
    return int(minor)


def from_minor(minor: int, *, decimal_places: int) -> Decimal:
    """Convert integer minor units back to a Decimal with exactly `decimal_places` places."""
    return Decimal(int(minor)).scaleb(-decimal_places).quantize(Decimal(1).scaleb(-decimal_places))
