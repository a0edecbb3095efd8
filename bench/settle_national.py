"""A national settlement: up to 2,844 counties, all three channels, two workers.

The synthetic pilot has every county in the vertical table (with EI
assessment), one horizontal agreement per 28 counties (water-quality pairs and
three-member pooled funds, alternating) and credit sales in ten projects; the
largest size adds 4,500 three-member pooled funds over the same counties (ten
transfers per county: every channel, each county in several agreements).
`calculate` is timed from dispatch to "calculated" with two worker processes;
`post` is the one posting task (which also creates the statements and queues
their rendering; the renders are not waited for).

Baselines, in the same run: post against the ledger's own bulk post
(post_entries) of as many entries between as many accounts, opened beforehand
(the settlement opens its accounts as it posts); calculate against raw COPY of
the postings into a plain table.
"""

import tempfile
import time
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import Group, User
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db import connection, transaction

from bench.harness import timed
from compensation import accounts, credits
from compensation.models import (
    Agreement,
    AgreementParty,
    AgreementRound,
    AssessmentRule,
    CarbonPrice,
    CreditHolder,
    CreditProject,
    EcologicalIndex,
    IndexWeight,
    MethodologyVersion,
    MonitoringRecord,
    RegionFiscalData,
    RegionPosition,
    SubsidyTier,
    Valuation,
    ValuationLine,
    VerticalParameters,
)
from compensation.periods import Period
from compensation.settlement import planning, states
from compensation.sinks import verify_sink
from compensation.tasks import post_run
from config.celery import app
from config.roles import FINANCE
from ledger.services import AccountSpec, EntrySpec, Leg, open_accounts, post_entries
from pilots.models import PilotMembership, PilotProgramme, PlanningVersion, Region, Zone
from tests.workers import CeleryWorker

# (counties, extra three-member pooled funds): about 1,000, 3,400 and 30,000 transfers.
SIZES = ((711, 0), (2844, 0), (2844, 4500))
WORKERS = 2
YEAR = 2024
PROVINCES = [
    11,
    12,
    13,
    14,
    15,
    21,
    22,
    23,
    31,
    32,
    33,
    34,
    35,
    36,
    37,
    41,
    42,
    43,
    44,
    45,
    46,
    50,
    51,
    52,
    53,
    54,
    61,
    62,
    63,
    64,
    65,
]
POLLUTANTS = {"CODMn": "1.94", "NH3-N": "0.089", "TN": "1.15", "TP": "0.021"}


def run(report):
    regions = counties(max(counties for counties, _ in SIZES))
    maker = finance_user("bench-maker")
    checker = finance_user("bench-checker")
    workers = []
    app.control.purge()  # tasks an interrupted earlier run left in the queue
    with tempfile.TemporaryDirectory() as logs:
        try:
            workers = [CeleryWorker(logs).start() for _ in range(WORKERS)]
            for size, pooled in SIZES:
                programme = national_pilot(regions[:size], size, pooled=pooled)
                _settle(report, programme, maker, checker, size)
        finally:
            for worker in workers:
                worker.stop()


def _settle(report, programme, maker, checker, size):
    run = planning.start_run(programme=programme, period=Period.year(YEAR), by=maker)
    started = time.perf_counter()
    run = planning.calculate(run, by=maker)
    while run.status == "calculating":
        time.sleep(0.05)
        run.refresh_from_db()
    calculate_seconds = time.perf_counter() - started
    if run.status != "calculated":
        raise RuntimeError(f"bench run is {run.status}: {run.error}")
    transfers = run.transfers.count()
    touched = len(
        set(run.transfers.values_list("payer", flat=True))
        | set(run.transfers.values_list("payee", flat=True))
    )
    states.approve(run, by=checker)
    post_seconds = timed(lambda: post_run.delay(run.pk, checker.pk).get(timeout=1200))
    _drop_renders()
    copy = report.add(
        "raw COPY of the postings (baseline)",
        size=transfers,
        seconds=_copy_baseline(2 * transfers),
        unit="t/s",
    )
    ledger = report.add(
        "ledger bulk post, same entries and accounts",
        size=transfers,
        seconds=_ledger_baseline(programme.pk, transfers, touched),
        unit="t/s",
    )
    report.add(
        "settle: calculate, 2 workers",
        size=transfers,
        seconds=calculate_seconds,
        unit="t/s",
        baseline=copy,
    )
    report.add("settle: post", size=transfers, seconds=post_seconds, unit="t/s", baseline=ledger)
    print(
        f"  {size} counties: {run.chunks_total} chunks, {transfers} transfers between "
        f"{touched} accounts; calculate {calculate_seconds:.1f} s + post {post_seconds:.1f} s = "
        f"{calculate_seconds + post_seconds:.1f} s",
        flush=True,
    )


def _drop_renders() -> None:
    """Posting queues the statements' renders (seconds each, bench/statements.py measures
    them): dropped, and the batches the workers had already taken waited for, or they
    would hold the workers during the next size's calculation. A worker busy rendering
    does not answer (solo pool): idle means every worker answers with nothing active."""
    while True:
        app.control.purge()
        active = app.control.inspect(timeout=1).active() or {}
        if len(active) == WORKERS and not any(active.values()):
            return
        time.sleep(0.5)


def _ledger_baseline(tag, entries, accounts_count) -> float:
    """Seconds post_entries takes for `entries` two-leg CNY entries over `accounts_count`
    accounts it need not open (opened here first, untimed)."""
    codes = [f"bench:settle:{tag}:{i}" for i in range(accounts_count)]
    open_accounts([AccountSpec(code, code, "liability", accounts.CNY) for code in codes])
    specs = [
        EntrySpec(
            idempotency_key=f"bench-settle-{tag}-{i}",
            effective_date=date(YEAR, 12, 31),
            description=f"benchmark transfer {i}",
            cause=f"bench-settle:{tag}",
            legs=[
                Leg.debit(codes[i % accounts_count], "1234.56"),
                Leg.credit(codes[(i + 1) % accounts_count], "1234.56"),
            ],
        )
        for i in range(entries)
    ]
    return timed(lambda: post_entries(specs=specs))


def _copy_baseline(rows) -> float:
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS bench_settle_posting (entry_id bigint, "
            "account_id bigint, commodity_id text, effective_date date, amount_minor bigint)"
        )
        cursor.execute("TRUNCATE bench_settle_posting")

    def work():
        with (
            transaction.atomic(),
            connection.cursor() as cursor,
            cursor.cursor.copy(
                "COPY bench_settle_posting (entry_id, account_id, commodity_id, effective_date, "
                "amount_minor) FROM STDIN"
            ) as copy,
        ):
            for i in range(rows):
                copy.write_row((i // 2, i % 97, "CNY", date(YEAR, 12, 31), 1234 - i % 2 * 2468))

    return timed(work)


def finance_user(username):
    user, _ = User.objects.get_or_create(username=username, defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name=FINANCE))
    return user


def _square(index) -> MultiPolygon:
    x, y = 80 + (index % 60) * 0.5, 20 + (index // 60) * 0.4
    square = Polygon.from_bbox((x, y, x + 0.3, y + 0.3))
    return MultiPolygon(square, srid=4490)


def counties(count) -> list[Region]:
    """Synthetic county-level regions with GB/T 2260-shaped codes and small square boundaries."""
    codes = [
        f"{province}{city:02d}{county:02d}"
        for province in PROVINCES
        for city in range(1, 11)
        for county in range(1, 11)
    ][:count]
    # Another benchmark in the same run may have made some of them already.
    existing = set(Region.objects.filter(code__in=codes).values_list("code", flat=True))
    Region.objects.bulk_create(
        [
            Region(
                code=code,
                name=f"县{code}",
                level=Region.Level.COUNTY,
                geometry=_square(i),
                area_km2=Decimal("1000"),
                source="bench",
                source_digest="bench",
            )
            for i, code in enumerate(codes)
            if code not in existing
        ],
        batch_size=1000,
    )
    return list(Region.objects.filter(code__in=codes).order_by("code"))


def national_pilot(regions, size, *, pooled=0) -> PilotProgramme:
    programme = PilotProgramme.objects.create(
        name=f"全国试点 {size}+{pooled}",
        start_date=date(YEAR, 1, 1),
        end_date=date(YEAR + 2, 12, 31),
        market=True,
    )
    PilotMembership.objects.bulk_create(
        [PilotMembership(programme=programme, region=region) for region in regions]
    )
    _vertical(programme, regions)
    _horizontal(programme, regions)
    _pooled_funds(programme, regions, pooled)
    # Sink tonnes are claimed once per county and year: the size with the same counties
    # sells credits of the ten before the last ten.
    end = len(regions) - (10 if pooled else 0)
    _market(programme, regions[end - 10 : end])
    return programme


def _vertical(programme, regions):
    table = VerticalParameters.objects.create(
        programme=programme,
        year=YEAR,
        budget=Decimal("100000000000.00"),
        prohibited_subsidy_per_km2=Decimal("1000.00"),
    )
    SubsidyTier.objects.create(parameters=table, min_gap=0, coefficient=Decimal("0.4"))
    SubsidyTier.objects.create(
        parameters=table, min_gap=Decimal("500000000"), coefficient=Decimal("0.6")
    )
    AssessmentRule.objects.create(parameters=table, change="obvious-worse", percent=-5)
    RegionFiscalData.objects.bulk_create(
        [
            RegionFiscalData(
                parameters=table,
                region=region,
                standard_revenue=Decimal(300_000_000 + i * 10_007),
                standard_expenditure=Decimal(900_000_000 + i * 31_013),
                prohibited_area_km2=Decimal(i % 500),
            )
            for i, region in enumerate(regions)
        ],
        batch_size=1000,
    )
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


def _horizontal(programme, regions):
    for n, first in enumerate(range(0, len(regions) - 2, 28)):
        pooled = n % 2
        agreement = Agreement.objects.create(
            programme=programme,
            name=f"协议 {n}",
            rule=Agreement.Rule.POOLED_FUND if pooled else Agreement.Rule.WATER_QUALITY,
        )
        round_ = AgreementRound.objects.create(
            agreement=agreement,
            name="round",
            start_year=YEAR,
            end_year=YEAR,
            amount=Decimal("100000000.01"),
            stability_coefficient=Decimal("0.9"),
        )
        if pooled:
            for region, (paid, shared) in zip(
                regions[first : first + 3], ((1, 3), (5, 4), (4, 3)), strict=True
            ):
                AgreementParty.objects.create(
                    agreement=agreement,
                    region=region,
                    side="member",
                    contribution_ratio=paid,
                    allocation_ratio=shared,
                )
            continue
        AgreementParty.objects.create(
            agreement=agreement, region=regions[first], side="upstream", section=f"断面{n}"
        )
        AgreementParty.objects.create(
            agreement=agreement, region=regions[first + 1], side="downstream"
        )
        for pollutant, baseline in POLLUTANTS.items():
            IndexWeight.objects.create(
                round=round_,
                pollutant=pollutant,
                weight=Decimal("0.25"),
                baseline_mg_l=Decimal(baseline),
            )
            MonitoringRecord.objects.create(
                agreement=agreement,
                year=YEAR,
                section=f"断面{n}",
                pollutant=pollutant,
                value=Decimal(baseline) * Decimal("0.9" if n % 3 else "1.3"),
                source="bench",
            )


def _pooled_funds(programme, regions, count):
    """`count` three-member pooled funds over consecutive counties, round the list."""
    agreements = Agreement.objects.bulk_create(
        Agreement(programme=programme, name=f"基金 {n}", rule=Agreement.Rule.POOLED_FUND)
        for n in range(count)
    )
    AgreementRound.objects.bulk_create(
        AgreementRound(
            agreement=agreement,
            name="round",
            start_year=YEAR,
            end_year=YEAR,
            amount=Decimal("3000000.01"),
        )
        for agreement in agreements
    )
    AgreementParty.objects.bulk_create(
        (
            AgreementParty(
                agreement=agreement,
                region=regions[(3 * n + k) % len(regions)],
                side="member",
                contribution_ratio=paid,
                allocation_ratio=shared,
            )
            for n, agreement in enumerate(agreements)
            for k, (paid, shared) in enumerate(((1, 3), (5, 4), (4, 3)))
        ),
        batch_size=3000,
    )


def _market(programme, regions):
    version = MethodologyVersion.objects.filter(published=True).first()
    valuation = Valuation.objects.create(
        programme=programme,
        year=YEAR,
        methodology_version=version,
        price=CarbonPrice.objects.filter(market__code="CEA").first(),
        inputs={},
        code_version="bench",
        input_hash=f"bench-{programme.pk}",
    )
    buyer = CreditHolder.objects.create(name=f"买方 {programme.pk}", kind="buyer")
    for n, region in enumerate(regions):
        RegionPosition.objects.create(
            valuation=valuation,
            region=region,
            sink_tco2e=Decimal("5000"),
            emission_tco2e=0,
            net_tco2e=Decimal("5000"),
            value_cny=0,
        )
        plan, _ = PlanningVersion.objects.get_or_create(
            region=region, version=1, defaults={"name": "bench", "effective_from": date(2020, 1, 1)}
        )
        zone = Zone.objects.create(
            planning_version=plan,
            region=region,
            kind="ecological_red_line",
            geometry=region.geometry,
            area_km2=Decimal("1000"),
        )
        ValuationLine.objects.create(
            valuation=valuation,
            zone=zone,
            region=region,
            protected=True,
            land_use_code="03",
            area_ha=Decimal("1282.0513"),
            coefficient_tco2e=Decimal("3.9"),
            tco2e=Decimal("5000"),
        )
        project = CreditProject.objects.create(
            programme=programme,
            region=region,
            code=f"NAT{programme.pk:03d}{n:02d}",
            name="bench",
            methodology_version=version,
            crediting_start=date(YEAR, 1, 1),
            crediting_end=date(YEAR + 9, 12, 31),
        )
        project.zones.add(zone)
    verify_sink(valuation=valuation)
    for n, project in enumerate(CreditProject.objects.filter(programme=programme)):
        batch = credits.issue_batch(
            project=project,
            vintage=YEAR,
            idempotency_key=f"bench-issue-{project.pk}",
            on=date(YEAR, 3, 1),
        )
        holder = credits.protector_holder(project.region)
        for sale in range(20):
            credits.sell_units(
                units=credits.UnitRange(batch, sale * 100 + 1, sale * 100 + 100),
                holder=holder,
                buyer=buyer,
                price=Decimal("80.00"),
                key=f"bench-sale-{project.pk}-{sale}",
                on=date(YEAR, 6, 1 + n),
            )
