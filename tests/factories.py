"""Rows the tests build, made by factory-boy factories, and the scenes made of them.

Every test module that needs a user, a pilot, a valuation, an agreement or a credit
project takes it from here, never from another test module or another folder's conftest.
The factories write real rows to the test database (no mocks). Regions are not made
here: they come from the real boundaries (`pilots.regions.load_regions`), which the
fixtures of tests/fixtures.py load.

Units: areas in km² (zones, land cover) or ha (valuation lines); tonnes in tCO2e;
money in CNY; every amount a Decimal. The Xin'an scene (UPSTREAM 黄山市 pays or is
paid by DOWNSTREAM 淳安县) follows the agreement's own terms.
"""

import hashlib
from datetime import date
from decimal import Decimal

import factory
from django.contrib.auth.models import Group, User
from django.contrib.gis.gdal import CoordTransform, SpatialReference
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db import connection

from compensation import credits
from compensation.models import (
    Agreement,
    AgreementParty,
    AgreementRound,
    AssessmentRule,
    CarbonMarket,
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
from compensation.settlement import planning, posting, states
from compensation.sinks import verify_sink
from compensation.statements.issue import render_statement
from disclosure import services as disclosure_services
from disclosure.models import Release
from ledger.models import ChainHead
from ledger.services import EntrySpec, Leg
from passthrough import payments, plans
from passthrough.models import Recipient
from pilots.geometry import CHINA_ALBERS, STORAGE_SRID, area_km2, cgcs2000
from pilots.models import (
    LandCover,
    LandUseClass,
    PilotMembership,
    PilotProgramme,
    PlanningVersion,
    Region,
    Zone,
)
from supervision.models import Alert

UPSTREAM, DOWNSTREAM = "341000", "330127"  # 黄山市 (Anhui), 淳安县 (Zhejiang)
# Real boundaries: Anhui, 黄山市 and its counties; Zhejiang, 杭州市, 淳安县.
XINAN_PREFIXES = ["340000", "3410", "330000", "330100", "330127"]
KM = 1000  # metres


def albers_rectangle(region, dx_m, dy_m, width_m, height_m) -> MultiPolygon:
    """A rectangle laid out in metres in the Albers projection, inside the region, in 4490."""
    centre = region.geometry.point_on_surface.transform(
        CoordTransform(cgcs2000(), SpatialReference(CHINA_ALBERS)), clone=True
    )
    x, y = centre.x + dx_m, centre.y + dy_m
    rectangle = Polygon.from_bbox((x, y, x + width_m, y + height_m))
    rectangle.srid = None
    rectangle = rectangle.transform(
        CoordTransform(SpatialReference(CHINA_ALBERS), cgcs2000()), clone=True
    )
    rectangle.srid = STORAGE_SRID
    return MultiPolygon(rectangle, srid=STORAGE_SRID)


def albers_block(region, x, y, width, height) -> MultiPolygon:
    """Square kilometres (x, y) .. (x + width, y + height) of the Albers grid, as one shape."""
    cells = [
        albers_rectangle(region, i * KM, j * KM, KM, KM)[0]
        for i in range(x, x + width)
        for j in range(y, y + height)
    ]
    union = MultiPolygon(*cells, srid=STORAGE_SRID).unary_union
    return union if union.geom_type == "MultiPolygon" else MultiPolygon(union, srid=STORAGE_SRID)


def albers_strips(region, *numbers) -> MultiPolygon:
    """Half-kilometre strips number n (n × 500 m east of the centre), 1 km tall, joined:
    polygons built from the same vertices meet exactly."""
    strips = [albers_rectangle(region, n * 500, 0, 500, KM) for n in numbers]
    joined = strips[0]
    for strip in strips[1:]:
        joined = joined.union(strip)
    return MultiPolygon(joined) if joined.geom_type == "Polygon" else joined


class UserFactory(factory.django.DjangoModelFactory):
    """A staff user whose password is pw-<username>-2026, in the `group` named (or none)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.LazyAttribute(lambda user: f"pw-{user.username}-2026")
    is_staff = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class.objects.create_user(*args, **kwargs)

    @factory.post_generation
    def group(self, create, name):
        if name:
            self.groups.add(Group.objects.get(name=name))


class PilotProgrammeFactory(factory.django.DjangoModelFactory):
    """A pilot programme; `regions` (Region rows) become its members."""

    class Meta:
        model = PilotProgramme
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"pilot {n}")
    start_date = date(2023, 1, 1)
    end_date = date(2025, 12, 31)

    @factory.post_generation
    def regions(self, create, regions):
        for region in regions or ():
            PilotMembership.objects.create(programme=self, region=region)


class PlanningVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanningVersion
        django_get_or_create = ("region", "version")

    name = "plan"
    version = 1
    effective_from = date(2020, 1, 1)


class ZoneFactory(factory.django.DjangoModelFactory):
    """A zone of its planning version's region; its area (km²) is measured from the geometry."""

    class Meta:
        model = Zone

    region = factory.SelfAttribute("planning_version.region")
    kind = Zone.Kind.ECOLOGICAL_RED_LINE
    area_km2 = factory.LazyAttribute(lambda zone: area_km2(zone.geometry))


class LandCoverFactory(factory.django.DjangoModelFactory):
    """A land-cover parcel: pass `code` (三调 DLBM), the area (km²) is measured."""

    class Meta:
        model = LandCover

    class Params:
        code = "03"

    land_use = factory.LazyAttribute(
        lambda cover: LandUseClass.objects.get(scheme="third-survey", code=cover.code)
    )
    survey_year = 2023
    source = "test"
    area_km2 = factory.LazyAttribute(lambda cover: area_km2(cover.geometry))


def add_zone(plan, kind, geometry) -> Zone:
    return ZoneFactory(planning_version=plan, kind=kind, geometry=geometry)


def add_cover(region, code, geometry, year=2023, **survey) -> LandCover:
    """A land-cover parcel; `survey` sets 三调 attributes (official_area_m2, deduction_m2...)."""
    return LandCoverFactory(region=region, code=code, geometry=geometry, survey_year=year, **survey)


def publish(plan) -> None:
    plan.published = True
    plan.save()


def protected_zone(region) -> Zone:
    """A 1 km² red-line zone of the region's plan version 1 (made if missing)."""
    return ZoneFactory(
        planning_version=PlanningVersionFactory(region=region),
        geometry=albers_rectangle(region, 0, 0, KM, KM),
        area_km2=Decimal("1.0000"),
    )


class ValuationFactory(factory.django.DjangoModelFactory):
    """A current valuation with the first published methodology and the CEA price of its year."""

    class Meta:
        model = Valuation

    year = 2024
    methodology_version = factory.LazyFunction(
        lambda: MethodologyVersion.objects.filter(published=True).first()
    )
    price = factory.LazyAttribute(
        lambda v: CarbonPrice.objects.filter(market__code="CEA", date__year__lte=v.year).first()
    )
    inputs = factory.LazyFunction(dict)
    code_version = "test"
    input_hash = factory.LazyAttribute(lambda v: f"{v.year}-{Valuation.objects.count()}")


class RegionPositionFactory(factory.django.DjangoModelFactory):
    """A region's sink and emissions (tCO2e); net is their difference, value 0 CNY."""

    class Meta:
        model = RegionPosition

    sink_tco2e = Decimal("0.000")
    emission_tco2e = Decimal("0.000")
    net_tco2e = factory.LazyAttribute(lambda p: p.sink_tco2e - p.emission_tco2e)
    value_cny = Decimal("0.00")


def make_valuation(programme, year, positions) -> Valuation:
    """The current valuation of `year`, its regions (code → (sink, emissions) in tCO2e)."""
    Valuation.objects.filter(programme=programme, year=year, current=True).update(current=False)
    valuation = ValuationFactory(programme=programme, year=year)
    for code, (sink, emission) in positions.items():
        RegionPositionFactory(
            valuation=valuation,
            region=Region.objects.get(code=code),
            sink_tco2e=Decimal(sink),
            emission_tco2e=Decimal(emission),
        )
    return valuation


def verified(programme, year, positions) -> Valuation:
    """make_valuation, its sink verified into the ledger."""
    valuation = make_valuation(programme, year, positions)
    verify_sink(valuation=valuation)
    return valuation


class CreditProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CreditProject

    code = "XAJ001"
    name = "黄山林业碳汇"
    methodology_version = factory.LazyFunction(
        lambda: MethodologyVersion.objects.filter(published=True).first()
    )
    crediting_start = date(2021, 1, 1)
    crediting_end = date(2030, 12, 31)


def credit_project(valuation, *, tonnes: str, code: str = "XAJ001") -> CreditProject:
    """A credit project on one new upstream zone holding `tonnes` of the valuation's sink."""
    region = Region.objects.get(code=UPSTREAM)
    zone = protected_zone(region)
    ValuationLine.objects.create(
        valuation=valuation,
        zone=zone,
        region=region,
        protected=True,
        land_use_code="03",
        area_ha=(Decimal(tonnes) / Decimal("3.9")).quantize(Decimal("0.0001")),
        coefficient_tco2e=Decimal("3.9"),
        tco2e=Decimal(tonnes),
    )
    project = CreditProjectFactory(programme=valuation.programme, region=region, code=code)
    project.zones.add(zone)
    return project


STAKE = Decimal("200000000.00")  # CNY, the Xin'an round's stake
SECTION = "街口"  # the Xin'an monitoring section at the provincial border
BASELINE = {"CODMn": "1.94", "NH3-N": "0.089", "TN": "1.15", "TP": "0.021"}  # mg/L


def xinan_agreement(
    programme,
    *,
    top_up="0",
    k0="0.90",
    start_year=2024,
    name="新安江流域横向生态补偿",
    upstream=UPSTREAM,
    downstream=DOWNSTREAM,
    section=SECTION,
) -> Agreement:
    """The Xin'an water-quality agreement: a three-year round of STAKE CNY, four pollutants
    weighted 0.25 each against BASELINE, stability coefficient k0, central top-up (CNY);
    another boundary of the same shape with name, upstream, downstream and section."""
    agreement = Agreement.objects.create(
        programme=programme, name=name, rule=Agreement.Rule.WATER_QUALITY
    )
    AgreementParty.objects.create(
        agreement=agreement,
        region=Region.objects.get(code=upstream),
        side=AgreementParty.Side.UPSTREAM,
        section=section,
    )
    AgreementParty.objects.create(
        agreement=agreement,
        region=Region.objects.get(code=downstream),
        side=AgreementParty.Side.DOWNSTREAM,
    )
    round_ = AgreementRound.objects.create(
        agreement=agreement,
        name="第四轮",
        start_year=start_year,
        end_year=start_year + 2,
        amount=STAKE,
        central_top_up=Decimal(top_up),
        stability_coefficient=Decimal(k0),
    )
    for pollutant, baseline in BASELINE.items():
        IndexWeight.objects.create(
            round=round_,
            pollutant=pollutant,
            weight=Decimal("0.25"),
            baseline_mg_l=Decimal(baseline),
        )
    return agreement


class MonitoringRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonitoringRecord

    section = SECTION
    unit = "mg/L"
    source = "test"


def monitor(agreement, year, values, unit="mg/L", section=SECTION) -> None:
    """The annual means (pollutant → value in `unit`) of the agreement's section in `year`."""
    for pollutant, value in values.items():
        MonitoringRecordFactory(
            agreement=agreement,
            year=year,
            pollutant=pollutant,
            value=Decimal(value),
            unit=unit,
            section=section,
        )


def parameters(programme, *, budget="10000000.00", carbon=True, year=2024) -> VerticalParameters:
    """Vertical parameters of `year`: budget (CNY), tiers 0.5 / 0.7 from a 5,000,000 gap,
    -5% for an obviously worse EI, fiscal data of both Xin'an regions, the CEA carbon term
    at weight 0.5 unless `carbon` is False."""
    table = VerticalParameters.objects.create(
        programme=programme,
        year=year,
        budget=Decimal(budget),
        prohibited_subsidy_per_km2=Decimal("1000.00"),
        prohibited_subsidy_per_area=Decimal("50000.00"),
        carbon_market=CarbonMarket.objects.get(code="CEA") if carbon else None,
        carbon_weight=Decimal("0.5") if carbon else Decimal(0),
    )
    SubsidyTier.objects.create(parameters=table, min_gap=0, coefficient=Decimal("0.5"))
    SubsidyTier.objects.create(parameters=table, min_gap=5_000_000, coefficient=Decimal("0.7"))
    AssessmentRule.objects.create(
        parameters=table, change=AssessmentRule.Change.OBVIOUS_WORSE, percent=Decimal("-5")
    )
    RegionFiscalData.objects.create(
        parameters=table,
        region=Region.objects.get(code=UPSTREAM),
        standard_revenue=Decimal("8000000.00"),
        standard_expenditure=Decimal("14000000.00"),
        prohibited_area_km2=Decimal("120.5"),
        prohibited_areas=3,
        guiding_subsidy=Decimal("100000.00"),
    )
    RegionFiscalData.objects.create(
        parameters=table,
        region=Region.objects.get(code=DOWNSTREAM),
        standard_revenue=Decimal("5000000.00"),
        standard_expenditure=Decimal("7000000.00"),
    )
    return table


class EcologicalIndexFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EcologicalIndex

    source = "test"


def ei(code, year, value) -> EcologicalIndex:
    """The ecological index (EI, HJ 192) of region `code` in `year`."""
    return EcologicalIndexFactory(
        region=Region.objects.get(code=code), year=year, value=Decimal(value)
    )


def make_pilot(pilot, year: int):
    """`year` due: vertical (no carbon term), the Xin'an agreement (P = 0.8386), one sale."""
    for code, before, after in ((UPSTREAM, "70.0", "66.5"), (DOWNSTREAM, "60.0", "60.5")):
        ei(code, year - 1, before)
        ei(code, year, after)
    parameters(pilot, carbon=False, year=year)
    agreement = xinan_agreement(pilot, start_year=year)
    monitor(agreement, year, {"CODMn": "1.80", "NH3-N": "0.080", "TN": "1.20", "TP": "0.018"})
    valuation = verified(pilot, year, {UPSTREAM: ("1000", "100"), DOWNSTREAM: ("0", "500")})
    project = credit_project(valuation, tonnes="1000.000")
    batch = credits.issue_batch(
        project=project, vintage=year, idempotency_key="i", on=date(year, 6, 1)
    )
    buyer = CreditHolder.objects.create(name="电厂", kind=CreditHolder.Kind.BUYER)
    credits.sell_units(
        units=credits.UnitRange(batch, 1, 100),
        holder=credits.protector_holder(project.region),
        buyer=buyer,
        price=Decimal("80.00"),
        key="sale",
        on=date(year, 7, 1),
    )
    return pilot


def posted_run(pilot_programme, started_by, approved_by):
    """The programme's 2024 run, calculated inline, approved and posted."""
    run = planning.start_run(programme=pilot_programme, period=Period.year(2024), by=started_by)
    run = planning.calculate(run, by=started_by, inline=True)
    states.approve(run, by=approved_by, reason="checked")
    return posting.post(run, by=approved_by)


def render_all(run) -> None:
    for statement in run.statements.all():
        render_statement(statement.pk)


def plan_version(region, version: int, year: int) -> PlanningVersion:
    """Planning version `version` of the region ("plan <version>"), in force from 1 January."""
    return PlanningVersionFactory(
        region=region, name=f"plan {version}", version=version, effective_from=date(year, 1, 1)
    )


def red_line_strip(region) -> MultiPolygon:
    """The 50 ha strip of red line a growing town takes in plan version 2."""
    return albers_rectangle(region, KM, 0, 500, KM)


def red_line_east(region) -> MultiPolygon:
    """The 150 ha of red line east of the strip, kept in every plan version."""
    return albers_rectangle(region, 1500, 0, 1500, KM)


class AlertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Alert

    year = 2024


def sink_decline_alert(region, rule) -> Alert:
    """An alert as the sink-decline rule raises it: 100 t in 2023, 87.5 t in 2024 (-12.5%)."""
    return AlertFactory(
        rule=rule,
        region=region,
        fingerprint="sink:2024",
        measured=Decimal("12.5"),
        facts={
            "percent": "12.50",
            "before": "100.000",
            "after": "87.500",
            "year_before": 2023,
            "year": 2024,
            "threshold": "5",
        },
    )


DAY = date(2026, 1, 15)  # the ledger tests' effective date


def transfer(key, debit, credit, amount, day=DAY, description="transfer") -> EntrySpec:
    """A two-leg entry: `amount` (Decimal, the accounts' commodity) from `credit` to `debit`."""
    return EntrySpec(
        idempotency_key=key,
        effective_date=day,
        description=description,
        legs=[Leg.debit(debit, amount), Leg.credit(credit, amount)],
    )


def _raw_sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchone() if cursor.description else None


def raw_entry(
    key, *, reverses=None, sealed=True, sequence=None, previous_hash=None, created_txid=None
):
    """Insert an entry the way a careful intruder would: as the next link of the chain."""
    head = ChainHead.objects.get(pk=1)
    return _raw_sql(
        "INSERT INTO ledger_journalentry (sequence, idempotency_key, effective_date, "
        "description, cause, posted_at, content_digest, previous_hash, hash, sealed, "
        "reverses_id, created_txid) VALUES (%s, %s, '2026-01-15', 'raw', '', now(), '', %s, "
        "%s, %s, %s, coalesce(%s, txid_current())) RETURNING id",
        [
            sequence or head.last_sequence + 1,
            key,
            previous_hash or head.last_hash,
            hashlib.sha256(key.encode()).hexdigest(),
            sealed,
            reverses,
            created_txid,
        ],
    )[0]


def raw_postings(entry_id, rows):
    """Insert postings (account id, commodity code, amount in minor units) of an entry, raw."""
    for account_id, commodity, amount in rows:
        _raw_sql(
            "INSERT INTO ledger_posting (entry_id, account_id, commodity_id, effective_date, "
            "amount_minor) VALUES (%s, %s, %s, '2026-01-15', %s)",
            [entry_id, account_id, commodity, amount],
        )


def release(officials, kind, pilot_programme, *, action=Release.Action.RELEASE, **target):
    """`kind` of `pilot_programme` (and `target`), proposed by one official, approved by another."""
    proposer, approver = officials
    proposal = disclosure_services.propose_release(
        kind=kind, programme=pilot_programme, by=proposer, action=action, **target
    )
    return disclosure_services.approve_release(proposal, by=approver)


class RecipientFactory(factory.django.DjangoModelFactory):
    """A village collective named 村<n>; a household: kind="household", name="" (by code only)."""

    class Meta:
        model = Recipient
        skip_postgeneration_save = True

    kind = Recipient.Kind.VILLAGE
    code = factory.Sequence(lambda n: f"V{n:03d}")
    name = factory.Sequence(lambda n: f"村{n}")

    @factory.post_generation
    def zones(self, create, zones):
        if zones:
            self.zones.set(zones)


PASS_THROUGH_DUE = date(2025, 3, 31)


def villages_plan(world, codes=("V1", "V2", "V3", "V4"), due=PASS_THROUGH_DUE):
    """UPSTREAM's receipts of the world's run (204,349,975.00 CNY) passed on to new village
    collectives `codes` in equal shares, due `due`: proposed by the operator, approved and
    posted by the finance official; returns the posted plan."""
    upstream = Region.objects.get(code=UPSTREAM)
    villages = [RecipientFactory(region=upstream, code=code) for code in codes]
    plan = plans.propose_plan(
        run=world["run"],
        region=upstream,
        method="shares",
        lines=[plans.LineSpec(recipient=v, due_date=due, weight=Decimal(1)) for v in villages],
        by=world["users"]["operator"],
    )
    return plans.approve_plan(plan, by=world["users"]["finance"])


def voucher(world, reference, paid_on, amount, payee, *, account="", region=UPSTREAM):
    """A treasury voucher of `region` recorded by the world's operator (matched if it can be)."""
    return payments.record_payment(
        by=world["users"]["operator"],
        region=Region.objects.get(code=region),
        kind="voucher",
        reference=reference,
        paid_on=paid_on,
        amount=Decimal(amount),
        payee_code=payee,
        payee_account=account,
    )


def zone_of(plan, x_km: int, width_km: int) -> Zone:
    """A red-line zone of `plan`, `width_km` km² (width × 1 km) starting `x_km` km east."""
    return ZoneFactory(
        planning_version=plan,
        geometry=albers_rectangle(plan.region, x_km * KM, 0, width_km * KM, KM),
        area_km2=Decimal(width_km),
    )
