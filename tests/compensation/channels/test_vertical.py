"""Vertical transfers: gap × tier, prohibited areas, guiding subsidy, EI assessment, carbon."""

from decimal import Decimal

import pytest

from compensation.channels import compute_period, vertical
from compensation.exceptions import ChannelInputError
from compensation.periods import Period
from tests.factories import DOWNSTREAM, UPSTREAM, ei, make_valuation, parameters


@pytest.fixture
def assessed(programme):
    ei(UPSTREAM, 2023, "70.0")
    ei(UPSTREAM, 2024, "66.5")
    ei(DOWNSTREAM, 2023, "60.0")
    ei(DOWNSTREAM, 2024, "60.5")
    make_valuation(programme, 2024, {UPSTREAM: ("5000", "1000"), DOWNSTREAM: ("0", "900")})
    return programme


def by_key(transfers):
    return {t.key: t for t in transfers}


def test_allocation_by_hand(assessed):
    parameters(assessed)

    transfers = by_key(compute_period(vertical.CHANNEL, assessed, Period.year(2024)))

    upstream = transfers[f"2024:{UPSTREAM}:cny"]
    # key 6,000,000 × 0.7 = 4,200,000; prohibited 120.5 × 1,000 + 3 × 50,000 = 270,500;
    # guiding 100,000; base 4,570,500; ΔEI −3.5 (obvious worse) −5% = −228,525;
    # carbon 5,000 t × 97.49 × 0.5 = 243,725 → 4,585,700.00
    assert upstream.amount == Decimal("4585700.00")
    assert upstream.payer_account.code == "cny:central:vertical"
    assert upstream.inputs["coefficient"] == "0.7000"
    assert upstream.inputs["ei_change"] == "obvious-worse"
    assert upstream.inputs["ei_grade"] == "good"
    assert upstream.inputs["assessment_adjustment"] == "-228525.00"
    assert upstream.inputs["carbon_term"] == "243725.00"
    assert upstream.inputs["scaled"] == "false"
    downstream = transfers[f"2024:{DOWNSTREAM}:cny"]
    # gap 2,000,000 × 0.5; ΔEI +0.5 is no change and has no rule
    assert downstream.amount == Decimal("1000000.00")
    assert downstream.inputs["ei_change"] == "none"
    claim = transfers[f"2024:{UPSTREAM}:tco2e"]
    assert claim.payee_account.code == f"t:region:{UPSTREAM}:2024:claimed:vertical"
    assert claim.amount == Decimal("5000.000")
    assert f"2024:{DOWNSTREAM}:tco2e" not in transfers


def test_over_budget_allocations_scale_to_the_budget_to_the_fen(assessed):
    parameters(assessed, budget="3000000.00")

    transfers = by_key(compute_period(vertical.CHANNEL, assessed, Period.year(2024)))

    # 3,000,000 × 4,585,700 / 5,585,700 = 2,462,914.2274…; × 1,000,000 / … = 537,085.7726…
    assert transfers[f"2024:{UPSTREAM}:cny"].amount == Decimal("2462914.23")
    assert transfers[f"2024:{DOWNSTREAM}:cny"].amount == Decimal("537085.77")
    assert transfers[f"2024:{UPSTREAM}:cny"].inputs["scaled"] == "true"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("-0.99", "none"),
        ("-1", "slight-worse"),
        ("2.99", "slight-better"),
        ("-3", "obvious-worse"),
        ("7.99", "obvious-better"),
        ("-8", "large-worse"),
        ("8", "large-better"),
    ],
)
def test_ei_change_classes_follow_hj_192(change, expected):
    assert vertical.ei_change_class(Decimal(change)) == expected


def test_missing_parameter_year_is_a_clear_error(programme):
    with pytest.raises(ChannelInputError, match="No vertical parameters for 新安江试点 in 2025"):
        compute_period(vertical.CHANNEL, programme, Period.year(2025))


def test_missing_ei_and_valuation_are_each_named(programme):
    parameters(programme)
    ei(UPSTREAM, 2024, "66.5")

    with pytest.raises(ChannelInputError) as error:
        compute_period(vertical.CHANNEL, programme, Period.year(2024))

    message = str(error.value)
    assert "No EI for 341000 黄山市 in 2023" in message
    assert "No EI for 330127 淳安县 in 2024" in message
    assert "needs a valuation of 新安江试点 for 2024" in message


def test_parameters_without_tiers_are_refused(assessed):
    table = parameters(assessed, carbon=False)
    table.tiers.all().delete()

    with pytest.raises(ChannelInputError, match="no subsidy tiers"):
        compute_period(vertical.CHANNEL, assessed, Period.year(2024))
