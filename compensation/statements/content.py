"""The content of a statement, computed from the ledger as it stood at the run's last entry.

Everything is plain JSON (amounts as strings with their commodity's places),
so the content serialises the same way every time: its SHA-256 is the
statement's digest. Regenerating a statement from the same ledger gives the
same content and digest, whatever was posted later.
"""

import hashlib
import json
from collections import defaultdict
from decimal import Decimal

from django.db.models import Q

from compensation import accounts
from compensation.models import RunTransfer, SettlementRun, Valuation
from compensation.quantities import quantize
from ledger.models import JournalEntry
from ledger.selectors import owner_balances_at

FORMAT = "tanhui-statement/1"
ZERO = quantize(Decimal(0), accounts.CNY)


def canonical(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def digest_of(data: dict) -> str:
    return hashlib.sha256(canonical(data)).hexdigest()


def _amount(value, commodity) -> str:
    return str(quantize(Decimal(value), commodity))


def ledger_span(run: SettlementRun) -> tuple[int, int, str]:
    """First and last entry sequence of the run's posting, and the chain hash at the last."""
    entries = JournalEntry.objects.filter(idempotency_key__startswith=f"{run.key_prefix}:")
    first = entries.order_by("sequence").values_list("sequence", flat=True).first()
    last = entries.order_by("-sequence").values_list("sequence", "hash").first()
    if first is None:
        raise ValueError(f"Run {run.pk} has no ledger entries; post it first.")
    return first, last[0], last[1]


def _header(run: SettlementRun, span) -> dict:
    valuation = (
        Valuation.objects.filter(pk=run.summary.get("valuation"))
        .select_related("methodology_version__methodology", "price__market")
        .first()
    )
    approvals = []
    for t in run.transitions.select_related("by").order_by("at", "id"):
        approvals.append(
            {
                "status": t.to_status,
                "by": t.by.get_username() if t.by_id else "",
                "name": t.by.get_full_name() if t.by_id else "",
                "at": t.at.isoformat(timespec="seconds"),
                "reason": t.reason,
            }
        )
        if t.to_status == SettlementRun.Status.POSTED:
            break
    return {
        "format": FORMAT,
        "run": {
            "id": run.pk,
            "kind": run.kind,
            "pilot": run.programme.name,
            "period_start": run.period_start.isoformat(),
            "period_end": run.period_end.isoformat(),
            "corrects": run.corrects_id,
        },
        "valuation": (
            {
                "id": valuation.pk,
                "methodology": str(valuation.methodology_version),
                "price": str(valuation.price.price),
                "price_market": valuation.price.market.code,
                "price_date": valuation.price.date.isoformat(),
                "input_hash": valuation.input_hash,
            }
            if valuation
            else None
        ),
        "history": approvals,
        "ledger": {"first_entry": span[0], "last_entry": span[1], "last_hash": span[2]},
    }


def region_content(run: SettlementRun, region) -> dict:
    """A region's statement: balances, every transfer with its inputs, and its tonnes."""
    span = ledger_span(run)
    code = region.code
    rows = (
        RunTransfer.objects.filter(run=run)
        .filter(Q(payer_region=code) | Q(payee_region=code))
        .select_related("entry")
        .order_by("entry__sequence")
    )
    transfers = []
    for row in rows:
        received = row.payee_region == code
        if row.payer_region == row.payee_region == code:
            direction = "moved"
        else:
            direction = "received" if received else "paid"
        transfers.append(
            {
                "entry": row.entry.sequence,
                "channel": row.channel,
                "direction": direction,
                "account": row.payee if received else row.payer,
                "counterparty": row.payer if received else row.payee,
                "commodity": row.commodity,
                "amount": _amount(row.amount, row.commodity),
                "description": row.description,
                "inputs": row.inputs,
            }
        )
    owner = accounts.region_owner(code)
    before = owner_balances_at(owner=owner, through_sequence=span[0] - 1)
    after = owner_balances_at(owner=owner, through_sequence=span[1])
    return {
        **_header(run, span),
        "region": {"code": code, "name": region.name},
        "balances": _money_balances(code, before, after),
        "transfers": transfers,
        "tonnes": _tonnes(after),
    }


def _money_balances(region_code: str, before: dict, after: dict) -> dict:
    """Opening and closing CNY of the region's account in each channel, of its vertical
    pass-through account when it has one, and in all of them (decimal strings), from
    balances by account code before and after the run."""
    channels = {}
    for channel in accounts.CHANNELS:
        account = accounts.region_cny(region_code, channel).code
        opening, closing = before.get(account, ZERO), after.get(account, ZERO)
        channels[channel] = {"opening": str(opening), "closing": str(closing)}
    held = dict(channels)
    result = {"channels": channels}
    # A region that pays a tier of the vertical cascade holds what it received and has not
    # passed on on its pass-through account: shown (and counted) only where it has one, so
    # other regions' statements are as they were.
    passing = accounts.region_pass_through(region_code).code
    if passing in before or passing in after:
        opening, closing = before.get(passing, ZERO), after.get(passing, ZERO)
        result["pass_through"] = held["pass"] = {"opening": str(opening), "closing": str(closing)}
    opening = sum((Decimal(c["opening"]) for c in held.values()), ZERO)
    closing = sum((Decimal(c["closing"]) for c in held.values()), ZERO)
    return {"opening": str(opening), "closing": str(closing), **result}


def _tonnes(after: dict) -> list[dict]:
    vintages: dict[int, dict] = defaultdict(dict)
    for code, balance in after.items():
        parsed = accounts.parse_sink_code(code)
        if parsed:
            _, vintage, bucket = parsed
            vintages[vintage][bucket.replace("claimed:", "claimed_")] = _amount(
                balance, accounts.TCO2E
            )
    buckets = [
        "verified",
        "available",
        *(f"claimed_{c}" for c in accounts.CHANNELS),
        "buffer",
        "retired",
        "cancelled",
    ]
    return [
        {"vintage": vintage, **{b: vintages[vintage].get(b, "0.000") for b in buckets}}
        for vintage in sorted(vintages)
    ]


def summary_content(run: SettlementRun) -> dict:
    """The run's summary for finance officials: totals per channel, every region's net."""
    span = ledger_span(run)
    return {
        **_header(run, span),
        "region": None,
        "totals": run.summary.get("channels", {}),
        "regions": run.summary.get("regions", {}),
        "transfer_count": run.transfers.count(),
    }
