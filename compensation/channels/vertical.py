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

A programme-year may instead (or as well) carry a cascade of tiers, central →
province → prefecture or county, each allocating by its own published method:
compensation.channels.cascade, one scope per tier, capped within its own scope.
"""

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from compensation import accounts, sinks
from compensation.allocation import ei_change_class
from compensation.channels import cascade
from compensation.channels.base import Pinned, members, pin, price_rows, valuation_rows
from compensation.exceptions import ChannelInputError, PriceGap
from compensation.models import (
    AssessmentRule,
    EcologicalIndex,
    RegionFiscalData,
    RegionPosition,
    SubsidyTier,
    Valuation,
    VerticalParameters,
)
from compensation.overrides import NO_OVERRIDES, Overrides
from compensation.periods import Period
from compensation.quantities import FEN, cny
from compensation.splitting import scale_to_cap
from compensation.transfers import ProposedTransfer
from pilots.models import PilotMembership

CHANNEL = "vertical"
HUNDRED = Decimal(100)


EI_GRADES = {
    "excellent": gettext_lazy("excellent"),
    "good": gettext_lazy("good"),
    "fair": gettext_lazy("fair"),
    "poor": gettext_lazy("poor"),
    "bad": gettext_lazy("bad"),
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


@dataclass
class Context:
    """What every region's allocation in one programme-year shares."""

    programme: object
    parameters: VerticalParameters
    budget: Decimal
    tiers: list
    rules: dict
    carbon: tuple | None
    weight: Decimal
    problems: list[str]


def prepare(programme, period: Period, overrides: Overrides = NO_OVERRIDES) -> Context | None:
    """The year's parameters with any scenario overrides, or None when nothing is due (or
    the year has a cascade and no single-tier table)."""
    year = period.settled_year
    if not programme.vertical or year is None:
        return None
    parameters = (
        VerticalParameters.objects.filter(programme=programme, year=year)
        .select_related("carbon_market")
        .first()
    )
    if parameters is None and cascade.tiers(programme, year).exists():
        return None
    if parameters is None:
        raise ChannelInputError(
            _("No vertical parameters for %(programme)s in %(year)s: add that year's table.")
            % {"programme": programme, "year": year}
        )
    problems: list[str] = []
    factor = overrides.coefficient_factor
    tiers = [
        (min_gap, coefficient * factor if factor is not None else coefficient)
        for min_gap, coefficient in parameters.tiers.values_list("min_gap", "coefficient")
    ]
    if not tiers:
        problems.append(
            _("The %(year)s vertical parameters have no subsidy tiers.") % {"year": year}
        )
    weight = (
        overrides.carbon_weight if overrides.carbon_weight is not None else parameters.carbon_weight
    )
    carbon = _carbon_inputs(programme, parameters, weight, overrides, problems)
    return Context(
        programme=programme,
        parameters=parameters,
        budget=overrides.budget if overrides.budget is not None else parameters.budget,
        tiers=tiers,
        rules=dict(parameters.assessment.values_list("change", "percent")),
        carbon=carbon,
        weight=weight,
        problems=problems,
    )


def plan(programme, period: Period, overrides: Overrides = NO_OVERRIDES) -> list[list[str]]:
    """Slices of the year's regions, in code order (SETTLEMENT_CHUNK_SIZE each), then one
    scope per cascade tier (["tier:<id>"]); [] if not due."""
    context = prepare(programme, period, overrides)
    tiers = cascade.plan(programme, period.settled_year) if programme.vertical else []
    if context is None:
        return tiers
    codes = list(
        context.parameters.regions.order_by("region__code").values_list("region__code", flat=True)
    )
    if not codes:
        raise ChannelInputError(
            _("The %(year)s vertical parameters list no regions.")
            % {"year": context.parameters.year}
        )
    both = sorted(set(codes) & cascade.recipients(programme, period.settled_year)) if tiers else []
    if both:
        raise ChannelInputError(
            _(
                "Paid both by the %(year)s vertical parameters and by its cascade: "
                "%(codes)s. List each region in one of them."
            )
            % {"codes": ", ".join(both), "year": context.parameters.year}
        )
    size = settings.SETTLEMENT_CHUNK_SIZE
    return [codes[i : i + size] for i in range(0, len(codes), size)] + tiers


def compute(
    programme, period: Period, overrides: Overrides, scope: list[str]
) -> list[ProposedTransfer]:
    """Unscaled transfers of the regions with codes `scope` (finish() applies the budget),
    or a cascade tier's transfers, capped (compensation.channels.cascade.compute)."""
    if cascade.is_tier_scope(scope):
        return cascade.compute(programme, period.settled_year, overrides, scope)
    context = prepare(programme, period, overrides)
    if context is None:
        return []
    problems = list(context.problems)
    allocations = _allocations(context, scope, problems)
    if problems:
        raise ChannelInputError(" ".join(problems))
    year = context.parameters.year
    transfers = []
    for allocation in allocations:
        code = allocation.region_code
        if allocation.amount > 0:
            transfers.append(
                ProposedTransfer(
                    channel=CHANNEL,
                    key=f"{year}:{code}:cny",
                    payer_account=accounts.central_cny(CHANNEL),
                    payee_account=accounts.region_cny(code, CHANNEL),
                    amount=allocation.amount,
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


def finish(
    programme, period: Period, overrides: Overrides, transfers: list[ProposedTransfer]
) -> list[ProposedTransfer]:
    """The budget cap across every region's money transfer: scaled pro rata to the fen
    (largest remainder) when the allocations exceed the budget; a transfer scaled to
    nothing is dropped. Each money transfer's inputs gain budget, allocations_total,
    scaled and paid. A cascade tier's transfers were capped by their tier and stay."""
    context = prepare(programme, period, overrides)
    if context is None:
        return transfers
    money = [t for t in transfers if t.commodity == accounts.CNY and not cascade.is_cascade(t)]
    total = sum((t.amount for t in money), Decimal("0.00"))
    scaled = dict(
        zip(
            [t.key for t in money],
            scale_to_cap([t.amount for t in money], context.budget, FEN),
            strict=True,
        )
    )
    result = []
    for transfer in transfers:
        if transfer.commodity != accounts.CNY or cascade.is_cascade(transfer):
            result.append(transfer)
            continue
        paid = scaled[transfer.key]
        inputs = {
            **transfer.inputs,
            "budget": str(context.budget),
            "allocations_total": str(cny(total)),
            "scaled": str(paid != transfer.amount).lower(),
            "paid": str(paid),
        }
        if paid > 0:
            result.append(replace(transfer, amount=paid, inputs=inputs))
    return result


def inputs(programme, period: Period, overrides: Overrides = NO_OVERRIDES) -> dict[str, Pinned]:
    """The rows prepare(), compute() and finish() read, pinned (see channels.base.pin)."""
    year = period.settled_year
    if not programme.vertical or year is None:
        return {}
    pinned = cascade.inputs(programme, year, overrides)
    parameters = VerticalParameters.objects.filter(programme=programme, year=year)
    if not parameters.exists() and pinned:
        return pinned
    fiscal = RegionFiscalData.objects.filter(parameters__in=parameters)
    pinned |= {
        "parameters": pin(
            _("the %(year)s vertical parameters") % {"year": year},
            parameters,
            SubsidyTier.objects.filter(parameters__in=parameters),
            fiscal,
            AssessmentRule.objects.filter(parameters__in=parameters),
        ),
        "ecological_index": pin(
            _("the ecological index of %(years)s") % {"years": f"{year - 1}–{year}"},
            EcologicalIndex.objects.filter(
                region__in=fiscal.values("region"), year__in=[year - 1, year]
            ),
        ),
        "members": pin(
            _("the members of %(programme)s") % {"programme": programme}, members(programme)
        ),
        "valuation": pin(
            _("the %(year)s valuation") % {"year": year}, *valuation_rows(programme, year)
        ),
    }
    market = parameters.values_list("carbon_market__code", flat=True).first()
    if market:
        pinned["carbon_price"] = pin(
            _("the %(market)s price in force on %(date)s")
            % {"market": market, "date": date(year, 12, 31)},
            price_rows(market, date(year, 12, 31), overrides),
        )
    return pinned


def _allocations(context: Context, codes, problems) -> list[_Allocation]:
    parameters = context.parameters
    year = parameters.year
    rows = list(
        parameters.regions.select_related("region")
        .filter(region__code__in=list(codes))
        .order_by("region__code")
    )
    members = set(
        PilotMembership.objects.filter(
            programme=context.programme, region__code__in=list(codes)
        ).values_list("region__code", flat=True)
    )
    strangers = sorted(r.region.code for r in rows if r.region.code not in members)
    if strangers:
        problems.append(
            _("Fiscal data for regions outside the programme: %(codes)s.")
            % {"codes": ", ".join(strangers)}
        )
    rules = context.rules
    ei = _ecological_index(rows, year) if rules else {}
    positions = context.carbon[1] if context.carbon else {}
    allocations = []
    for row in rows:
        code = row.region.code
        gap = max(row.standard_expenditure - row.standard_revenue, Decimal(0))
        coefficient = tier_coefficient(context.tiers, gap)
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
        if context.carbon is not None:
            price = context.carbon[0]
            tonnes = positions.get(code, Decimal(0))
            carbon_term = tonnes * price.price * context.weight
            inputs.update(
                sink_tco2e=str(tonnes),
                carbon_price=str(price.price),
                carbon_price_date=price.date.isoformat(),
                carbon_market=price.market,
                carbon_weight=str(context.weight),
                carbon_term=str(cny(carbon_term)),
            )
        amount = max(cny(base + adjustment + carbon_term), Decimal("0.00"))
        inputs["allocation"] = str(amount)
        allocations.append(_Allocation(code, amount, tonnes, inputs))
    return allocations


def _ecological_index(rows, year) -> dict:
    found = EcologicalIndex.objects.filter(
        region__in=[r.region for r in rows], year__in=[year, year - 1]
    ).values_list("region__code", "year", "value")
    return {(code, y): value for code, y, value in found}


def _carbon_inputs(programme, parameters, weight, overrides, problems):
    """The price and each region's verified sink, or None when the year has no carbon term."""
    if parameters.carbon_market is None or weight == 0:
        return None
    year = parameters.year
    try:
        price = overrides.price(parameters.carbon_market.code, date(year, 12, 31))
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
