"""Vertical channel: the fiscal transfer from higher government to key ecological areas.

    allocation = key subsidy + prohibited-development subsidy + guiding subsidy
                 ± assessment adjustment + carbon term
    key subsidy = max(standard expenditure − standard revenue, 0) × tier coefficient
    prohibited  = km² × rate per km² + areas × rate per area
    assessment  = (key + prohibited + guiding) × percent of the region's ΔEI class
    carbon term = verified sink tCO2e × price in force on 31 Dec × weight

If the allocations exceed the budget they are scaled pro rata so that they
add up to the budget to the fen (largest remainder). The carbon term claims
the region's verified tonnes of the year.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from compensation import accounts, sinks
from compensation.channels import Period, ProposedTransfer
from compensation.exceptions import ChannelInputError, PriceGap
from compensation.models import (
    AssessmentRule,
    EcologicalIndex,
    RegionPosition,
    Valuation,
    VerticalParameters,
)
from compensation.prices import price_in_force
from compensation.quantities import FEN, cny
from compensation.splitting import scale_to_cap
from pilots.models import PilotMembership

CHANNEL = "vertical"
HUNDRED = Decimal(100)


def ei_change_class(delta: Decimal) -> str:
    """The HJ 192-2015 class of a year-on-year change in EI."""
    Change = AssessmentRule.Change
    size = abs(delta)
    if size < 1:
        return Change.NONE
    if size < 3:
        return Change.SLIGHT_BETTER if delta > 0 else Change.SLIGHT_WORSE
    if size < 8:
        return Change.OBVIOUS_BETTER if delta > 0 else Change.OBVIOUS_WORSE
    return Change.LARGE_BETTER if delta > 0 else Change.LARGE_WORSE


EI_GRADES = {
    "excellent": _lazy("excellent"),
    "good": _lazy("good"),
    "fair": _lazy("fair"),
    "poor": _lazy("poor"),
    "bad": _lazy("bad"),
}


def ei_grade(value: Decimal) -> str:
    """The HJ 192-2015 grade of an EI value."""
    for floor, grade in ((75, "excellent"), (55, "good"), (35, "fair"), (20, "poor")):
        if value >= floor:
            return grade
    return "bad"


def tier_coefficient(tiers, gap: Decimal) -> Decimal:
    """The coefficient of the highest tier whose threshold the gap reaches."""
    chosen = Decimal(0)
    for min_gap, coefficient in sorted(tiers):
        if gap >= min_gap:
            chosen = coefficient
    return chosen


@dataclass
class _Allocation:
    region_code: str
    amount: Decimal
    tonnes: Decimal
    inputs: dict


def compute(programme, period: Period) -> list[ProposedTransfer]:
    year = period.settled_year
    if not programme.vertical or year is None:
        return []
    parameters = (
        VerticalParameters.objects.filter(programme=programme, year=year)
        .select_related("carbon_market")
        .first()
    )
    if parameters is None:
        raise ChannelInputError(
            _("No vertical parameters for %(programme)s in %(year)s: add that year's table.")
            % {"programme": programme, "year": year}
        )
    problems: list[str] = []
    allocations = _allocations(programme, parameters, problems)
    if problems:
        raise ChannelInputError(" ".join(problems))
    unscaled = [a.amount for a in allocations]
    total = sum(unscaled, Decimal("0.00"))
    scaled = scale_to_cap(unscaled, parameters.budget, FEN)
    transfers = []
    for allocation, amount in zip(allocations, scaled, strict=True):
        allocation.inputs.update(
            allocation=str(allocation.amount),
            budget=str(parameters.budget),
            allocations_total=str(total),
            scaled=str(amount != allocation.amount).lower(),
            paid=str(amount),
        )
        code = allocation.region_code
        if amount > 0:
            transfers.append(
                ProposedTransfer(
                    channel=CHANNEL,
                    key=f"{year}:{code}:cny",
                    payer=accounts.central_cny(CHANNEL),
                    payee=accounts.region_cny(code, CHANNEL),
                    amount=amount,
                    description=f"Vertical transfer {year} to {code}",
                    payee_region=code,
                    inputs=allocation.inputs,
                )
            )
        if allocation.tonnes > 0:
            transfers.append(
                sinks.claim(
                    channel=CHANNEL,
                    key=f"{year}:{code}:tco2e",
                    region_code=code,
                    vintage=year,
                    tonnes=allocation.tonnes,
                    inputs=allocation.inputs,
                )
            )
    return transfers


def _allocations(programme, parameters, problems) -> list[_Allocation]:
    year = parameters.year
    tiers = list(parameters.tiers.values_list("min_gap", "coefficient"))
    if not tiers:
        problems.append(
            _("The %(year)s vertical parameters have no subsidy tiers.") % {"year": year}
        )
    rules = dict(parameters.assessment.values_list("change", "percent"))
    rows = list(parameters.regions.select_related("region").order_by("region__code"))
    members = set(
        PilotMembership.objects.filter(programme=programme).values_list("region__code", flat=True)
    )
    strangers = sorted(r.region.code for r in rows if r.region.code not in members)
    if strangers:
        problems.append(
            _("Fiscal data for regions outside the programme: %(codes)s.")
            % {"codes": ", ".join(strangers)}
        )
    if not rows:
        problems.append(_("The %(year)s vertical parameters list no regions.") % {"year": year})
    ei = _ecological_index(rows, year) if rules else {}
    carbon = _carbon_inputs(programme, parameters, problems)
    allocations = []
    for row in rows:
        code = row.region.code
        gap = max(row.standard_expenditure - row.standard_revenue, Decimal(0))
        coefficient = tier_coefficient(tiers, gap)
        key = gap * coefficient
        prohibited = (
            row.prohibited_area_km2 * parameters.prohibited_subsidy_per_km2
            + row.prohibited_areas * parameters.prohibited_subsidy_per_area
        )
        base = key + prohibited + row.guiding_subsidy
        inputs = {
            "year": year,
            "standard_revenue": str(row.standard_revenue),
            "standard_expenditure": str(row.standard_expenditure),
            "fiscal_gap": str(gap),
            "coefficient": str(coefficient),
            "key_subsidy": str(cny(key)),
            "prohibited_area_km2": str(row.prohibited_area_km2),
            "prohibited_areas": row.prohibited_areas,
            "prohibited_subsidy": str(cny(prohibited)),
            "guiding_subsidy": str(row.guiding_subsidy),
        }
        adjustment = Decimal(0)
        if rules:
            current, previous = ei.get((code, year)), ei.get((code, year - 1))
            if current is None or previous is None:
                missing = year if current is None else year - 1
                problems.append(
                    _("No EI for %(region)s in %(year)s: the assessment needs both years.")
                    % {"region": row.region, "year": missing}
                )
                continue
            change = ei_change_class(current - previous)
            percent = rules.get(change, Decimal(0))
            adjustment = base * percent / HUNDRED
            inputs.update(
                ei=str(current),
                ei_previous=str(previous),
                ei_grade=ei_grade(current),
                ei_change=change,
                assessment_percent=str(percent),
                assessment_adjustment=str(cny(adjustment)),
            )
        tonnes, carbon_term = Decimal(0), Decimal(0)
        if carbon is not None:
            price, positions = carbon
            tonnes = positions.get(code, Decimal(0))
            carbon_term = tonnes * price.price * parameters.carbon_weight
            inputs.update(
                sink_tco2e=str(tonnes),
                carbon_price=str(price.price),
                carbon_price_date=price.date.isoformat(),
                carbon_market=price.market.code,
                carbon_weight=str(parameters.carbon_weight),
                carbon_term=str(cny(carbon_term)),
            )
        amount = max(cny(base + adjustment + carbon_term), Decimal("0.00"))
        allocations.append(_Allocation(code, amount, tonnes, inputs))
    return allocations


def _ecological_index(rows, year) -> dict:
    found = EcologicalIndex.objects.filter(
        region__in=[r.region for r in rows], year__in=[year, year - 1]
    ).values_list("region__code", "year", "value")
    return {(code, y): value for code, y, value in found}


def _carbon_inputs(programme, parameters, problems):
    """The price and each region's verified sink, or None when the year has no carbon term."""
    if parameters.carbon_market is None or parameters.carbon_weight == 0:
        return None
    year = parameters.year
    try:
        price = price_in_force(market=parameters.carbon_market.code, on=date(year, 12, 31))
    except PriceGap as exc:
        problems.append(str(exc))
        return None
    valuation = Valuation.objects.filter(programme=programme, year=year, current=True).first()
    if valuation is None:
        problems.append(
            _("The carbon term needs a valuation of %(programme)s for %(year)s; run valuate.")
            % {"programme": programme, "year": year}
        )
        return None
    positions = dict(
        RegionPosition.objects.filter(valuation=valuation, sink_tco2e__gt=0).values_list(
            "region__code", "sink_tco2e"
        )
    )
    return price, positions
