"""Settlement periods written the way officials write them: 2024, 2024H1, 2024Q1, 2024-03."""

import calendar
import re
from dataclasses import dataclass
from datetime import date

from compensation.exceptions import ChannelInputError


@dataclass(frozen=True)
class Period:
    """A settlement period, both ends included.

    The annual channels (vertical, horizontal) settle a calendar year in the
    period that contains its 31 December, so monthly and quarterly pilots pay
    them once a year, in their December run.
    """

    start: date
    end: date

    def __post_init__(self):
        if self.end < self.start:
            raise ChannelInputError(
                f"The period ends ({self.end}) before it starts ({self.start})."
            )

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(date(year, 1, 1), date(year, 12, 31))

    @property
    def settled_year(self) -> int | None:
        """The calendar year whose annual transfers fall in this period, if any."""
        years = [
            y for y in range(self.start.year, self.end.year + 1) if date(y, 12, 31) <= self.end
        ]
        return years[-1] if years else None

    def __str__(self):
        return f"{self.start.isoformat()}/{self.end.isoformat()}"


_FORMS = [
    (re.compile(r"^(\d{4})$"), lambda y: (date(y, 1, 1), date(y, 12, 31))),
    (re.compile(r"^(\d{4})H([12])$"), lambda y, h: (date(y, 6 * h - 5, 1), _month_end(y, 6 * h))),
    (re.compile(r"^(\d{4})Q([1-4])$"), lambda y, q: (date(y, 3 * q - 2, 1), _month_end(y, 3 * q))),
    (re.compile(r"^(\d{4})-(\d{2})$"), lambda y, m: (date(y, m, 1), _month_end(y, m))),
]
EARLIEST, LATEST = 2000, 2100


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_period(text: str) -> Period:
    """A period from '2024', '2024H1', '2024Q1' or '2024-03'."""
    cleaned = text.strip().upper()
    for pattern, bounds in _FORMS:
        match = pattern.match(cleaned)
        if match is None:
            continue
        numbers = [int(group) for group in match.groups()]
        if not EARLIEST <= numbers[0] <= LATEST:
            raise ChannelInputError(f"Period {text!r}: the year is outside {EARLIEST}..{LATEST}.")
        try:
            return Period(*bounds(*numbers))
        except ValueError:
            break
    raise ChannelInputError(
        f"Period {text!r} is not a year (2024), half (2024H1), quarter (2024Q1) or month (2024-03)."
    )


def label(period: Period) -> str:
    start, end = period.start, period.end
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return str(start.year)
    if start.day == 1 and end == _month_end(start.year, start.month):
        return f"{start.year}-{start.month:02d}"
    if start.day == 1 and start.month in (1, 7) and end == _month_end(start.year, start.month + 5):
        return f"{start.year}H{(start.month + 5) // 6}"
    if (
        start.day == 1
        and (start.month - 1) % 3 == 0
        and end == _month_end(start.year, start.month + 2)
    ):
        return f"{start.year}Q{(start.month + 2) // 3}"
    return str(period)


def previous_period(frequency: str, today: date) -> Period:
    """The last complete period before `today` for a monthly, quarterly or yearly pilot."""
    if frequency == "monthly":
        year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
        return Period(date(year, month, 1), _month_end(year, month))
    if frequency == "quarterly":
        quarter = (today.month - 1) // 3
        year, quarter = (today.year, quarter) if quarter else (today.year - 1, 4)
        return Period(date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter))
    return Period.year(today.year - 1)
