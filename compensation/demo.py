"""The demo's channel inputs for the Xin'an pilot: illustrative figures, labelled as such.

Fiscal data, EI values, monitoring means and the credit sale are made up to
exercise every channel; the structure (tiers, K0, K_i, stakes, buffer) follows
DOMAIN.md. Nothing here is an official figure.
"""

from datetime import date
from decimal import Decimal

from django.db import transaction

from compensation import credits
from compensation.models import (
    Agreement,
    AgreementParty,
    AgreementRound,
    AllocationMethod,
    AssessmentRule,
    CascadeTier,
    CreditHolder,
    CreditProject,
    EcologicalIndex,
    IndexWeight,
    MethodFactor,
    Methodology,
    MethodologyVersion,
    MonitoringRecord,
    RegionFiscalData,
    RegionIndicator,
    SettlementRun,
    SinkCoefficient,
    SubsidyTier,
    Valuation,
    VerticalParameters,
)
from compensation.periods import Period
from compensation.settlement import planning, posting, states
from compensation.sinks import approve_verification, request_verification
from compensation.statements.issue import issue_statements
from pilots.models import Region, Zone

ILLUSTRATIVE = "演示用示意数值，并非官方统计"
YEAR = 2024
SECTION = "街口"
FISCAL = {
    # region: (standard revenue, standard expenditure, prohibited km², areas, guiding subsidy)
    "341000": ("9800000000.00", "15600000000.00", "1267.5", 6, "20000000.00"),
    "330127": ("4100000000.00", "5300000000.00", "412.0", 2, "0.00"),
}
EI = {"341000": ("78.40", "79.10"), "330127": ("74.20", "70.60")}
# The order of the published figures: the central key-ecological-function-area transfer
# was 1,091亿元 in 2023 for about 800 counties (DOMAIN.md §3), some 1.3亿元 a county.
# The demo's central budget for its two regions (a city of seven counties and one
# county) is 6亿元, which the allocations exceed, so the cap binds as it does nationally.
VERTICAL_BUDGET = Decimal("600000000.00")
# The 2025 cascade: central 60亿元 to the two provinces; each passes at most its cap to
# its demo region (the rest would go to its other counties, which the demo leaves out).
CENTRAL_CAP = Decimal("6000000000.00")
CASCADE = [
    # province, its demo region, province fiscal gap, province population, region
    # population, the province's cap for the demo region (CNY)
    ("340000", "341000", "180000000000", "61270000", "1330000", "550000000.00"),
    ("330000", "330127", "60000000000", "66270000", "330000", "80000000.00"),
]
BASELINE = {"CODMn": "1.94", "NH3-N": "0.089", "TN": "1.15", "TP": "0.021"}
MEANS_2024 = {"CODMn": "1.80", "NH3-N": "0.080", "TN": "1.20", "TP": "0.018"}
BASE_METHODOLOGY = "广东省2018年土地利用碳汇系数"
DEMO_METHODOLOGY = "三调工作分类碳汇系数（演示，以广东 2018 年系数表为基础）"
# 三调 working classes that the Guangdong 2018 table does not list, and which of its
# figures the demo gives them: built-up for 05-10; the grassland figure for 02 种植园用地
# (perennial cover that the table does not value): assumptions, not a published table.
EXTENDED_CLASSES = {
    "02": "04",
    "05": "20",
    "06": "20",
    "07": "20",
    "08": "20",
    "09": "20",
    "10": "20",
}


def demo_methodology_version() -> MethodologyVersion:
    """The demo's methodology, once: the Guangdong 2018 table (version 1, as seeded) with
    a coefficient for every 三调 working class a DLTB layer has (EXTENDED_CLASSES).

    A real DLTB layer names classes 02 and 05-10 that the seeded tables do not value;
    officials would publish such a version of their own.
    """
    methodology, _created = Methodology.objects.get_or_create(
        name=DEMO_METHODOLOGY,
        defaults={"description": f"{ILLUSTRATIVE}: {EXTENDED_CLASSES}"},
    )
    existing = methodology.versions.filter(version=1).first()
    if existing is not None:
        return existing
    base = MethodologyVersion.objects.get(methodology__name__startswith=BASE_METHODOLOGY, version=1)
    values = dict(base.coefficients.values_list("land_use_code", "value"))
    values |= {code: values[like] for code, like in EXTENDED_CLASSES.items()}
    with transaction.atomic():
        version = MethodologyVersion.objects.create(
            methodology=methodology,
            version=1,
            scheme=base.scheme,
            unit=base.unit,
            valid_from=base.valid_from,
            citation="以广东省 2018 年土地利用碳汇系数表（吨二氧化碳/公顷/年）为基础：林地 3.9、"
            "湿地 0.6、草地 0.2、耕地 -0.1、建设用地 -0.6；水域（11）不在表中，取湿地系数，"
            "未利用地（12）取 0，二者均为待核实的假设。演示扩展（"
            f"{ILLUSTRATIVE}）：02 取草地系数，05–10 取建设用地系数。",
        )
        SinkCoefficient.objects.bulk_create(
            SinkCoefficient(version=version, land_use_code=code, value=value)
            for code, value in sorted(values.items())
        )
        version.published = True
        version.save(update_fields=["published"])
    return version


def load_channel_demo(valuation: Valuation, *, requester, approver) -> bool:
    """Verify the valuation's sink and set up all three channels once; False if already there.

    The sink goes through the maker-checker step officials use: `requester`
    requests verification, `approver` (another ecology official) approves it.
    """
    programme = valuation.programme
    if VerticalParameters.objects.filter(programme=programme, year=YEAR).exists():
        return False
    with transaction.atomic():
        verification = request_verification(valuation=valuation, by=requester, reason="演示数据")
        approve_verification(verification, by=approver, reason="演示数据")
        _vertical(programme)
        _cascade(programme)
        _horizontal(programme)
        _market(programme, valuation)
    return True


def _vertical(programme):
    table = VerticalParameters.objects.create(
        programme=programme,
        year=YEAR,
        budget=VERTICAL_BUDGET,
        prohibited_subsidy_per_km2=Decimal("20000.00"),
        prohibited_subsidy_per_area=Decimal("5000000.00"),
        source=ILLUSTRATIVE,
    )
    SubsidyTier.objects.create(parameters=table, min_gap=0, coefficient=Decimal("0.40"))
    SubsidyTier.objects.create(
        parameters=table, min_gap=Decimal("5000000000"), coefficient=Decimal("0.55")
    )
    for change, percent in (
        (AssessmentRule.Change.SLIGHT_WORSE, "-2"),
        (AssessmentRule.Change.OBVIOUS_WORSE, "-5"),
        (AssessmentRule.Change.LARGE_WORSE, "-10"),
        (AssessmentRule.Change.OBVIOUS_BETTER, "2"),
    ):
        AssessmentRule.objects.create(parameters=table, change=change, percent=Decimal(percent))
    for code, (revenue, expenditure, km2, areas, guiding) in FISCAL.items():
        region = Region.objects.get(code=code)
        RegionFiscalData.objects.create(
            parameters=table,
            region=region,
            standard_revenue=Decimal(revenue),
            standard_expenditure=Decimal(expenditure),
            prohibited_area_km2=Decimal(km2),
            prohibited_areas=areas,
            guiding_subsidy=Decimal(guiding),
        )
        for year, value in zip((YEAR - 1, YEAR), EI[code], strict=True):
            EcologicalIndex.objects.create(
                region=region, year=year, value=Decimal(value), source=ILLUSTRATIVE
            )


def _cascade(programme):
    """The next year's vertical money as a cascade, for officials to preview and compare:
    central → 安徽省, 浙江省 (fiscal gap and population) → 黄山市, 淳安县 (an illustrative
    provincial method: population and a fixed share, EI reward and deduction).
    Every method is marked illustrative (示意) and cites ILLUSTRATIVE."""
    year = YEAR + 1
    Kind, Share = MethodFactor.Kind, MethodFactor.Basis.SHARE
    central = _published_method(
        "中央重点生态功能区转移支付分配办法（示意）",
        [(Kind.FISCAL_GAP, Share, "0.6"), (Kind.POPULATION, Share, "0.4")],
        cap=CENTRAL_CAP,
    )
    top = CascadeTier.objects.create(programme=programme, year=year, level=1, method=central)
    for province, county, gap, people, county_people, cap in CASCADE:
        payer = Region.objects.get(code=province)
        top.recipients.add(payer)
        method = _published_method(
            f"{payer.name}重点生态功能区转移支付分配办法（示意）",
            [(Kind.POPULATION, Share, "0.7"), (Kind.FIXED, Share, "0.3")],
            cap=Decimal(cap),
            issuer=payer,
            adjustments=[("obvious-worse", "-5"), ("obvious-better", "3")],
        )
        tier = CascadeTier.objects.create(
            programme=programme, year=year, level=2, payer=payer, method=method
        )
        recipient = Region.objects.get(code=county)
        tier.recipients.add(recipient)
        for region, kind, value in (
            (payer, Kind.FISCAL_GAP, gap),
            (payer, Kind.POPULATION, people),
            (recipient, Kind.POPULATION, county_people),
        ):
            RegionIndicator.objects.create(
                region=region, year=year, kind=kind, value=Decimal(value), source=ILLUSTRATIVE
            )
        EcologicalIndex.objects.create(
            region=recipient, year=year, value=Decimal(EI[county][1]) + 1, source=ILLUSTRATIVE
        )


def _published_method(name, factors, *, cap=None, issuer=None, adjustments=()):
    method = AllocationMethod.objects.create(
        name=name, version=1, issuer=issuer, budget_cap=cap, illustrative=True, source=ILLUSTRATIVE
    )
    for kind, basis, weight in factors:
        method.factors.create(kind=kind, basis=basis, weight=Decimal(weight), source=ILLUSTRATIVE)
    for change, percent in adjustments:
        method.adjustments.create(change=change, percent=Decimal(percent))
    method.published = True
    method.save(update_fields=["published"])
    return method


def _horizontal(programme):
    agreement = Agreement.objects.create(
        programme=programme,
        name="新安江流域上下游横向生态补偿协议（演示）",
        rule=Agreement.Rule.WATER_QUALITY,
        description="以新安江流域上下游横向生态补偿协议为模板；金额与手段均为示意。",
    )
    AgreementParty.objects.create(
        agreement=agreement,
        region=Region.objects.get(code="341000"),
        side=AgreementParty.Side.UPSTREAM,
        section=SECTION,
    )
    AgreementParty.objects.create(
        agreement=agreement,
        region=Region.objects.get(code="330127"),
        side=AgreementParty.Side.DOWNSTREAM,
    )
    round_ = AgreementRound.objects.create(
        agreement=agreement,
        name="2024–2026",
        start_year=2024,
        end_year=2026,
        amount=Decimal("200000000.00"),
        stability_coefficient=Decimal("0.90"),
    )
    for pollutant, baseline in BASELINE.items():
        IndexWeight.objects.create(
            round=round_, pollutant=pollutant, weight=Decimal("0.25"), baseline_mg_l=baseline
        )
        MonitoringRecord.objects.create(
            agreement=agreement,
            year=YEAR,
            section=SECTION,
            pollutant=pollutant,
            value=Decimal(MEANS_2024[pollutant]),
            source=ILLUSTRATIVE,
        )


def _market(programme, valuation):
    region = Region.objects.get(code="341000")
    zones = Zone.objects.filter(
        region=region, protected=True, pk__in=valuation.lines.values("zone")
    ).order_by("pk")[:3]
    project = CreditProject.objects.create(
        programme=programme,
        region=region,
        code="XAJ001",
        name="黄山市森林碳汇项目（演示）",
        methodology_version=valuation.methodology_version,
        crediting_start=date(2024, 1, 1),
        crediting_end=date(2033, 12, 31),
    )
    project.zones.set(zones)
    batch = credits.issue_batch(
        project=project, vintage=YEAR, idempotency_key="demo:issue", on=date(YEAR, 12, 1)
    )
    buyer = CreditHolder.objects.create(name="某发电企业（演示）", kind=CreditHolder.Kind.BUYER)
    sold = min(1000, batch.units - batch.buffer_units)
    credits.sell_units(
        units=credits.UnitRange(batch, 1, sold),
        holder=credits.protector_holder(region),
        buyer=buyer,
        price=Decimal("70.00"),
        key="demo:sale",
        on=date(YEAR, 12, 20),
    )
    credits.retire_units(
        units=credits.UnitRange(batch, 1, sold // 2),
        holder=buyer,
        beneficiary=buyer.name,
        publish_beneficiary=True,
        reason="2024 年自愿抵销（演示数据）",
        key="demo:retire",
        on=date(YEAR, 12, 28),
    )


def settle_demo(programme, *, maker, checker) -> SettlementRun:
    """The demo's 2024 run: calculated by `maker`, approved by `checker`, posted; once."""
    period = Period.year(YEAR)
    run = planning.start_and_calculate(
        programme=programme, period=period, by=maker, reason="演示数据", inline=True, resume=True
    )
    if run.status == SettlementRun.Status.CALCULATED:
        run = states.approve(run, by=checker, reason="演示数据")
    if run.status == SettlementRun.Status.APPROVED:
        run = posting.post(run, by=checker, reason="演示数据")
    if run.status == SettlementRun.Status.POSTED:
        run = issue_statements(run, by=checker, inline=True)
    return run
