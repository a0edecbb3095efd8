"""The vertical channel's cascade: central → province → prefecture or county, tier by tier.

Part of the vertical channel (compensation.channels.vertical plans, computes and pins
it; it is not a channel of its own, so its money is vertical money everywhere). A
programme-year's CascadeTier rows are its tiers; each is one scope of a run:

    plan(programme, year)                  -> [["tier:<id>"], ...] by level, payer code
    compute(programme, year, overrides, scope)
                                           -> the tier's CNY transfers, capped, to the fen
    inputs(programme, year, overrides)     -> the rows it reads, pinned

A tier's budget: level 1, its method's budget cap; a lower tier, what its payer receives
from the tier above in the same run (computed again here from the same pinned inputs,
so each tier is one independent chunk), limited by its method's cap when it has one.
The payer of a lower tier receives on its pass-through account
(accounts.region_pass_through) and pays its recipients from it, so the account nets to
zero when the payer passed everything on; what it keeps is visible as that balance and
as `unallocated` in the inputs, and a budget below what the method wants as `shortfall`.

Indicators: fiscal gap, forest and wetland area, population from RegionIndicator; EI
and ΔEI from EcologicalIndex; red-line share from the region's published plan in force
on 31 December (red-line zones' km² / the region's km²); protected sink from the
programme-year's current valuation (no position: 0), and its increase over the previous
year's (max(0, this year − last year), both valuations needed); water quality from the
share of the region's assessment sections meeting the standard (P ≤ 1, each section of a
water-quality agreement in which it is upstream, assessed by horizontal.assess, the one
owner of P); a fixed amount counts 1 per region.
A regular run uses published methods only; a scenario may replace a tier's method
(Overrides.cascade_methods) by a draft, to compare before it is published.
"""

from datetime import date
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from compensation import accounts
from compensation.allocation import (
    Factor,
    RegionInputs,
    TierAllocation,
    allocate,
    ei_change_class,
)
from compensation.channels.base import Pinned, pin, valuation_rows
from compensation.channels.horizontal import assess
from compensation.exceptions import ChannelInputError
from compensation.models import (
    Agreement,
    AgreementParty,
    AgreementRound,
    AllocationMethod,
    CascadeTier,
    EcologicalIndex,
    IndexWeight,
    MethodAdjustment,
    MethodFactor,
    MonitoringRecord,
    RegionIndicator,
    RegionPosition,
    Valuation,
)
from compensation.overrides import Overrides
from compensation.transfers import ProposedTransfer
from pilots.models import PlanningVersion, Region, Zone
from pilots.planning import plans_in_force

CHANNEL = "vertical"
SCOPE_PREFIX = "tier:"
Kind = MethodFactor.Kind
FROM_TABLE = {k.value for k in RegionIndicator.Kind}
SHARE_PLACES = Decimal("0.0001")


def tiers(programme, year: int):
    """The programme-year's tiers, by level and payer code."""
    return CascadeTier.objects.filter(programme=programme, year=year).order_by(
        "level", "payer__code", "pk"
    )


def plan(programme, year: int) -> list[list[str]]:
    """One scope per tier: ["tier:<id>"].

    Raises ChannelInputError naming every final recipient (a region a tier pays that
    pays no tier below) that is not a region of the programme: the money would end in
    a region the programme does not settle, state or supervise. A province or
    prefecture that passes its money on need not be one.
    """
    found = tiers(programme, year)
    payers = set(found.exclude(payer=None).values_list("payer_id", flat=True))
    outside = (
        Region.objects.filter(cascade_tiers_received__in=found)
        .exclude(pk__in=payers)
        .exclude(pilots=programme)
        .distinct()
        .order_by("code")
    )
    if outside:
        raise ChannelInputError(
            _(
                "The %(year)s cascade pays %(regions)s, which pass nothing on and are not "
                "regions of %(programme)s. Add them to the programme's regions or take "
                "them off their tier."
            )
            % {
                "year": year,
                "regions": ", ".join(str(region) for region in outside),
                "programme": programme,
            }
        )
    return [[f"{SCOPE_PREFIX}{pk}"] for pk in found.values_list("pk", flat=True)]


def recipients(programme, year: int) -> set[str]:
    """Codes of every region a tier of the programme-year pays."""
    return set(
        CascadeTier.recipients.through.objects.filter(
            cascadetier__programme=programme, cascadetier__year=year
        ).values_list("region__code", flat=True)
    )


def is_tier_scope(scope: list) -> bool:
    return bool(scope) and str(scope[0]).startswith(SCOPE_PREFIX)


def is_cascade(transfer: ProposedTransfer) -> bool:
    """Whether a vertical transfer is a cascade tier's (the single-tier cap leaves it alone)."""
    return "tier" in transfer.inputs


def compute(programme, year: int, overrides: Overrides, scope: list) -> list[ProposedTransfer]:
    """The CNY transfers of the tier `scope` names (ChannelInputError naming every problem)."""
    cascade = _Cascade(programme, year, overrides)
    tier = cascade.tier(int(str(scope[0]).removeprefix(SCOPE_PREFIX)))
    result = cascade.allocation(tier)
    received = cascade.received(tier)
    payer = (
        accounts.central_cny(CHANNEL)
        if tier.payer is None
        else accounts.region_pass_through(tier.payer.code)
    )
    method = cascade.method(tier)
    shared = {
        "year": year,
        "tier": tier.pk,
        "level": tier.level,
        "payer": tier.payer.code if tier.payer else "central",
        "method": str(method),
        "illustrative": str(method.illustrative).lower(),
        "budget": str(result.budget),
        "allocations_total": str(result.wanted),
        "passed_on": str(result.paid),
        "unallocated": str((received if received is not None else result.budget) - result.paid),
        "shortfall": str(max(result.wanted - result.budget, Decimal("0.00"))),
        "scaled": str(result.scaled).lower(),
    }
    if received is not None:  # the central tier receives from no tier above
        shared["received"] = str(received)
    indicators = cascade.region_inputs(tier)
    payers = cascade.payers()
    transfers = []
    for line in result.regions:
        if line.paid <= 0:
            continue
        payee = (
            accounts.region_pass_through(line.code)
            if line.code in payers
            else accounts.region_cny(line.code, CHANNEL)
        )
        factors = {
            f"factor:{kind}": {
                "indicator": str(indicators[line.code].indicators[kind]),
                "amount": str(amount),
            }
            for kind, amount in line.contributions.items()
        }
        inputs = {
            **shared,
            **factors,
            "region": line.code,
            "allocation": str(line.wanted),
            "paid": str(line.paid),
        }
        if line.code in cascade.sections and Kind.WATER_QUALITY in line.contributions:
            inputs["water_quality_sections"] = cascade.sections[line.code]
        if line.adjustment_percent or indicators[line.code].ei_change:
            inputs.update(
                ei_change=indicators[line.code].ei_change,
                assessment_percent=str(line.adjustment_percent),
                assessment_adjustment=str(line.adjustment),
            )
        transfers.append(
            ProposedTransfer(
                channel=CHANNEL,
                key=f"{year}:tier{tier.level}:{shared['payer']}:{line.code}:cny",
                payer_account=payer,
                payee_account=payee,
                amount=line.paid,
                description=(
                    f"Vertical cascade {year} level {tier.level}: {shared['payer']} to {line.code}"
                ),
                payer_region=tier.payer.code if tier.payer else "",
                payee_region=line.code,
                inputs=inputs,
            )
        )
    return transfers


def inputs(programme, year: int, overrides: Overrides) -> dict[str, Pinned]:
    """The tiers, their methods (and a scenario's), and every indicator row they read."""
    found = tiers(programme, year)
    if not found.exists():
        return {}
    method_ids = set(found.values_list("method", flat=True)) | set(
        overrides.cascade_methods.values()
    )
    recipients = Region.objects.filter(cascade_tiers_received__in=found).distinct()
    plans = _plans(recipients, year)
    kinds = set(MethodFactor.objects.filter(method__in=method_ids).values_list("kind", flat=True))
    pinned = {
        "cascade": pin(
            _("the %(year)s vertical cascade and its methods") % {"year": year},
            found,
            CascadeTier.recipients.through.objects.filter(cascadetier__in=found),
            AllocationMethod.objects.filter(pk__in=method_ids),
            MethodFactor.objects.filter(method__in=method_ids),
            MethodAdjustment.objects.filter(method__in=method_ids),
        ),
        "cascade_indicators": pin(
            _("the regional indicators of %(year)s") % {"year": year},
            RegionIndicator.objects.filter(region__in=recipients, year=year),
            EcologicalIndex.objects.filter(region__in=recipients, year__in=[year - 1, year]),
            PlanningVersion.objects.filter(pk__in=[p.pk for p in plans.values()]),
            Zone.objects.filter(
                planning_version__in=plans.values(), kind=Zone.Kind.ECOLOGICAL_RED_LINE
            ),
            *valuation_rows(programme, year),
        ),
    }
    if Kind.SINK_INCREMENT in kinds:
        pinned["cascade_sink_before"] = pin(
            _("the %(year)s valuation") % {"year": year - 1},
            *valuation_rows(programme, year - 1),
        )
    if Kind.WATER_QUALITY in kinds:
        agreements = Agreement.objects.filter(
            programme=programme, rule=Agreement.Rule.WATER_QUALITY
        )
        pinned["cascade_water_quality"] = pin(
            _("the %(year)s water-quality assessments") % {"year": year},
            agreements,
            AgreementParty.objects.filter(agreement__in=agreements),
            AgreementRound.objects.filter(agreement__in=agreements),
            IndexWeight.objects.filter(round__agreement__in=agreements),
            MonitoringRecord.objects.filter(agreement__in=agreements, year=year),
        )
    return pinned


class _Cascade:
    """The tiers of one programme-year, read once, each tier's allocation computed once."""

    def __init__(self, programme, year: int, overrides: Overrides):
        self.programme, self.year, self.overrides = programme, year, overrides
        self._tiers = {
            t.pk: t
            for t in tiers(programme, year)
            .select_related("payer", "method")
            .defer("payer__geometry")
        }
        self._recipients: dict[int, list[Region]] = {}
        self._allocations: dict[int, TierAllocation] = {}
        self._inputs: dict[int, dict[str, RegionInputs]] = {}
        # Region code -> its assessment sections' P, for the water-quality factor's inputs.
        self.sections: dict[str, list[dict]] = {}
        self._methods = self._read_methods()

    def tier(self, pk: int) -> CascadeTier:
        if pk not in self._tiers:
            raise ChannelInputError(
                _("Tier %(tier)s is not in the %(year)s vertical cascade; recalculate the run.")
                % {"tier": pk, "year": self.year}
            )
        return self._tiers[pk]

    def method(self, tier: CascadeTier) -> AllocationMethod:
        return self._methods[self.overrides.cascade_methods.get(tier.pk, tier.method_id)][0]

    def recipients(self, tier_pk: int) -> list[Region]:
        """The tier's recipients by code, read when first asked: a chunk computes one tier
        and the tiers above it, never every tier's recipients. Boundaries are not read
        (loading every region's per chunk was a third of a national cascade's calculation,
        bench/cascade.py profiled 2026-12-01)."""
        if tier_pk not in self._recipients:
            self._recipients[tier_pk] = list(
                Region.objects.filter(cascade_tiers_received=tier_pk)
                .defer("geometry")
                .order_by("code")
            )
        return self._recipients[tier_pk]

    def payers(self) -> set[str]:
        return {t.payer.code for t in self._tiers.values() if t.payer is not None}

    def parent(self, tier: CascadeTier) -> CascadeTier:
        for other in self._tiers.values():
            if other.level == tier.level - 1 and any(
                r.pk == tier.payer_id for r in self.recipients(other.pk)
            ):
                return other
        raise ChannelInputError(
            _(
                "%(payer)s pays a level-%(level)s tier of %(year)s but receives nothing from "
                "a level-%(above)s tier: add it to that tier's recipients."
            )
            % {
                "payer": tier.payer,
                "level": tier.level,
                "year": self.year,
                "above": tier.level - 1,
            }
        )

    def received(self, tier: CascadeTier) -> Decimal | None:
        """What the tier's payer receives from the tier above (None for the central tier)."""
        if tier.payer is None:
            return None
        above = self.allocation(self.parent(tier))
        return next(line.paid for line in above.regions if line.code == tier.payer.code)

    def allocation(self, tier: CascadeTier) -> TierAllocation:
        if tier.pk in self._allocations:
            return self._allocations[tier.pk]
        method, factors, adjustments = self._methods[
            self.overrides.cascade_methods.get(tier.pk, tier.method_id)
        ]
        problems = []
        if not method.published and tier.pk not in self.overrides.cascade_methods:
            problems.append(
                _(
                    "%(method)s, the method of %(tier)s, is a draft: publish it first "
                    "(a scenario may try a draft)."
                )
                % {"method": method, "tier": tier}
            )
        if not factors:
            problems.append(_("%(method)s has no factors.") % {"method": method})
        if not self.recipients(tier.pk):
            problems.append(_("%(tier)s lists no recipients.") % {"tier": tier})
        received = self.received(tier)
        if received is None and method.budget_cap is None:
            problems.append(
                _("%(method)s pays the central tier and needs a budget cap.") % {"method": method}
            )
        regions = self.region_inputs(tier, problems)
        if problems:
            raise ChannelInputError(" ".join(str(p) for p in problems))
        caps = [c for c in (received, method.budget_cap) if c is not None]
        try:
            result = allocate(min(caps), factors, adjustments, list(regions.values()))
        except ValueError:
            raise ChannelInputError(
                _("The share weights of %(method)s add up to more than 1.") % {"method": method}
            ) from None
        self._allocations[tier.pk] = result
        return result

    def region_inputs(self, tier: CascadeTier, problems=None) -> dict[str, RegionInputs]:
        """Region code -> its indicators for the tier's factors, in code order."""
        if tier.pk in self._inputs:
            return self._inputs[tier.pk]
        problems = problems if problems is not None else []
        _method, factors, adjustments = self._methods[
            self.overrides.cascade_methods.get(tier.pk, tier.method_id)
        ]
        regions = self.recipients(tier.pk)
        kinds = {f.kind for f in factors}
        table = self._table(regions, kinds & FROM_TABLE)
        ei = self._ei(regions) if Kind.EI in kinds or adjustments else {}
        red_line = self._red_line(regions, problems) if Kind.RED_LINE_SHARE in kinds else {}
        codes = [r.code for r in regions]
        sink = (
            self._sink(codes, _valuation(self.programme, self.year))
            if Kind.PROTECTED_SINK in kinds
            else {}
        )
        increment = self._sink_increment(codes, problems) if Kind.SINK_INCREMENT in kinds else {}
        water = self._water_quality(regions, problems) if Kind.WATER_QUALITY in kinds else {}
        result = {}
        for region in regions:
            values = {}
            for kind in sorted(kinds):
                if kind in FROM_TABLE:
                    value = table.get((region.code, kind))
                    if value is None:
                        problems.append(
                            _("No %(indicator)s of %(region)s for %(year)s.")
                            % {
                                "indicator": Kind(kind).label,
                                "region": region,
                                "year": self.year,
                            }
                        )
                        continue
                    values[kind] = value
                elif kind == Kind.EI:
                    values[kind] = ei.get((region.code, self.year), Decimal(0))
                elif kind == Kind.RED_LINE_SHARE:
                    values[kind] = red_line.get(region.code, Decimal(0))
                elif kind == Kind.PROTECTED_SINK:
                    values[kind] = sink.get(region.code, Decimal(0))
                elif kind == Kind.SINK_INCREMENT:
                    values[kind] = increment.get(region.code, Decimal(0))
                elif kind == Kind.WATER_QUALITY:
                    if region.code in water:
                        values[kind] = water[region.code]
                else:
                    values[kind] = Decimal(1)
            change = ""
            needs_ei = Kind.EI in kinds or adjustments
            if needs_ei:
                years = [self.year, self.year - 1] if adjustments else [self.year]
                missing = [y for y in years if (region.code, y) not in ei]
                if missing:
                    problems.append(
                        _("No EI for %(region)s in %(year)s.")
                        % {"region": region, "year": missing[0]}
                    )
                    continue
            if adjustments:
                change = ei_change_class(
                    ei[(region.code, self.year)] - ei[(region.code, self.year - 1)]
                )
            result[region.code] = RegionInputs(region.code, values, change)
        if not problems:
            self._inputs[tier.pk] = result
        return result

    def _read_methods(self) -> dict[int, tuple]:
        ids = {t.method_id for t in self._tiers.values()}
        wanted = dict(self.overrides.cascade_methods)
        unknown_tiers = sorted(set(wanted) - set(self._tiers))
        if unknown_tiers:
            raise ChannelInputError(
                _("cascade_methods names tiers outside the %(year)s cascade: %(tiers)s.")
                % {"year": self.year, "tiers": ", ".join(map(str, unknown_tiers))}
            )
        ids |= set(wanted.values())
        methods = AllocationMethod.objects.in_bulk(ids)
        missing = sorted(ids - set(methods))
        if missing:
            raise ChannelInputError(
                _("No allocation method %(ids)s.") % {"ids": ", ".join(map(str, missing))}
            )
        factors = {pk: [] for pk in methods}
        for f in MethodFactor.objects.filter(method__in=methods).order_by("kind"):
            factors[f.method_id].append(Factor(f.kind, f.basis, f.weight))
        adjustments = {pk: {} for pk in methods}
        for a in MethodAdjustment.objects.filter(method__in=methods):
            adjustments[a.method_id][a.change] = a.percent
        return {pk: (m, factors[pk], adjustments[pk]) for pk, m in methods.items()}

    def _table(self, regions, kinds) -> dict[tuple[str, str], Decimal]:
        if not kinds:
            return {}
        rows = RegionIndicator.objects.filter(
            region__in=regions, year=self.year, kind__in=kinds
        ).values_list("region__code", "kind", "value")
        return {(code, kind): value for code, kind, value in rows}

    def _ei(self, regions) -> dict[tuple[str, int], Decimal]:
        rows = EcologicalIndex.objects.filter(
            region__in=regions, year__in=[self.year - 1, self.year]
        ).values_list("region__code", "year", "value")
        return {(code, year): value for code, year, value in rows}

    def _red_line(self, regions, problems) -> dict[str, Decimal]:
        plans = _plans(regions, self.year)
        for region in regions:
            if region.code not in plans:
                problems.append(
                    _(
                        "No published plan of %(region)s in force on %(date)s gives its "
                        "red-line share."
                    )
                    % {"region": region, "date": date(self.year, 12, 31)}
                )
        areas = dict(
            Zone.objects.filter(
                planning_version__in=plans.values(), kind=Zone.Kind.ECOLOGICAL_RED_LINE
            )
            .values_list("planning_version__region__code")
            .annotate(km2=Sum("area_km2"))
            .order_by()
        )
        return {
            r.code: Decimal(areas.get(r.code) or 0) / r.area_km2
            for r in regions
            if r.code in plans and r.area_km2
        }

    def _sink(self, codes, valuation) -> dict[str, Decimal]:
        """Region code -> protected sink (tCO2e) of `valuation` (a programme-year's current
        one, or None); regions without a positive position are left out (0)."""
        if valuation is None:
            return {}
        return dict(
            RegionPosition.objects.filter(
                valuation=valuation, region__code__in=codes, sink_tco2e__gt=0
            ).values_list("region__code", "sink_tco2e")
        )

    def _sink_increment(self, codes, problems) -> dict[str, Decimal]:
        """Region code -> max(0, protected sink of the year − of the year before) in tCO2e,
        from the programme's current valuations of both years (each needed: without one
        the increase is unknown, not zero)."""
        before_year, this_year = (
            _valuation(self.programme, year) for year in (self.year - 1, self.year)
        )
        for year, valuation in ((self.year - 1, before_year), (self.year, this_year)):
            if valuation is None:
                problems.append(
                    _(
                        "No current valuation of %(programme)s for %(year)s gives the "
                        "protected sink increase."
                    )
                    % {"programme": self.programme, "year": year}
                )
        if before_year is None or this_year is None:
            return {}
        now, before = self._sink(codes, this_year), self._sink(codes, before_year)
        return {
            code: max(now.get(code, Decimal(0)) - before.get(code, Decimal(0)), Decimal(0))
            for code in codes
        }

    def _water_quality(self, regions, problems) -> dict[str, Decimal]:
        """Region code -> the share of its assessment sections meeting the standard in the
        year (P ≤ 1, to 4 places): the sections of the programme's water-quality agreements
        in which the region is the upstream (protecting) party, each assessed as the
        horizontal channel assesses it (horizontal.assess). The sections and their P are
        kept in self.sections for the transfer's inputs; a region with no section, or a
        section whose P cannot be computed, is a problem naming it."""
        codes = {r.code for r in regions}
        agreements = (
            Agreement.objects.filter(
                programme=self.programme,
                rule=Agreement.Rule.WATER_QUALITY,
                parties__side=AgreementParty.Side.UPSTREAM,
                parties__region__code__in=codes,
            )
            .distinct()
            .order_by("name", "pk")
            .prefetch_related("parties__region")
        )
        found: dict[str, list] = {}
        for agreement in agreements:
            parties = list(agreement.parties.all())
            missing: list = []
            assessment = assess(agreement, parties, self.year, missing)
            problems.extend(f"{agreement}: {problem}" for problem in missing)
            for party in parties:
                if party.side == AgreementParty.Side.UPSTREAM and party.region.code in codes:
                    found.setdefault(party.region.code, []).append(assessment)
        shares = {}
        for region in regions:
            assessments = found.get(region.code)
            if assessments is None:
                problems.append(
                    _(
                        "%(region)s protects no assessment section of a water-quality "
                        "agreement of %(programme)s: its water quality in %(year)s is not known."
                    )
                    % {"region": region, "programme": self.programme, "year": self.year}
                )
                continue
            if None in assessments:  # a section without its P: named above
                continue
            met = sum(1 for a in assessments if a.met)
            shares[region.code] = (Decimal(met) / len(assessments)).quantize(SHARE_PLACES)
            self.sections[region.code] = [
                {"section": a.section, "P": a.p_shown, "met": a.met} for a in assessments
            ]
        return shares


def _valuation(programme, year: int) -> Valuation | None:
    return Valuation.objects.filter(programme=programme, year=year, current=True).first()


def _plans(regions, year: int) -> dict[str, PlanningVersion]:
    """Region code -> its latest published plan in force on 31 December of `year`."""
    return plans_in_force(regions, date(year, 12, 31))
