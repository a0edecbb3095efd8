"""The commodities the books hold and their places: one table, read by every layer.

CNY is kept to the fen (2 places), tCO2e to the kilogram (3 places). The
ledger's own `Commodity` rows carry the same places (seeded by migration
0002_database_invariants; tests/ledger/test_commodities.py checks that the rows
and this table agree), so model fields (`ledger.fields`), rounding
(`compensation.quantities`) and rendering all take their places from here.
"""

from decimal import Decimal

CNY = "CNY"
TCO2E = "tCO2e"
PLACES = {CNY: 2, TCO2E: 3}
FINEST = max(PLACES.values())


def quantum(commodity: str) -> Decimal:
    """The commodity's smallest step: Decimal("0.01") for CNY; KeyError for an unknown code."""
    return Decimal(1).scaleb(-PLACES[commodity])
