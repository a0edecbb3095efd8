"""The dual-carbon evaluation of a region and year (双碳评价), as data a page or a PDF shows.

Addition (增汇): the protected sink and its increment. Subtraction (减排):
emissions and their change. Then the net position and its trend, how much of
the region each protected kind covers, what changed and what was alerted,
and the compensation the region received and paid by channel, and what its
plans passed on to recipients fell due in the year: paid, outstanding, late.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone

from compensation.accounts import CHANNELS
from compensation.models import EmissionInventory, RegionPosition
from compensation.quantities import cny, hectares
from compensation.selectors import RegionMoney, posted_transfers, region_channel_money
from passthrough import obligations
from pilots.geometry import area_km2
from pilots.models import PilotMembership, PlanningVersion, Region, Zone
from supervision.models import Alert, ChangeDetection

PERCENT = Decimal("0.01")
# The years an evaluation is made for (pages and links outside them are "not found").
YEARS = range(2000, 2101)


@dataclass
class Evaluation:
    region: Region
    year: int
    position: RegionPosition | None
    previous: RegionPosition | None
    trend: list[tuple[int, Decimal]]
    emissions: Decimal | None
    emissions_before: Decimal | None
    region_ha: Decimal
    plan: PlanningVersion | None
    shares: list[tuple[str, str, Decimal, Decimal]]  # kind, label, ha, percent
    detections: list[ChangeDetection]
    alerts: list[Alert]
    compensation: list[tuple[str, Decimal, Decimal]]  # channel, received, paid
    # Lines of sub-allocation plans due this year, read today (passthrough.obligations).
    pass_through: obligations.YearSummary

    @property
    def increment(self) -> Decimal | None:
        if self.position is None or self.previous is None:
            return None
        return self.position.sink_tco2e - self.previous.sink_tco2e

    @property
    def role(self) -> str:
        """Protector or beneficiary, as the net position makes the region, translated."""
        return PilotMembership.Role(self.position.role).label if self.position else ""

    @property
    def emissions_change(self) -> Decimal | None:
        if self.emissions is None or self.emissions_before is None:
            return None
        return self.emissions - self.emissions_before

    @property
    def received(self) -> Decimal:
        return sum((r for _, r, _ in self.compensation), cny(Decimal(0)))

    @property
    def paid(self) -> Decimal:
        return sum((p for _, _, p in self.compensation), cny(Decimal(0)))


def evaluate(*, region: Region, year: int) -> Evaluation:
    positions = positions_by_year(region)
    position, previous = positions.get(year), positions.get(year - 1)
    plan = (
        PlanningVersion.objects.filter(
            region=region, published=True, effective_from__lte=date(year, 12, 31)
        )
        .order_by("-version")
        .first()
    )
    region_ha = area_km2(region.geometry) * 100
    return Evaluation(
        region=region,
        year=year,
        position=position,
        previous=previous,
        trend=[(y, p.net_tco2e) for y, p in sorted(positions.items()) if y <= year],
        emissions=position.emission_tco2e if position else _inventory(region, year),
        emissions_before=previous.emission_tco2e if previous else _inventory(region, year - 1),
        region_ha=region_ha,
        plan=plan,
        shares=_shares(plan, region_ha) if plan else [],
        detections=_detections(region, year),
        alerts=list(
            Alert.objects.filter(region=region, year=year)
            .select_related("rule", "acknowledged_by")
            .order_by("raised_at")
        ),
        compensation=_compensation(region, year),
        pass_through=obligations.due_in_year(region, year, on=timezone.localdate()),
    )


def positions_by_year(region) -> dict[int, RegionPosition]:
    """Per year, the region's position in the latest current valuation covering it."""
    by_year = {}
    positions = RegionPosition.objects.filter(region=region, valuation__current=True)
    for position in positions.select_related("valuation").order_by("valuation__pk"):
        by_year[position.valuation.year] = position
    return by_year


def _inventory(region, year) -> Decimal | None:
    inventory = EmissionInventory.objects.filter(region=region, year=year).first()
    return inventory.tco2e if inventory else None


def _shares(plan, region_ha):
    totals = defaultdict(Decimal)
    for zone in plan.zones.all():
        totals[zone.kind] += zone.area_km2 * 100
    return [
        (kind.value, kind.label, totals[kind], (totals[kind] * 100 / region_ha).quantize(PERCENT))
        for kind in Zone.Kind
        if kind in totals
    ]


def _detections(region, year):
    """The year's detections, with their tables laid out for reading."""
    detections = ChangeDetection.objects.filter(region=region).select_related(
        "before_version", "after_version"
    )
    chosen = [d for d in detections.order_by("subject", "pk") if d.year == year]
    for detection in chosen:
        if detection.subject == ChangeDetection.Subject.PLANNING:
            detection.kind_rows = [(Zone.Kind(k).label, f) for k, f in detection.areas.items()]
        else:
            detection.matrix = transition_matrix(detection)
    return chosen


def transition_matrix(detection) -> list[tuple[str, list[Decimal]]]:
    """Rows (from class) of hectares per column (to class), classes as in the detection."""
    cells = {(t.from_code, t.to_code): t.area_ha for t in detection.transitions.all()}
    codes = list(detection.areas)
    zero = hectares(0)
    return [(f, [cells.get((f, t), zero) for t in codes]) for f in codes]


def _compensation(region, year):
    """(channel, CNY received, CNY paid) of the region in runs posted for periods ending in
    `year`, for every channel."""
    money = region_channel_money(posted_transfers(run__period_end__year=year), region=region.code)
    none = RegionMoney(Decimal("0.00"), Decimal("0.00"))
    flows = [(channel, money.get((region.code, channel), none)) for channel in CHANNELS]
    return [(channel, flow.received, flow.paid) for channel, flow in flows]
