"""The rounding rules for tonnes, money and hectares, in one place.

Places come from one table, `ledger.commodities.PLACES` (CNY 2, tCO2e 3, as the
ledger's Commodity rows), and hectares from `pilots.fields` (4, one square
metre). Everything is rounded half to even (banker's rounding) only once, at
the end of each computation; carbon is converted to CO2 by the exact ratio
44/12, never by a rounded 3.667.
"""

from decimal import ROUND_HALF_EVEN, Context, Decimal

from ledger.commodities import CNY, TCO2E, quantum
from pilots.fields import HECTARE_PLACES

TONNES = quantum(TCO2E)
FEN = quantum(CNY)
HECTARES = Decimal(1).scaleb(-HECTARE_PLACES)
_WIDE = Context(prec=50)


def quantize(value: Decimal, commodity: str) -> Decimal:
    """`value` rounded half to even to the commodity's places; KeyError for an unknown code."""
    return value.quantize(quantum(commodity), rounding=ROUND_HALF_EVEN)


def tonnes(value: Decimal) -> Decimal:
    """tCO2e to the kilogram (3 places)."""
    return quantize(value, TCO2E)


def cny(value: Decimal) -> Decimal:
    """CNY to the fen (2 places)."""
    return quantize(value, CNY)


def hectares(square_metres) -> Decimal:
    """Square metres (a number or a decimal string) as hectares to 4 places (one m²)."""
    return (Decimal(square_metres) / 10000).quantize(HECTARES, rounding=ROUND_HALF_EVEN)


def co2e_per_ha(value: Decimal, *, unit: str) -> Decimal:
    """A coefficient in tCO2e/ha/yr; t C is converted by exactly 44/12 at 50 digits."""
    if unit == "tC/ha/yr":
        return _WIDE.divide(_WIDE.multiply(value, Decimal(44)), Decimal(12))
    return value


def sink_tonnes(*, area_ha: Decimal, coefficient_tco2e: Decimal) -> Decimal:
    return tonnes(_WIDE.multiply(area_ha, coefficient_tco2e))
