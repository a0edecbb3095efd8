"""The vertical cascade: central → 安徽省, 浙江省 → their counties, each tier by its own method."""

import io
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from openpyxl import load_workbook

from compensation.channels import compute_period, vertical
from compensation.exceptions import ChannelInputError
from compensation.models import (
    AllocationMethod,
    CascadeTier,
    MethodFactor,
    RegionIndicator,
    SettlementRun,
    Statement,
)
from compensation.periods import Period
from compensation.settlement import planning, posting, reports, states
from compensation.statements.inputs import input_lines, labelled_inputs
from compensation.statements.issue import issue_statements, render
from compensation.statements.verify import pdf_text
from ledger.models import Account
from ledger.selectors import account_balance
from pilots.models import Region
from pilots.regions import load_regions
from tests.conftest import committing
from tests.factories import (
    BASELINE,
    XINAN_PREFIXES,
    PilotProgrammeFactory,
    ei,
    make_valuation,
    monitor,
    parameters,
    xinan_agreement,
)

YEAR = 2024
ANHUI, ZHEJIANG = "340000", "330000"
SHEXIAN, XIUNING, YIXIAN = "341021", "341022", "341023"  # 歙县, 休宁县, 黟县
HANGZHOU, CHUN_AN = "330100", "330127"  # 杭州市, 淳安县
Share, Rate = MethodFactor.Basis.SHARE, MethodFactor.Basis.RATE
Kind = MethodFactor.Kind


def method(name, factors, *, cap=None, published=True, version=1, adjustments=()):
    found = AllocationMethod.objects.create(
        name=name, version=version, budget_cap=cap, source="test", published=False
    )
    for kind, basis, weight in factors:
        found.factors.create(kind=kind, basis=basis, weight=Decimal(weight))
    for change, percent in adjustments:
        found.adjustments.create(change=change, percent=Decimal(percent))
    if published:
        found.published = True
        found.save()
    return found


def indicators(kind, values):
    for code, value in values.items():
        RegionIndicator.objects.create(
            region=Region.objects.get(code=code),
            year=YEAR,
            kind=kind,
            value=Decimal(value),
            source="test",
        )


def tier(programme, level, payer, chosen, recipients):
    created = CascadeTier.objects.create(
        programme=programme,
        year=YEAR,
        level=level,
        payer=Region.objects.get(code=payer) if payer else None,
        method=chosen,
    )
    created.recipients.set(Region.objects.filter(code__in=recipients))
    return created


@pytest.fixture
def cascade(db):
    """Central (10,000,000: fiscal gap 60 %, population 40 %) → 安徽省, 浙江省;
    安徽省 (cap 6,000,000; population) → 歙县, 休宁县, 黟县;
    浙江省 (no cap; 1,000,000 each + fiscal gap × 0.5) → 杭州市, 淳安县."""
    load_regions(prefixes=XINAN_PREFIXES)
    programme = PilotProgrammeFactory(
        name="纵向分级试点",
        regions=Region.objects.filter(Q(level=Region.Level.COUNTY) | Q(code=HANGZHOU)),
    )
    indicators(Kind.FISCAL_GAP, {ANHUI: "30000000", ZHEJIANG: "10000000"})
    indicators(Kind.POPULATION, {ANHUI: "61000000", ZHEJIANG: "65000000"})
    indicators(Kind.POPULATION, {SHEXIAN: "360000", XIUNING: "240000", YIXIAN: "90000"})
    indicators(Kind.FISCAL_GAP, {HANGZHOU: "1000000", CHUN_AN: "4000000"})
    central = method(
        "中央重点生态功能区转移支付",
        [(Kind.FISCAL_GAP, Share, "0.6"), (Kind.POPULATION, Share, "0.4")],
        cap="10000000.00",
    )
    anhui = method("安徽省分配办法", [(Kind.POPULATION, Share, "1")], cap="6000000.00")
    zhejiang = method(
        "浙江省分配办法", [(Kind.FIXED, Rate, "1000000"), (Kind.FISCAL_GAP, Rate, "0.5")]
    )
    tiers = {
        "central": tier(programme, 1, None, central, [ANHUI, ZHEJIANG]),
        ANHUI: tier(programme, 2, ANHUI, anhui, [SHEXIAN, XIUNING, YIXIAN]),
        ZHEJIANG: tier(programme, 2, ZHEJIANG, zhejiang, [HANGZHOU, CHUN_AN]),
    }
    return programme, tiers


def amounts(transfers):
    return {(t.payer_account.code, t.payee_account.code): t.amount for t in transfers}


def test_two_tiers_exact_to_the_fen(cascade):
    programme, _tiers = cascade

    transfers = compute_period(vertical.CHANNEL, programme, Period.year(YEAR))

    assert amounts(transfers) == {
        # gap 0.6 × 10M × 30/40 = 4,500,000 + population 0.4 × 10M × 61/126 = 1,936,507.9365…
        # = 6,436,507.9365…; 浙江 1,500,000 + 2,063,492.0634… = 3,563,492.0634…; the fen
        # left after rounding down goes to 安徽 (remainder 0.65 fen against 0.35)
        ("cny:central:vertical", "cny:region:340000:vertical:pass"): Decimal("6436507.94"),
        ("cny:central:vertical", "cny:region:330000:vertical:pass"): Decimal("3563492.06"),
        # 安徽: received 6,436,507.94, its cap 6,000,000 binds; by population 360:240:90
        # = 3,130,434.7826…, 2,086,956.5217…, 782,608.6956… (the fen left to 黟县)
        ("cny:region:340000:vertical:pass", "cny:region:341021:vertical"): Decimal("3130434.78"),
        ("cny:region:340000:vertical:pass", "cny:region:341022:vertical"): Decimal("2086956.52"),
        ("cny:region:340000:vertical:pass", "cny:region:341023:vertical"): Decimal("782608.70"),
        # 浙江 wants 1,500,000 + 3,000,000 = 4,500,000 but received 3,563,492.06: scaled
        # 1:2 = 1,187,830.6866… and 2,375,661.3733… (the fen left to 杭州市)
        ("cny:region:330000:vertical:pass", "cny:region:330100:vertical"): Decimal("1187830.69"),
        ("cny:region:330000:vertical:pass", "cny:region:330127:vertical"): Decimal("2375661.37"),
    }
    anhui = next(t for t in transfers if t.payee_region == ANHUI)
    assert "received" not in anhui.inputs  # the central tier receives from no tier above
    assert not any("None" in line for line in input_lines(anhui.inputs))
    shexian = next(t for t in transfers if t.payee_region == SHEXIAN)
    assert shexian.inputs["received"] == "6436507.94"
    assert shexian.inputs["budget"] == "6000000.00"
    assert shexian.inputs["unallocated"] == "436507.94"
    assert shexian.inputs["factor:population"] == {
        "indicator": "360000.0000",
        "amount": "3130434.78",
    }
    assert (
        "人口因素 population factor：指标 indicator 360,000.0000，金额 amount 3,130,434.78 元"
        in (input_lines(shexian.inputs))
    )
    assert "留存未拨 kept, not passed on (元)：436,507.94" in input_lines(shexian.inputs)
    chun_an = next(t for t in transfers if t.payee_region == CHUN_AN)
    assert chun_an.inputs["scaled"] == "true"
    assert chun_an.inputs["shortfall"] == "936507.94"
    assert chun_an.inputs["factor:fixed"] == {"indicator": "1", "amount": "1000000.00"}
    assert chun_an.inputs["factor:fiscal-gap"] == {
        "indicator": "4000000.0000",
        "amount": "2000000.00",
    }
    assert chun_an.inputs["allocation"] == "3000000.00"


def test_posted_cascade_passes_through_the_provinces(cascade, maker, checker):
    programme, _tiers = cascade
    run = planning.start_and_calculate(
        programme=programme, period=Period.year(YEAR), by=maker, inline=True
    )
    assert run.status == SettlementRun.Status.CALCULATED, run.error
    assert run.chunks.filter(channel=vertical.CHANNEL).count() == 3  # one per tier
    states.approve(run, by=checker, reason="checked")

    posting.post(run, by=checker)

    def balance(code):
        return account_balance(account=Account.objects.get(code=code))

    assert balance("cny:central:vertical") == Decimal("-10000000.00")
    assert balance("cny:region:330000:vertical:pass") == Decimal("0.00")
    # 安徽省 kept what its capped method did not pass on: visible, not lost
    assert balance("cny:region:340000:vertical:pass") == Decimal("436507.94")
    assert balance("cny:region:341023:vertical") == Decimal("782608.70")
    nets = reports.region_nets(run)
    assert nets[(ZHEJIANG, vertical.CHANNEL)] == Decimal("0.00")
    assert nets[(CHUN_AN, vertical.CHANNEL)] == Decimal("2375661.37")


def test_a_weight_change_compared_in_a_scenario(cascade, maker):
    programme, tiers = cascade
    regular = planning.start_and_calculate(
        programme=programme, period=Period.year(YEAR), by=maker, inline=True
    )
    draft = method(
        "中央重点生态功能区转移支付",
        [(Kind.FISCAL_GAP, Share, "0.4"), (Kind.POPULATION, Share, "0.6")],
        cap="10000000.00",
        published=False,
        version=2,
    )

    scenario = planning.start_and_calculate(
        programme=programme,
        period=Period.year(YEAR),
        by=maker,
        kind=states.RunKind.SCENARIO,
        overrides={"cascade_methods": {str(tiers["central"].pk): draft.pk}},
        inline=True,
    )

    assert scenario.status == SettlementRun.Status.CALCULATED, scenario.error
    rows = {row.region: row for row in reports.compare(regular, scenario)}
    # 安徽 now 0.4 × 10M × 30/40 + 0.6 × 10M × 61/126 = 3,000,000 + 2,904,761.9047… =
    # 5,904,761.90: below its own cap, so all of it goes on, by population as before
    assert rows[ANHUI].second == Decimal("0.00")
    assert rows[SHEXIAN].first == Decimal("3130434.78")
    # 5,904,761.90 × 360/690 = 3,080,745.3391…
    assert rows[SHEXIAN].second == Decimal("3080745.34")
    assert rows[SHEXIAN].difference == Decimal("-49689.44")
    # 浙江 gets 1,000,000 + 0.6 × 10M × 65/126 = 4,095,238.10 and scales its counties'
    # 4,500,000 to it: 1,365,079.3666… and 2,730,158.7333…
    assert rows[HANGZHOU].second == Decimal("1365079.37")
    assert rows[CHUN_AN].second == Decimal("2730158.73")
    assert rows[CHUN_AN].difference == Decimal("354497.36")


def test_a_regular_run_refuses_a_draft_method(cascade):
    programme, tiers = cascade
    draft = method("浙江省分配办法", [(Kind.FIXED, Rate, "1")], published=False, version=2)
    CascadeTier.objects.filter(pk=tiers[ZHEJIANG].pk).update(method=draft)

    with pytest.raises(ChannelInputError, match="is a draft: publish it first"):
        compute_period(vertical.CHANNEL, programme, Period.year(YEAR))


def test_a_missing_indicator_is_named(cascade):
    programme, _tiers = cascade
    RegionIndicator.objects.filter(region__code=YIXIAN).delete()

    with pytest.raises(ChannelInputError, match="No population of 341023 黟县 for 2024"):
        compute_period(vertical.CHANNEL, programme, Period.year(YEAR))


def test_ei_change_rewards_and_deducts(cascade):
    programme, tiers = cascade
    rewarding = method(
        "安徽省分配办法",
        [(Kind.POPULATION, Share, "1")],
        cap="6000000.00",
        version=2,
        adjustments=[("obvious-better", "10"), ("obvious-worse", "-20")],
    )
    CascadeTier.objects.filter(pk=tiers[ANHUI].pk).update(method=rewarding)
    for code, before, after in ((SHEXIAN, "70", "74"), (XIUNING, "70", "66"), (YIXIAN, "70", "70")):
        ei(code, YEAR - 1, before)
        ei(code, YEAR, after)

    transfers = compute_period(vertical.CHANNEL, programme, Period.year(YEAR))

    paid = {t.payee_region: t for t in transfers}
    # 歙县 3,130,434.7826… × 1.1 = 3,443,478.2608…; 休宁县 2,086,956.5217… × 0.8 =
    # 1,669,565.2173…; 黟县 782,608.6956…; together 5,895,652.17 under the 6,000,000
    assert paid[SHEXIAN].amount == Decimal("3443478.26")
    assert paid[XIUNING].amount == Decimal("1669565.22")
    assert paid[YIXIAN].amount == Decimal("782608.69")
    assert paid[SHEXIAN].inputs["assessment_adjustment"] == "313043.48"
    assert paid[XIUNING].inputs["ei_change"] == "obvious-worse"
    assert paid[SHEXIAN].inputs["unallocated"] == "540855.77"


def test_a_published_method_never_changes(cascade):
    """(Factors added by the transaction that published the method, as a seed does, pass:
    compensation/sql/0021_vertical_cascade.postgresql.sql; this test is one transaction.)"""
    _programme, tiers = cascade
    published = tiers["central"].method

    with pytest.raises(DatabaseError, match="COMPENSATION_PUBLISHED"), transaction.atomic():
        AllocationMethod.objects.filter(pk=published.pk).update(budget_cap=Decimal("1.00"))
    with pytest.raises(DatabaseError, match="COMPENSATION_PUBLISHED"), transaction.atomic():
        published.factors.update(weight=Decimal("0.5"))
    unused = method("未使用", [(Kind.FIXED, Rate, "1")])
    with pytest.raises(DatabaseError, match="COMPENSATION_PUBLISHED"), transaction.atomic():
        unused.delete()
    draft = method("草案", [(Kind.FIXED, Rate, "1")], published=False)
    draft.factors.update(weight=Decimal("2"))
    assert draft.factors.get().weight == Decimal("2")


@committing
def test_rewriting_a_published_method_with_its_own_values_does_not_reopen_its_factors():
    """A no-op UPDATE of the method row (which the row guard lets pass) used to make the
    updating transaction look like the creating one, whose factors may still be written."""
    published = method("已发布", [(Kind.FIXED, Rate, "1")])
    factor = published.factors.get()

    with pytest.raises(DatabaseError, match="COMPENSATION_PUBLISHED"), transaction.atomic():
        published.save()
        published.factors.create(kind=Kind.POPULATION, basis=Share, weight=Decimal("1"))
    with pytest.raises(DatabaseError, match="COMPENSATION_PUBLISHED"), transaction.atomic():
        published.save()
        factor.delete()
    with pytest.raises(DatabaseError, match="COMPENSATION_PUBLISHED"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE compensation_allocationmethod SET created_xact = pg_current_xact_id()"
                " WHERE id = %s",
                [published.pk],
            )
        published.adjustments.create(change="obvious-better", percent=Decimal("5"))
    assert [(f.kind, f.weight) for f in published.factors.all()] == [(Kind.FIXED, Decimal("1"))]
    assert not published.adjustments.exists()

    with transaction.atomic():  # a seed or a restore: created, published and filled at once
        seeded = AllocationMethod.objects.create(
            name="种子", version=1, source="test", published=True
        )
        seeded.factors.create(kind=Kind.FIXED, basis=Rate, weight=Decimal("2"))
    assert seeded.factors.get().weight == Decimal("2")


def test_a_final_recipient_outside_the_programme_is_refused(cascade):
    """Provinces pass their money on and need not be members; 黟县 and 杭州市 keep it."""
    programme, _tiers = cascade
    programme.memberships.filter(region__code__in=[YIXIAN, HANGZHOU]).delete()

    with pytest.raises(
        ChannelInputError,
        match=r"The 2024 cascade pays 330100 杭州市, 341023 黟县, which pass nothing on and "
        r"are not regions of 纵向分级试点\.",
    ):
        vertical.plan(programme, Period.year(YEAR))


def test_a_region_in_both_the_single_tier_table_and_the_cascade_is_refused(cascade):
    programme, _tiers = cascade
    parameters(programme, year=YEAR, carbon=False)  # 黄山市 and 淳安县, a cascade recipient

    with pytest.raises(ChannelInputError, match=r"and by its cascade: 330127\. List each"):
        vertical.plan(programme, Period.year(YEAR))


MET = BASELINE  # C_i = C_i0: P = 0.90 × 0.25 × 4 = 0.9000
NOT_MET = {"CODMn": "2.328", "NH3-N": "0.1068", "TN": "1.38", "TP": "0.0252"}  # 1.2 × C_i0


def boundary(programme, upstream, section, values):
    """A water-quality agreement with `upstream` protecting `section` (杭州市 downstream),
    its 2024 annual means `values` there."""
    agreement = xinan_agreement(
        programme,
        name=f"{section}断面考核",
        upstream=upstream,
        downstream=HANGZHOU,
        section=section,
    )
    monitor(agreement, YEAR, values, section=section)
    return agreement


def test_water_quality_shares_the_budget_by_sections_meeting_the_standard(cascade, maker):
    """安徽省 shares 6,000,000 by the share of each county's sections with P ≤ 1."""
    programme, tiers = cascade
    quality = method("安徽省水质考核办法", [(Kind.WATER_QUALITY, Share, "1")], cap="6000000.00")
    CascadeTier.objects.filter(pk=tiers[ANHUI].pk).update(method=quality)
    boundary(programme, SHEXIAN, "歙县甲", MET)
    boundary(programme, SHEXIAN, "歙县乙", NOT_MET)
    boundary(programme, XIUNING, "休宁", MET)
    boundary(programme, YIXIAN, "黟县", NOT_MET)

    run = planning.start_and_calculate(
        programme=programme, period=Period.year(YEAR), by=maker, inline=True
    )

    assert run.status == SettlementRun.Status.CALCULATED, run.error
    paid = {t.payee_region: t for t in run.transfers.filter(payer_region=ANHUI)}
    # shares 0.5 (one of two sections), 1, 0: 6,000,000 × 0.5 / 1.5 and × 1 / 1.5
    assert {code: t.amount for code, t in paid.items()} == {
        SHEXIAN: Decimal("2000000.00"),
        XIUNING: Decimal("4000000.00"),
    }
    shexian = paid[SHEXIAN].inputs
    assert shexian["factor:water-quality"] == {"indicator": "0.5000", "amount": "2000000.00"}
    assert shexian["water_quality_sections"] == [
        {"section": "歙县乙", "P": "1.0800", "met": False},
        {"section": "歙县甲", "P": "0.9000", "met": True},
    ]
    assert (
        "考核断面 assessment sections：歙县乙 P=1.0800 未达标 not met；歙县甲 P=0.9000 达标 met"
        in input_lines(shexian)
    )
    assert ("考核断面", "歙县乙 P=1.0800 未达标；歙县甲 P=0.9000 达标") in labelled_inputs(
        shexian, "zh-hans"
    )
    pinned = run.pinned_inputs[vertical.CHANNEL]["cascade_water_quality"]["ids"]
    assert len(pinned["compensation.monitoringrecord"]) == 16  # 4 sections × 4 pollutants


def test_a_county_without_an_assessment_section_is_named(cascade):
    programme, tiers = cascade
    quality = method("安徽省水质考核办法", [(Kind.WATER_QUALITY, Share, "1")], cap="6000000.00")
    CascadeTier.objects.filter(pk=tiers[ANHUI].pk).update(method=quality)
    boundary(programme, SHEXIAN, "歙县甲", MET)
    boundary(programme, XIUNING, "休宁", MET)
    without_data = boundary(programme, YIXIAN, "黟县", NOT_MET)
    without_data.monitoring.filter(pollutant="TP").delete()

    with pytest.raises(ChannelInputError) as refused:
        compute_period(vertical.CHANNEL, programme, Period.year(YEAR))

    assert "no 2024 annual mean at 黟县 for TP" in str(refused.value)
    without_data.monitoring.all().delete()
    without_data.parties.all().delete()
    with pytest.raises(ChannelInputError, match="341023 黟县 protects no assessment section"):
        compute_period(vertical.CHANNEL, programme, Period.year(YEAR))


def test_sink_increment_shares_the_budget_by_each_county_s_increase(cascade):
    """A decline counts 0, not a deduction; both years' valuations are needed."""
    programme, tiers = cascade
    growth = method("安徽省碳汇增量办法", [(Kind.SINK_INCREMENT, Share, "1")], cap="6000000.00")
    CascadeTier.objects.filter(pk=tiers[ANHUI].pk).update(method=growth)
    make_valuation(
        programme, YEAR, {SHEXIAN: ("160", "0"), XIUNING: ("70", "0"), YIXIAN: ("70", "0")}
    )

    with pytest.raises(ChannelInputError, match="for 2023 gives the protected sink increase"):
        compute_period(vertical.CHANNEL, programme, Period.year(YEAR))

    make_valuation(
        programme, YEAR - 1, {SHEXIAN: ("100", "0"), XIUNING: ("50", "0"), YIXIAN: ("80", "0")}
    )
    transfers = compute_period(vertical.CHANNEL, programme, Period.year(YEAR))

    paid = {t.payee_region: t for t in transfers if t.payer_region == ANHUI}
    # increases 60, 20 and 0 (80 → 70 is a decline): 6,000,000 × 60/80 and × 20/80
    assert {code: t.amount for code, t in paid.items()} == {
        SHEXIAN: Decimal("4500000.00"),
        XIUNING: Decimal("1500000.00"),
    }
    assert paid[SHEXIAN].inputs["factor:sink-increment"] == {
        "indicator": "60.000",
        "amount": "4500000.00",
    }


def test_a_province_s_statement_shows_what_it_kept_and_its_allocation_table(
    cascade, maker, checker
):
    programme, _tiers = cascade
    run = planning.start_and_calculate(
        programme=programme, period=Period.year(YEAR), by=maker, inline=True
    )
    states.approve(run, by=checker, reason="checked")
    run = issue_statements(posting.post(run, by=checker), by=checker)

    rendered = render(Statement.objects.get(run=run, region__code=ANHUI))

    balances = rendered.content["balances"]
    assert balances["pass_through"] == {"opening": "0.00", "closing": "436507.94"}
    assert balances["closing"] == "436507.94"  # it holds only what it kept
    text = " ".join(pdf_text(rendered.files["pdf"]).split())
    assert "纵向转拨账户 vertical pass-through 0.00 436,507.94" in text
    assert "分级转移分配表（第 2 级）" in text
    assert "歙县（341021） 3,130,434.78 — 3,130,434.78 3,130,434.78" in text
    assert "预算总额 budget (元)：6,000,000.00" in text
    sheet = load_workbook(io.BytesIO(rendered.files["xlsx"]))["分配表 Allocation"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert [SHEXIAN, Decimal("3130434.78"), None, Decimal("3130434.78"), Decimal("3130434.78")] in [
        [Decimal(str(v)) if isinstance(v, float | int) else v for v in row] for row in rows
    ]
    county = render(Statement.objects.get(run=run, region__code=SHEXIAN))
    assert "pass_through" not in county.content["balances"]
    assert "分配表 Allocation" not in load_workbook(io.BytesIO(county.files["xlsx"])).sheetnames
