"""A transfer a channel proposes and a settlement run books: ProposedTransfer."""

from dataclasses import dataclass, field
from decimal import Decimal

from compensation.accounts import AccountRef


@dataclass(frozen=True)
class ProposedTransfer:
    """One movement to book: the payer's balance goes down by `amount`, the payee's up.

    `payer_account` and `payee_account` are the accounts themselves (AccountRef); a stored
    RunTransfer keeps only their codes, as `payer` and `payee`.

    `key` identifies the transfer within its channel and period (stable across
    recalculations), so a settlement run derives its idempotency key from it.
    """

    channel: str
    key: str
    payer_account: AccountRef
    payee_account: AccountRef
    amount: Decimal
    description: str
    payer_region: str = ""
    payee_region: str = ""
    inputs: dict = field(default_factory=dict, compare=False)

    @property
    def commodity(self) -> str:
        return self.payer_account.commodity

    def __post_init__(self):
        if self.payer_account.commodity != self.payee_account.commodity:
            raise ValueError("A transfer moves one commodity.")
        if self.payer_account.debit_normal != self.payee_account.debit_normal:
            raise ValueError("A transfer moves between accounts with the same normal side.")
        if self.amount <= 0:
            raise ValueError(f"Transfer {self.key} has a non-positive amount {self.amount}.")
