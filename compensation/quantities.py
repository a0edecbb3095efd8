"""The rounding rules for tonnes and money, in one place.

Tonnes CO2e carry 3 decimals, money (CNY) 2, both rounded half to even
(banker's rounding) only once, at the end of each computation; carbon is
converted to CO2 by the exact ratio 44/12, never by a rounded 3.667.
"""

from decimal import ROUND_HALF_EVEN, Context, Decimal

TONNES = Decimal("0.001")
FEN = Decimal("0.01")
HECTARES = Decimal("0.0001")
_WIDE = Context(prec=50)


def tonnes(value: Decimal) -> Decimal:
    return value.quantize(TONNES, rounding=ROUND_HALF_EVEN)


def cny(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_HALF_EVEN)


def co2e_per_ha(value: Decimal, *, unit: str) -> Decimal:
    """A coefficient in tCO2e/ha/yr; t C is converted by exactly 44/12 at 50 digits."""
    if unit == "tC/ha/yr":
        return _WIDE.divide(_WIDE.multiply(value, Decimal(44)), Decimal(12))
    return value


def sink_tonnes(*, area_ha: Decimal, coefficient_tco2e: Decimal) -> Decimal:
    return tonnes(_WIDE.multiply(area_ha, coefficient_tco2e))
