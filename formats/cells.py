"""Cells of the CSV and XLSX files Tanhui writes: text a spreadsheet must not run.

A spreadsheet reads a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some,
a tab or carriage return) as a formula, so a name typed into the system as
``=HYPERLINK(...)`` would run when an official opens a statement or a published table
(CSV injection, OWASP). Every text cell of our exports goes through ``cell()``.
"""

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A signed amount ("-1234.50") is a number to a spreadsheet, not a formula: it stays as it is.
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


def cell(value):
    """`value` for a CSV or XLSX cell: a text that would start a formula gets a leading "'".

    Anything that is not a str (Decimal, date, int, None) comes back unchanged, and so
    does a plain signed number written as text. Example: ``cell("=1+2")`` → ``"'=1+2"``,
    ``cell("-12.50")`` → ``"-12.50"``.
    """
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_START)
        and not PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def row(values) -> list:
    """cell() of each value of a row."""
    return [cell(value) for value in values]
