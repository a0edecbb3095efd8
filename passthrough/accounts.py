"""The ledger accounts pass-through books into, named here.

Each recipient has a CNY control account `cny:recipient:<id>` (owner
`recipient:<id>`, no postings of its own); each line of a posted plan is a
sub-account of it, `cny:recipient:<id>:line:<line id>`, credit-normal, whose
balance is what the plan made due to the recipient on that line. The region's
channel accounts (compensation.accounts.region_cny) are debited by what it
passes on.
"""

from dataclasses import replace

from compensation.accounts import AccountRef
from ledger.commodities import CNY
from ledger.models import Account
from ledger.services import open_accounts


def recipient_owner(recipient_id: int) -> str:
    return f"recipient:{recipient_id}"


def recipient_cny(recipient_id: int) -> AccountRef:
    """A recipient's control account: the parent of its lines' sub-accounts."""
    return AccountRef(
        code=f"cny:recipient:{recipient_id}",
        name=f"recipient {recipient_id} pass-through",
        type=Account.Type.LIABILITY,
        commodity=CNY,
        owner=recipient_owner(recipient_id),
    )


def line_cny(recipient_id: int, line_id: int) -> AccountRef:
    """The sub-account of one plan line: what that line made due to the recipient."""
    return AccountRef(
        code=f"cny:recipient:{recipient_id}:line:{line_id}",
        name=f"recipient {recipient_id} due on line {line_id}",
        type=Account.Type.LIABILITY,
        commodity=CNY,
        owner=recipient_owner(recipient_id),
    )


def open_lines(lines) -> None:
    """Open each line's sub-account under its recipient's control account (idempotent)."""
    parents = {line.recipient_id: recipient_cny(line.recipient_id) for line in lines}
    open_accounts([ref.spec() for ref in parents.values()])
    open_accounts(
        [
            replace(
                line_cny(line.recipient_id, line.pk).spec(), parent=parents[line.recipient_id].code
            )
            for line in lines
        ]
    )
