"""One tier's allocation as a pure function: factors, ΔEI adjustments, budget cap, to the fen.

    allocate(budget, factors, adjustments, regions) -> TierAllocation

For each region r and factor k with indicator x (CNY, km², persons, EI, tCO2e, a share):

    share factor   c[r,k] = weight × budget × x[r,k] / Σ_r x[r,k]   (0 when Σ is 0)
    rate factor    c[r,k] = x[r,k] × weight                          (weight in CNY per unit)
    base[r]        = Σ_k c[r,k]
    adjustment[r]  = base[r] × percent of the region's ΔEI class / 100
    wanted[r]      = max(base[r] + adjustment[r], 0)

The tier pays min(budget, Σ wanted) rounded to the fen, split over the regions by
`wanted` with the largest remainder (compensation.splitting), so the paid amounts add
up to it exactly; when Σ wanted exceeds the budget every region is scaled pro rata.
Each region's factor contributions are kept (to the fen) for its statement. Nothing here
reads the database; compensation.channels.cascade gathers the inputs.
"""

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from compensation.models import AssessmentRule
from compensation.quantities import FEN, cny
from compensation.splitting import largest_remainder

HUNDRED = Decimal(100)
ZERO = Decimal("0.00")


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


@dataclass(frozen=True)
class Factor:
    """kind: a MethodFactor.Kind value; basis "share" or "rate"; weight a share or CNY/unit."""

    kind: str
    basis: str
    weight: Decimal


@dataclass(frozen=True)
class RegionInputs:
    """A recipient's indicator per factor kind and its ΔEI class ("" when not needed)."""

    code: str
    indicators: dict[str, Decimal]
    ei_change: str = ""


@dataclass(frozen=True)
class RegionAllocation:
    code: str
    contributions: dict[str, Decimal]
    adjustment_percent: Decimal
    adjustment: Decimal
    wanted: Decimal
    paid: Decimal


@dataclass(frozen=True)
class TierAllocation:
    """budget: what the tier may allocate; wanted: Σ wanted (to the fen); paid: Σ paid."""

    budget: Decimal
    wanted: Decimal
    paid: Decimal
    scaled: bool
    regions: list[RegionAllocation]


def allocate(
    budget: Decimal,
    factors: list[Factor],
    adjustments: dict[str, Decimal],
    regions: list[RegionInputs],
) -> TierAllocation:
    """The tier's allocation to `regions` (in their order) within `budget` (CNY, ≥ 0).

    `adjustments` maps a ΔEI class to a percent (−100..100). Raises ValueError for a
    negative budget or indicator, or share weights adding up to more than 1.
    """
    if budget < 0:
        raise ValueError("The budget may not be negative.")
    if sum((f.weight for f in factors if f.basis == "share"), Decimal(0)) > 1:
        raise ValueError("The share factors' weights add up to more than 1.")
    totals = {
        f.kind: sum((r.indicators[f.kind] for r in regions), Decimal(0))
        for f in factors
        if f.basis == "share"
    }
    exact = []
    for region in regions:
        if any(value < 0 for value in region.indicators.values()):
            raise ValueError(f"A negative indicator for {region.code}.")
        contributions = {}
        for factor in factors:
            value = region.indicators[factor.kind]
            if factor.basis == "share":
                total = totals[factor.kind]
                share = value / total if total else Decimal(0)
                contributions[factor.kind] = factor.weight * budget * share
            else:
                contributions[factor.kind] = value * factor.weight
        base = sum(contributions.values(), Decimal(0))
        percent = adjustments.get(region.ei_change, Decimal(0))
        adjustment = base * percent / HUNDRED
        exact.append((region, contributions, percent, adjustment, max(base + adjustment, 0)))
    wanted_total = sum((e[4] for e in exact), Decimal(0))
    to_pay = min(budget, wanted_total.quantize(FEN, rounding=ROUND_FLOOR))
    paid = (
        largest_remainder(to_pay, [e[4] for e in exact], FEN)
        if wanted_total > 0
        else [ZERO] * len(exact)
    )
    return TierAllocation(
        budget=cny(budget),
        wanted=cny(wanted_total),
        paid=sum(paid, ZERO),
        scaled=wanted_total > budget,
        regions=[
            RegionAllocation(
                code=region.code,
                contributions={kind: cny(c) for kind, c in contributions.items()},
                adjustment_percent=percent,
                adjustment=cny(adjustment),
                wanted=cny(wanted),
                paid=amount,
            )
            for (region, contributions, percent, adjustment, wanted), amount in zip(
                exact, paid, strict=True
            )
        ],
    )
