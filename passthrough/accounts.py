"""The ledger accounts pass-through books into, named here.

Each recipient has a CNY control account `cny:recipient:<id>` (owner
`recipient:<id>`, no postings of its own); each line of a posted plan is a
sub-account of it, `cny:recipient:<id>:line:<line id>`, credit-normal, whose
balance is what the plan made due to the recipient on that line. The region's
channel accounts (compensation.accounts.region_cny) are debited by what it
passes on.
"""

from dataclasses import replace

from django.utils.translation import gettext as _

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


def account_names(codes) -> dict[str, str]:
    """Recipient account code -> "V-01（村集体） · 转付" or "… · 第 12 行应付" in the active
    language, for the ledger's pages (ledger.naming): a recipient by its code and kind, never
    a household's name."""
    from passthrough.models import Recipient

    parsed = {}
    for code in codes:
        match code.split(":"):
            case ["cny", "recipient", recipient]:
                parsed[code] = (int(recipient), None)
            case ["cny", "recipient", recipient, "line", line]:
                parsed[code] = (int(recipient), int(line))
    recipients = Recipient.objects.in_bulk({recipient for recipient, _line in parsed.values()})
    named = {}
    for code, (recipient_id, line) in parsed.items():
        recipient = recipients.get(recipient_id)
        if recipient is None:
            continue
        who = _("%(code)s (%(kind)s)") % {
            "code": recipient.code,
            "kind": recipient.get_kind_display(),
        }
        purpose = _("pass-through") if line is None else _("due on line %(line)s") % {"line": line}
        named[code] = f"{who} · {purpose}"
    return named


def entry_descriptions(entries) -> dict[int, str]:
    """Ledger entry id -> "转付计划 #3：黄山市转付第 12 号结算的资金" for the entries of posted
    sub-allocation plans (cause "sub-allocation:<plan id>"), for ledger.naming."""
    from passthrough.models import SubAllocationPlan

    keys = {}
    for entry in entries:
        kind, _sep, key = entry.cause.partition(":")
        if kind == "sub-allocation" and key.isdigit():
            keys[entry.pk] = int(key)
    plans = SubAllocationPlan.objects.select_related("region").in_bulk(set(keys.values()))
    return {
        entry_id: _("Sub-allocation plan %(plan)s: %(region)s passes on what run %(run)s paid")
        % {"plan": plan_id, "region": plans[plan_id].region.name, "run": plans[plan_id].run_id}
        for entry_id, plan_id in keys.items()
        if plan_id in plans
    }
