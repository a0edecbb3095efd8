"""Reads of settled money: posted runs, their transfers, money per region and channel.

The one place that says which runs count as posted (settlement.states.POSTED) for
a reader and how a region's CNY received and paid per channel is added up: the
settlement summary and comparison, the supervision evaluation and the portal read
it here.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum

from compensation import accounts
from compensation.models import RunTransfer, SettlementRun
from compensation.quantities import cny
from compensation.settlement.states import POSTED


@dataclass(frozen=True)
class RegionMoney:
    """CNY a region received and paid (each ≥ 0, to the fen) in one channel."""

    received: Decimal
    paid: Decimal

    @property
    def net(self) -> Decimal:
        return self.received - self.paid


# A run's run-wide JSON: hundreds of KB on a national run (a summary per region, the pinned
# input ids). A list whose rows carry their run leaves these out, or every row decodes them.
RUN_WIDE = ("summary", "pinned_inputs", "overrides")


def run_wide(relation: str = "run") -> list[str]:
    """The paths of RUN_WIDE under `relation` ("run", "run__corrects", "" for the run itself),
    for `QuerySet.defer()` on rows that select their run but do not show its summary."""
    return [f"{relation}__{name}" if relation else name for name in RUN_WIDE]


def posted_runs(**filters) -> QuerySet[SettlementRun]:
    """Runs posted to the ledger (statements issued or not), filtered by `filters`."""
    return SettlementRun.objects.filter(status__in=POSTED, **filters)


def posted_transfers(**filters) -> QuerySet[RunTransfer]:
    """Transfers of posted runs, filtered by `filters` (RunTransfer lookups)."""
    return RunTransfer.objects.filter(run__status__in=POSTED, **filters)


def region_channel_money(
    transfers: QuerySet[RunTransfer], *, region: str | None = None
) -> dict[tuple[str, str], RegionMoney]:
    """(region code, channel) -> RegionMoney over the CNY of `transfers` (any runs).

    A transfer counts as received by its payee region and paid by its payer region
    (money without a region side, e.g. central or a buyer, counts for no region); with
    `region`, only that region's rows. Pairs with no money are absent.
    """
    money = transfers.filter(commodity=accounts.CNY).order_by()
    sides = {"payee_region": defaultdict(Decimal), "payer_region": defaultdict(Decimal)}
    for side, totals in sides.items():
        rows = money.exclude(**{side: ""})
        if region is not None:
            rows = rows.filter(**{side: region})
        for row in rows.values(side, "channel").annotate(total=Sum("amount")):
            totals[(row[side], row["channel"])] += row["total"]
    received, paid = sides["payee_region"], sides["payer_region"]
    return {
        key: RegionMoney(cny(received[key]), cny(paid[key])) for key in set(received) | set(paid)
    }
