"""Periods as officials write them, and the last complete period a schedule settles."""

from datetime import date

import pytest

from compensation.exceptions import ChannelInputError
from compensation.periods import Period, label, parse_period, previous_period


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2024", date(2024, 1, 1), date(2024, 12, 31)),
        ("2024H2", date(2024, 7, 1), date(2024, 12, 31)),
        ("2024q1", date(2024, 1, 1), date(2024, 3, 31)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
    ],
)
def test_periods_parse_and_label(text, start, end):
    period = parse_period(text)

    assert (period.start, period.end) == (start, end)
    assert parse_period(label(period)) == period


@pytest.mark.parametrize("text", ["2024Q5", "2024-13", "24", "1899", "2024/03", ""])
def test_bad_periods_are_refused(text):
    with pytest.raises(ChannelInputError):
        parse_period(text)


@pytest.mark.parametrize(
    ("frequency", "today", "expected"),
    [
        ("monthly", date(2026, 1, 5), "2025-12"),
        ("monthly", date(2026, 11, 25), "2026-10"),
        ("quarterly", date(2026, 2, 1), "2025Q4"),
        ("quarterly", date(2026, 11, 25), "2026Q3"),
        ("yearly", date(2026, 11, 25), "2025"),
    ],
)
def test_previous_complete_period(frequency, today, expected):
    assert label(previous_period(frequency, today)) == expected


def test_only_the_period_holding_31_december_settles_the_year():
    assert parse_period("2024Q4").settled_year == 2024
    assert parse_period("2024-12").settled_year == 2024
    assert parse_period("2024Q3").settled_year is None
    assert Period(date(2024, 12, 1), date(2025, 1, 31)).settled_year == 2024
