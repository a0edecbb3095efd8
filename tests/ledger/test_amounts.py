from decimal import Decimal

import pytest

from ledger.amounts import as_decimal, from_minor, to_minor
from ledger.exceptions import InvalidAmount


@pytest.mark.parametrize(
    ("amount", "places", "minor"),
    [
        (Decimal("12.34"), 2, 1234),
        ("0.01", 2, 1),
        (7, 2, 700),
        (Decimal("-1.500"), 3, -1500),
        (Decimal("1.2300"), 2, 123),
    ],
)
def test_to_minor_is_exact(amount, places, minor):
    assert to_minor(amount, decimal_places=places) == minor


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (0.30000000000000004, "binary float"),
        (0.1, "binary float"),
        (True, "boolean"),
        ("abc", "not a decimal number"),
        (None, "not a decimal number"),
        (Decimal("NaN"), "not finite"),
        ("Infinity", "not finite"),
    ],
)
def test_non_decimal_amounts_are_refused(amount, message):
    with pytest.raises(InvalidAmount, match=message):
        as_decimal(amount)


def test_amount_finer_than_the_commodity_is_refused():
    with pytest.raises(InvalidAmount, match="more than 2 decimal places"):
        to_minor(Decimal("0.001"), decimal_places=2)


def test_amount_beyond_bigint_is_refused():
    with pytest.raises(InvalidAmount, match="too large"):
        to_minor(Decimal("1e17"), decimal_places=2)


def test_from_minor_keeps_the_commodity_places():
    assert str(from_minor(1234, decimal_places=2)) == "12.34"
    assert str(from_minor(-5, decimal_places=3)) == "-0.005"
    assert str(from_minor(0, decimal_places=2)) == "0.00"
