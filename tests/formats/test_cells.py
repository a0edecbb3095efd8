"""Export cells: a text that a spreadsheet would run as a formula is written as text."""

from datetime import date
from decimal import Decimal

import pytest

from formats.cells import cell, row


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-1234.50", "-1234.50"),
        ("+7", "+7"),
        ("黄山市", "黄山市"),
        ("", ""),
    ],
)
def test_text_that_starts_a_formula_gets_an_apostrophe(value, written):
    assert cell(value) == written


def test_values_that_are_not_text_are_left_as_they_are():
    values = [Decimal("-3.20"), date(2024, 12, 31), 7, None]

    assert row(values) == values
