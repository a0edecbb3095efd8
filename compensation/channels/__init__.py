"""The three compensation channels, each behind the same interface.

    compute(programme, period) -> list[ProposedTransfer]

Computing reads parameters, agreements, valuations and the credit registry
and posts nothing; the settlement run books the transfers (see
compensation.booking). Money and tonnes are separate transfers, each in one
commodity, and every transfer keeps the formula inputs that produced it.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from compensation.accounts import AccountRef
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
        year_end = date(self.end.year, 12, 31)
        return self.end.year if self.start <= year_end <= self.end else None

    def __str__(self):
        return f"{self.start.isoformat()}/{self.end.isoformat()}"


@dataclass(frozen=True)
class ProposedTransfer:
    """One movement to book: the payer's balance goes down by `amount`, the payee's up.

    `key` identifies the transfer within its channel and period (stable across
    recalculations), so a settlement run derives its idempotency key from it.
    """

    channel: str
    key: str
    payer: AccountRef
    payee: AccountRef
    amount: Decimal
    description: str
    payer_region: str = ""
    payee_region: str = ""
    inputs: dict = field(default_factory=dict, compare=False)

    @property
    def commodity(self) -> str:
        return self.payer.commodity

    def __post_init__(self):
        if self.payer.commodity != self.payee.commodity:
            raise ValueError("A transfer moves one commodity.")
        if self.payer.debit_normal != self.payee.debit_normal:
            raise ValueError("A transfer moves between accounts with the same normal side.")
        if self.amount <= 0:
            raise ValueError(f"Transfer {self.key} has a non-positive amount {self.amount}.")
