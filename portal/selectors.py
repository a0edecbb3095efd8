"""What the pages read: positions, money flows, balances over time, a region's overview."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils.translation import gettext

from compensation import accounts, parties
from compensation.models import RunTransfer, Statement, Valuation
from compensation.quantities import cny, tonnes
from compensation.selectors import posted_runs as posted
from compensation.selectors import posted_transfers, run_wide
from compensation.sinks import sink_report
from ledger.selectors import balance_series, owner_balances
from pilots.models import LandUseClass, PlanningVersion, Zone

NO_MONEY = cny(Decimal(0))


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


def money_flows(run) -> list[tuple[str, str, str, Decimal]]:
    """(payer, channel, payee, amount) of the run's money, summed per pair."""
    rows = (
        RunTransfer.objects.filter(run=run, commodity=accounts.CNY)
        .values("payer", "channel", "payee")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    names = parties.labels([c for r in rows for c in (r["payer"], r["payee"])])
    return [
        (names[r["payer"]], r["channel"], names[r["payee"]], cny(Decimal(r["total"]))) for r in rows
    ]


def balances_over_time(regions, *, lines: int = 8) -> dict[str, list[tuple[date, Decimal]]]:
    """Each region's CNY balance (all channels) after every posting date, by region name.

    {name: [(date, Decimal with 2 places), ...]}; from `ledger.selectors.balance_series`.
    With more than `lines` regions, the `lines` - 1 with the largest last balance (either
    sign) keep their line and the others are summed into one, named "N other regions
    (total)": a chart of thousands of lines cannot be read.
    """
    owners = {
        accounts.region_owner(code): name for code, name in regions.values_list("code", "name")
    }
    series = {
        owners[owner]: points
        for owner, points in balance_series(commodity=accounts.CNY, owners=owners).items()
    }
    if len(series) <= lines:
        return series
    ranked = sorted(series, key=lambda name: (-abs(series[name][-1][1]), name))
    rest = ranked[lines - 1 :]
    label = gettext("%(n)s other regions (total)") % {"n": len(rest)}
    return {name: series[name] for name in ranked[: lines - 1]} | {
        label: _summed([series[name] for name in rest])
    }


def _summed(many: list[list[tuple[date, Decimal]]]) -> list[tuple[date, Decimal]]:
    """The sum of cumulative balance series: at each of their dates, every series' balance
    then (its last point on or before the date, nothing before its first)."""
    changes = defaultdict(Decimal)
    for points in many:
        before = Decimal(0)
        for day, balance in points:
            changes[day] += balance - before
            before = balance
    total, summed = Decimal(0), []
    for day in sorted(changes):
        total += changes[day]
        summed.append((day, total))
    return summed


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
        channel: sum((v for k, v in balances.items() if k.endswith(f":{channel}")), NO_MONEY)
        for channel in accounts.CHANNELS
    }
    transfers = list(
        posted_transfers()
        .filter(Q(payer_region=region.code) | Q(payee_region=region.code))
        .select_related("run", "entry")
        .defer(*run_wide())
        .order_by("-entry__sequence")[:50]
    )
    names = parties.labels([c for t in transfers for c in (t.payer, t.payee)])
    for transfer in transfers:
        transfer.payer_label, transfer.payee_label = names[transfer.payer], names[transfer.payee]
    statements = (
        Statement.objects.filter(region=region, status=Statement.Status.ISSUED)
        .select_related("run__programme")
        .defer("data", *run_wide())
        .order_by("-run__period_end")
    )
    positions = (
        region.regionposition_set.filter(valuation__current=True)
        .select_related("valuation__programme")
        .order_by("-valuation__year")
    )
    return {
        "balances": by_channel,
        "total": sum(by_channel.values(), NO_MONEY),
        "transfers": transfers,
        "statements": statements,
        "positions": positions,
        "tonnes": sink_report(region_codes=[region.code]),
    }
