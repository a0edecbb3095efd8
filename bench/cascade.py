"""A national vertical cascade (central → provinces → 2,844 counties) beside a single tier.

Two synthetic pilots over the same 2,844 counties (bench.settle_national.counties):
the single-tier vertical table (every county paid by central, EI assessment), and a
cascade whose central tier pays the provinces holding those counties (29 of the 31) by
fiscal gap and population and whose provincial tiers pass it on by population, a fixed
share and EI. Each is calculated inline (one process: the cascade's chunk per tier each
recompute the central tier) and posted; the single tier is the baseline of the same run.
"""

from datetime import date
from decimal import Decimal

from django.contrib.gis.geos import MultiPolygon, Polygon

from bench.harness import timed
from bench.settle_national import PROVINCES, counties, finance_user
from compensation.models import (
    AllocationMethod,
    AssessmentRule,
    CascadeTier,
    EcologicalIndex,
    MethodFactor,
    RegionFiscalData,
    RegionIndicator,
    SubsidyTier,
    VerticalParameters,
)
from compensation.periods import Period
from compensation.settlement import planning, posting, states
from pilots.models import PilotMembership, PilotProgramme, Region

SIZE = 2844
YEAR = 2024
BUDGET = Decimal("100000000000.00")


def run(report):
    regions = counties(SIZE)
    provinces = _provinces()
    _ei(regions)
    maker, checker = finance_user("bench-maker"), finance_user("bench-checker")
    single = _pilot("单级纵向", regions)
    _single_tier(single, regions)
    cascade = _pilot("分级纵向", regions)
    _cascade(cascade, provinces, regions)
    baselines = {}
    for name, programme in (("single tier", single), ("cascade, 2 tiers", cascade)):
        seconds, run = _calculate(programme, maker)
        transfers = run.transfers.count()
        states.approve(run, by=checker)
        post_seconds = timed(lambda run=run: posting.post(run, by=checker))
        for step, took in (("calculate inline", seconds), ("post", post_seconds)):
            row = report.add(
                f"vertical {name}: {step}",
                size=transfers,
                seconds=took,
                unit="t/s",
                baseline=baselines.get(step),
            )
            baselines.setdefault(step, row)
        print(
            f"  {name}: {run.chunks_total} chunks, {transfers} transfers; calculate "
            f"{seconds:.1f} s, post {post_seconds:.1f} s",
            flush=True,
        )


def _calculate(programme, maker):
    result = {}

    def work():
        result["run"] = planning.start_and_calculate(
            programme=programme, period=Period.year(YEAR), by=maker, inline=True
        )

    seconds = timed(work)
    run = result["run"]
    if run.status != "calculated":
        raise RuntimeError(f"bench run is {run.status}: {run.error}")
    return seconds, run


def _provinces() -> dict[int, Region]:
    found = {}
    for index, province in enumerate(PROVINCES):
        x, y = 70 + index, 10
        found[province], _ = Region.objects.get_or_create(
            code=f"{province}0000",
            defaults={
                "name": f"省{province}",
                "level": Region.Level.PROVINCE,
                "geometry": MultiPolygon(Polygon.from_bbox((x, y, x + 0.9, y + 0.9)), srid=4490),
                "area_km2": Decimal("100000"),
                "source": "bench",
                "source_digest": "bench",
            },
        )
    return found


def _pilot(name, regions) -> PilotProgramme:
    programme = PilotProgramme.objects.create(
        name=f"{name} {SIZE}",
        start_date=date(YEAR, 1, 1),
        end_date=date(YEAR, 12, 31),
        horizontal=False,
        market=False,
    )
    PilotMembership.objects.bulk_create(
        [PilotMembership(programme=programme, region=region) for region in regions]
    )
    return programme


def _ei(regions):
    existing = set(EcologicalIndex.objects.filter(year=YEAR).values_list("region_id", flat=True))
    EcologicalIndex.objects.bulk_create(
        [
            EcologicalIndex(
                region=region, year=year, value=Decimal(60 + (i + year) % 11), source="bench"
            )
            for i, region in enumerate(regions)
            if region.pk not in existing
            for year in (YEAR - 1, YEAR)
        ],
        batch_size=2000,
    )


def _single_tier(programme, regions):
    table = VerticalParameters.objects.create(programme=programme, year=YEAR, budget=BUDGET)
    SubsidyTier.objects.create(parameters=table, min_gap=0, coefficient=Decimal("0.4"))
    AssessmentRule.objects.create(parameters=table, change="obvious-worse", percent=-5)
    RegionFiscalData.objects.bulk_create(
        [
            RegionFiscalData(
                parameters=table,
                region=region,
                standard_revenue=Decimal(300_000_000 + i * 10_007),
                standard_expenditure=Decimal(900_000_000 + i * 31_013),
            )
            for i, region in enumerate(regions)
        ],
        batch_size=1000,
    )


def _method(name, factors, cap=None, *, assessed=False) -> AllocationMethod:
    method = AllocationMethod.objects.create(
        name=name, version=1, budget_cap=cap, source="bench", illustrative=True
    )
    MethodFactor.objects.bulk_create(
        MethodFactor(method=method, kind=kind, basis=MethodFactor.Basis.SHARE, weight=weight)
        for kind, weight in factors
    )
    if assessed:
        method.adjustments.create(change="obvious-worse", percent=-5)
    method.published = True
    method.save(update_fields=["published"])
    return method


def _cascade(programme, provinces, regions):
    Kind = MethodFactor.Kind
    central = _method(
        f"bench central {programme.pk}",
        [(Kind.FISCAL_GAP, Decimal("0.6")), (Kind.POPULATION, Decimal("0.4"))],
        cap=BUDGET,
    )
    provincial = _method(
        f"bench province {programme.pk}",
        [
            (Kind.POPULATION, Decimal("0.6")),
            (Kind.FIXED, Decimal("0.2")),
            (Kind.EI, Decimal("0.2")),
        ],
        assessed=True,
    )
    by_province = {}
    for region in regions:
        by_province.setdefault(int(region.code[:2]), []).append(region)
    # Central pays the provinces that pass money on to counties of the pilot: a province
    # without any would keep it, and planning refuses a final recipient outside the pilot.
    top = CascadeTier.objects.create(programme=programme, year=YEAR, level=1, method=central)
    top.recipients.set(p for number, p in provinces.items() if number in by_province)
    indicators = []
    for number, province in provinces.items():
        if number in by_province:
            tier = CascadeTier.objects.create(
                programme=programme, year=YEAR, level=2, payer=province, method=provincial
            )
            tier.recipients.set(by_province[number])
        indicators += [
            RegionIndicator(
                region=province, year=YEAR, kind=kind, value=Decimal(value), source="bench"
            )
            for kind, value in (
                (Kind.FISCAL_GAP, 50_000_000_000 + number * 1_000_003),
                (Kind.POPULATION, 40_000_000 + number * 10_007),
            )
        ]
    indicators += [
        RegionIndicator(
            region=region,
            year=YEAR,
            kind=Kind.POPULATION,
            value=Decimal(300_000 + i * 101),
            source="bench",
        )
        for i, region in enumerate(regions)
    ]
    RegionIndicator.objects.filter(region__in=[i.region_id for i in indicators], year=YEAR).delete()
    RegionIndicator.objects.bulk_create(indicators, batch_size=2000)
