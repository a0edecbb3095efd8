"""What the pages read: positions, money flows, balances over time, a region's overview."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Q, Sum

from compensation import accounts
from compensation.models import RunTransfer, Statement, Valuation
from compensation.quantities import tonnes
from compensation.selectors import posted_runs as posted
from compensation.selectors import posted_transfers
from compensation.sinks import sink_report
from ledger.amounts import from_minor
from ledger.models import Posting
from ledger.selectors import owner_balances
from pilots.models import LandUseClass, PlanningVersion, Region, Zone


def current_valuation(programme) -> Valuation | None:
    return (
        Valuation.objects.filter(programme=programme, current=True)
        .select_related("methodology_version", "price__market")
        .order_by("-year")
        .first()
    )


def positions(valuation) -> list:
    return list(valuation.positions.select_related("region").order_by("region__code"))


def posted_runs(programme):
    return posted(programme=programme).order_by("-period_end", "-pk")


def account_label(code: str, names: dict) -> str:
    kind, key = accounts.party_of(code)
    if kind == "region":
        return names.get(key, key)
    if kind == "central":
        return "中央 central"
    if kind == "agreement":
        return f"协议资金 fund {key}"
    return f"买方 buyer {key}"


def money_flows(run) -> list[tuple[str, str, str, Decimal]]:
    """(payer, channel, payee, amount) of the run's money, summed per pair."""
    rows = (
        RunTransfer.objects.filter(run=run, commodity=accounts.CNY)
        .values("payer", "channel", "payee")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    parties = {accounts.party_of(c) for r in rows for c in (r["payer"], r["payee"])}
    codes = {key for kind, key in parties if kind == "region"}
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    return [
        (
            account_label(r["payer"], names),
            r["channel"],
            account_label(r["payee"], names),
            Decimal(r["total"]),
        )
        for r in rows
    ]


def balances_over_time(regions) -> dict[str, list]:
    """Each region's CNY balance (all channels) after every posting date."""
    owners = {accounts.region_owner(r.code): r.name for r in regions}
    daily = (
        Posting.objects.filter(account__owner__in=owners, commodity_id=accounts.CNY)
        .values("account__owner", "effective_date")
        .annotate(total=Sum("amount_minor"))
        .order_by("effective_date")
    )
    series, running = defaultdict(list), defaultdict(int)
    for row in daily:
        owner = row["account__owner"]
        # Region money accounts are credit-normal: a credit (negative minor) raises the balance.
        running[owner] -= row["total"]
        series[owners[owner]].append(
            (row["effective_date"], from_minor(running[owner], decimal_places=2))
        )
    return dict(series)


def valuation_breakdown(valuation) -> list[tuple[str, Decimal]]:
    rows = (
        valuation.lines.values("land_use_code")
        .annotate(tonnes=Sum("tco2e"))
        .order_by("land_use_code")
    )
    scheme = valuation.methodology_version.scheme
    names = dict(LandUseClass.objects.filter(scheme=scheme).values_list("code", "name_zh"))
    return [
        (f"{r['land_use_code']} {names.get(r['land_use_code'], '')}", tonnes(Decimal(r["tonnes"])))
        for r in rows
    ]


def region_zones(region) -> list[Zone]:
    """Zones of the region's latest published planning version (or latest version)."""
    versions = PlanningVersion.objects.filter(region=region).order_by("-published", "-version")
    version = versions.first()
    if version is None:
        return []
    return list(Zone.objects.filter(planning_version=version).order_by("kind", "pk"))


def region_overview(region) -> dict:
    owner = accounts.region_owner(region.code)
    balances = owner_balances(owner=owner, commodity=accounts.CNY)
    by_channel = {
        channel: sum((v for k, v in balances.items() if k.endswith(f":{channel}")), Decimal("0.00"))
        for channel in accounts.CHANNELS
    }
    transfers = list(
        posted_transfers()
        .filter(Q(payer_region=region.code) | Q(payee_region=region.code))
        .select_related("run", "entry")
        .order_by("-entry__sequence")[:50]
    )
    codes = {c for t in transfers for c in (t.payer_region, t.payee_region) if c}
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    for transfer in transfers:
        transfer.payer_label = account_label(transfer.payer, names)
        transfer.payee_label = account_label(transfer.payee, names)
    statements = (
        Statement.objects.filter(region=region, status=Statement.Status.ISSUED)
        .select_related("run__programme")
        .order_by("-run__period_end")
    )
    positions = (
        region.regionposition_set.filter(valuation__current=True)
        .select_related("valuation__programme")
        .order_by("-valuation__year")
    )
    return {
        "balances": by_channel,
        "total": sum(by_channel.values(), Decimal("0.00")),
        "transfers": transfers,
        "statements": statements,
        "positions": positions,
        "tonnes": sink_report(region_codes=[region.code]),
    }
