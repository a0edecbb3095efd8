"""What a run adds up to: its summary, and two runs side by side (money per region, channel)."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from compensation import accounts, selectors
from compensation.models import RunTransfer, SettlementRun, Valuation
from compensation.periods import Period
from compensation.settlement.states import POSTED, RunKind

PLACES = {accounts.CNY: Decimal("0.01"), accounts.TCO2E: Decimal("0.001")}


def summarise(run: SettlementRun) -> dict:
    """Totals per channel, and per region and channel the net received, against last period.

    Shape: {"valuation": id | None, "transfers": n, "channels": {channel: {commodity:
    "total"}}, "regions": {code: {channel: {"net", "previous", "difference"}}} (CNY,
    strings; previous and difference None without a previous posted run),
    "previous_run": id | None}.
    """
    totals = defaultdict(dict)
    for row in (
        RunTransfer.objects.filter(run=run)
        .values("channel", "commodity")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        places = PLACES[row["commodity"]]
        totals[row["channel"]][row["commodity"]] = str(Decimal(row["total"]).quantize(places))
    nets = region_nets(run)
    previous = previous_posted(run)
    before = region_nets(previous) if previous else {}
    regions = {}
    for (code, channel), net in sorted(nets.items()):
        last = before.get((code, channel))
        regions.setdefault(code, {})[channel] = {
            "net": str(net),
            "previous": str(last) if last is not None else None,
            "difference": str(net - last) if last is not None else None,
        }
    valuation = (
        Valuation.objects.filter(
            programme=run.programme,
            year=Period(run.period_start, run.period_end).end.year,
            current=True,
        )
        .values_list("pk", flat=True)
        .first()
    )
    return {
        "valuation": valuation,
        "transfers": run.transfers.count(),
        "channels": dict(totals),
        "regions": regions,
        "previous_run": previous.pk if previous else None,
    }


def region_nets(run: SettlementRun) -> dict[tuple[str, str], Decimal]:
    """(region code, channel) -> CNY the region received net of what it paid in `run`."""
    money = selectors.region_channel_money(RunTransfer.objects.filter(run=run))
    return {key: flows.net for key, flows in money.items()}


def previous_posted(run: SettlementRun) -> SettlementRun | None:
    """The latest posted regular or correction run of the pilot before `run`'s period."""
    return (
        SettlementRun.objects.filter(
            programme=run.programme,
            period_end__lt=run.period_start,
            status__in=POSTED,
            kind__in=[RunKind.REGULAR, RunKind.CORRECTION],
        )
        .order_by("-period_end", "-posted_at")
        .first()
    )


@dataclass(frozen=True)
class ComparisonRow:
    region: str
    channel: str
    first: Decimal
    second: Decimal

    @property
    def difference(self) -> Decimal:
        return self.second - self.first


def compare(first: SettlementRun, second: SettlementRun) -> list[ComparisonRow]:
    """Side by side, per region and channel: the money each run gives the region, net."""
    a, b = region_nets(first), region_nets(second)
    zero = Decimal("0.00")
    return [
        ComparisonRow(code, channel, a.get((code, channel), zero), b.get((code, channel), zero))
        for code, channel in sorted(set(a) | set(b))
    ]
