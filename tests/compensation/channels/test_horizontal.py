"""Horizontal agreements: Xin'an water quality, a pooled fund by ratios, the carbon rule."""

from datetime import date
from decimal import Decimal

import pytest

from compensation.booking import book_transfers
from compensation.channels import compute_period, horizontal
from compensation.exceptions import ChannelInputError
from compensation.models import (
    Agreement,
    AgreementParty,
    AgreementRound,
)
from compensation.periods import Period
from compensation.sinks import sink_row
from ledger.models import Account, JournalEntry
from ledger.selectors import account_balance
from pilots.models import PilotMembership, Region
from pilots.regions import load_regions
from tests.factories import (
    BASELINE,
    DOWNSTREAM,
    STAKE,
    UPSTREAM,
    make_valuation,
    monitor,
    verified,
    xinan_agreement,
)


def test_xinan_year_by_hand_standard_met_downstream_pays_upstream(programme):
    agreement = xinan_agreement(programme)
    monitor(agreement, 2024, {"CODMn": "1.80", "NH3-N": "0.080", "TN": "1.20", "TP": "0.018"})

    transfers = compute_period(horizontal.CHANNEL, programme, Period.year(2024))

    # P = 0.90 × 0.25 × (1.80/1.94 + 0.080/0.089 + 1.20/1.15 + 0.018/0.021)
    #   = 0.225 × (0.92784 + 0.89888 + 1.04348 + 0.85714) = 0.225 × 3.72733 = 0.83865
    (transfer,) = transfers
    assert transfer.inputs["P"] == "0.8386"
    assert transfer.inputs["standard_met"] is True
    assert transfer.payer_account.code == f"cny:region:{DOWNSTREAM}:horizontal"
    assert transfer.payee_account.code == f"cny:region:{UPSTREAM}:horizontal"
    assert transfer.amount == STAKE
    assert [t["pollutant"] for t in transfer.inputs["terms"]] == ["CODMn", "NH3-N", "TN", "TP"]


def test_xinan_year_with_worse_water_upstream_pays_downstream(programme):
    agreement = xinan_agreement(programme)
    # P = 0.225 × (2.30/1.94 + 0.120/0.089 + 1.50/1.15 + 0.030/0.021) = 1.18503
    monitor(agreement, 2024, {"CODMn": "2.30", "NH3-N": "0.120", "TN": "1.50", "TP": "0.030"})

    (transfer,) = compute_period(horizontal.CHANNEL, programme, Period.year(2024))

    assert transfer.inputs["P"] == "1.1850"
    assert transfer.payer_region == UPSTREAM
    assert transfer.payee_region == DOWNSTREAM


def test_exactly_one_is_standard_met(programme):
    assert horizontal.water_quality_index(
        k0=Decimal("1"), terms=[(Decimal("0.5"), Decimal("2"), Decimal("2"))] * 2
    ) == Decimal(1)
    agreement = xinan_agreement(programme, k0="1")
    monitor(agreement, 2024, BASELINE)

    (transfer,) = compute_period(horizontal.CHANNEL, programme, Period.year(2024))

    assert transfer.inputs["P"] == "1.0000"
    assert transfer.payee_region == UPSTREAM


def test_micrograms_are_converted_and_central_top_up_goes_upstream(programme):
    agreement = xinan_agreement(programme, top_up="300000000.00")
    monitor(agreement, 2024, {"CODMn": "1.80", "TN": "1.20"})
    monitor(agreement, 2024, {"NH3-N": "80", "TP": "18"}, unit="µg/L")

    transfers = compute_period(horizontal.CHANNEL, programme, Period.year(2024))

    assert transfers[0].inputs["P"] == "0.8386"
    central = transfers[1]
    assert central.payer_account.code == "cny:central:horizontal"
    assert (central.payee_region, central.amount) == (UPSTREAM, Decimal("300000000.00"))


def test_missing_pollutant_and_missing_round_are_clear_errors(programme):
    agreement = xinan_agreement(programme)
    monitor(agreement, 2024, {"CODMn": "1.80", "NH3-N": "0.080"})

    with pytest.raises(ChannelInputError, match="no 2024 annual mean at 街口 for TN, TP"):
        compute_period(horizontal.CHANNEL, programme, Period.year(2024))
    with pytest.raises(ChannelInputError, match="no round covers 2023"):
        compute_period(horizontal.CHANNEL, programme, Period.year(2023))


def test_only_the_december_period_settles_the_year(programme):
    agreement = xinan_agreement(programme)
    monitor(agreement, 2024, {"CODMn": "1.80", "NH3-N": "0.080", "TN": "1.20", "TP": "0.018"})

    assert (
        compute_period(horizontal.CHANNEL, programme, Period(date(2024, 10, 1), date(2024, 11, 30)))
        == []
    )
    assert (
        len(
            compute_period(
                horizontal.CHANNEL, programme, Period(date(2024, 12, 1), date(2024, 12, 31))
            )
        )
        == 1
    )


@pytest.fixture
def chishui(db):
    """The 赤水河 provinces (Yunnan, Guizhou, Sichuan) in a pilot of their own."""
    load_regions(prefixes=["530000", "520000", "510000"])
    from pilots.models import PilotProgramme

    pilot = PilotProgramme.objects.create(
        name="赤水河试点", start_date=date(2024, 1, 1), end_date=date(2026, 12, 31)
    )
    regions = [Region.objects.get(code=code) for code in ("530000", "520000", "510000")]
    for region in regions:
        PilotMembership.objects.create(programme=pilot, region=region)
    return pilot, regions


def pooled(pilot, regions, contributions, allocations, amount="200000000.01"):
    agreement = Agreement.objects.create(
        programme=pilot, name="赤水河流域横向生态补偿", rule=Agreement.Rule.POOLED_FUND
    )
    for region, paid, shared in zip(regions, contributions, allocations, strict=True):
        AgreementParty.objects.create(
            agreement=agreement,
            region=region,
            side=AgreementParty.Side.MEMBER,
            contribution_ratio=Decimal(paid),
            allocation_ratio=Decimal(shared),
        )
    AgreementRound.objects.create(
        agreement=agreement,
        name="2024–2026",
        start_year=2024,
        end_year=2026,
        amount=Decimal(amount),
    )
    return agreement


def test_three_party_fund_paid_1_5_4_and_shared_3_4_3_adds_up_to_the_fen(chishui):
    pilot, regions = chishui
    agreement = pooled(pilot, regions, ["1", "5", "4"], ["0.3", "0.4", "0.3"])

    transfers = compute_period(horizontal.CHANNEL, pilot, Period.year(2024))

    fund = f"cny:agreement:{agreement.pk}:fund"
    paid = {t.payer_region: t.amount for t in transfers if t.payee_account.code == fund}
    shared = {t.payee_region: t.amount for t in transfers if t.payer_account.code == fund}
    assert paid == {
        "530000": Decimal("20000000.00"),
        "520000": Decimal("100000000.01"),
        "510000": Decimal("80000000.00"),
    }
    assert shared == {
        "530000": Decimal("60000000.00"),
        "520000": Decimal("80000000.01"),
        "510000": Decimal("60000000.00"),
    }
    assert sum(paid.values()) == sum(shared.values()) == Decimal("200000000.01")

    book_transfers(transfers, key_prefix="test", effective_date=date(2024, 12, 31), cause="t")
    balances = {
        a.owner: account_balance(account=a) for a in Account.objects.filter(code__startswith="cny:")
    }
    assert balances[f"agreement:{agreement.pk}"] == Decimal("0.00")
    assert balances["region:520000"] == Decimal("-20000000.00")
    assert balances["region:530000"] == Decimal("40000000.00")


@pytest.mark.parametrize(
    ("contributions", "allocations", "words"),
    [
        (["1", "5", "3"], ["0.3", "0.4", "0.4"], "0.3 / 0.4 / 0.4 add up to 1.1"),
        (["0.2", "0.5", "0.4"], ["3", "4", "3"], "add up to 1.1"),
        (["0", "0", "0"], ["3", "4", "3"], "add up to zero"),
    ],
)
def test_ratios_that_do_not_add_up_are_refused(chishui, contributions, allocations, words):
    pilot, regions = chishui
    pooled(pilot, regions, contributions, allocations)

    with pytest.raises(ChannelInputError, match=words):
        compute_period(horizontal.CHANNEL, pilot, Period.year(2024))


def carbon_agreement(programme, *, cap="0.5", adjustment="1.2"):
    from compensation.models import CarbonMarket

    agreement = Agreement.objects.create(
        programme=programme,
        name="碳汇横向补偿",
        rule=Agreement.Rule.CARBON,
        carbon_market=CarbonMarket.objects.get(code="CEA"),
        carbon_adjustment=Decimal(adjustment),
        deficit_cap_share=Decimal(cap),
    )
    AgreementParty.objects.create(
        agreement=agreement,
        region=Region.objects.get(code=UPSTREAM),
        side=AgreementParty.Side.PROTECTOR,
    )
    AgreementParty.objects.create(
        agreement=agreement,
        region=Region.objects.get(code=DOWNSTREAM),
        side=AgreementParty.Side.BENEFICIARY,
    )
    return agreement


def test_carbon_rule_beneficiary_pays_for_a_share_of_its_deficit(programme):
    carbon_agreement(programme)
    verified(programme, 2024, {UPSTREAM: ("5000.000", "1000.000"), DOWNSTREAM: ("100", "2100.5")})

    transfers = compute_period(horizontal.CHANNEL, programme, Period.year(2024))

    money, tonnes = transfers
    # deficit 2000.500 × 0.5 = 1000.250 t (under the 4000 t surplus) × 97.49 × 1.2 = 117017.25
    assert money.payer_region == DOWNSTREAM and money.payee_region == UPSTREAM
    assert money.amount == Decimal("117017.25")
    assert money.inputs["tonnes"] == "1000.250"
    assert tonnes.payer_account.code == f"t:region:{UPSTREAM}:2024:available"
    assert tonnes.payee_account.code == f"t:region:{UPSTREAM}:2024:claimed:horizontal"
    assert tonnes.amount == Decimal("1000.250")

    book_transfers(transfers, key_prefix="run", effective_date=date(2024, 12, 31), cause="t")
    row = sink_row(UPSTREAM, 2024)
    assert row.available == Decimal("3999.750")
    assert row.claimed["horizontal"] == Decimal("1000.250")


def test_carbon_rule_is_capped_by_the_protectors_surplus(programme):
    carbon_agreement(programme, cap="1")
    verified(programme, 2024, {UPSTREAM: ("1200", "1000"), DOWNSTREAM: ("0", "900")})

    money, tonnes = compute_period(horizontal.CHANNEL, programme, Period.year(2024))

    assert tonnes.amount == Decimal("200.000")
    assert money.inputs["capped_by_surplus"] is True
    assert money.amount == Decimal("23397.60")


def test_beneficiary_with_no_deficit_is_an_error_and_nothing_is_written(programme):
    carbon_agreement(programme)
    make_valuation(programme, 2024, {UPSTREAM: ("5000", "1000"), DOWNSTREAM: ("900", "100")})
    entries = JournalEntry.objects.count()

    with pytest.raises(
        ChannelInputError,
        match=r"beneficiary 330127 淳安县 has no deficit in 2024 \(net 800.000 tCO2e\)",
    ):
        compute_period(horizontal.CHANNEL, programme, Period.year(2024))
    assert JournalEntry.objects.count() == entries
