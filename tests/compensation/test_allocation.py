"""One tier's allocation as a pure function: shares, rates, ΔEI, the cap, to the fen."""

from decimal import Decimal

import pytest

from compensation.allocation import Factor, RegionInputs, allocate
from compensation.exceptions import ChannelInputError
from compensation.overrides import Overrides


def regions(**gaps):
    return [
        RegionInputs(code, {"fiscal-gap": Decimal(gap), "fixed": Decimal(1)})
        for code, gap in gaps.items()
    ]


def test_rates_over_the_cap_scale_to_it_to_the_fen():
    factors = [
        Factor("fiscal-gap", "rate", Decimal("0.7")),
        Factor("fixed", "rate", Decimal("100000")),
    ]

    result = allocate(Decimal("1000000.00"), factors, {}, regions(a="1000000", b="500000", c="0"))

    # wanted 800,000 + 450,000 + 100,000 = 1,350,000 > 1,000,000: scaled by 1/1.35
    # 592,592.5925…, 333,333.3333…, 74,074.0740…; the fen left goes to c (0.41 fen
    # against 0.26 and 0.33)
    assert [r.paid for r in result.regions] == [
        Decimal("592592.59"),
        Decimal("333333.33"),
        Decimal("74074.08"),
    ]
    assert result.paid == Decimal("1000000.00")
    assert result.wanted == Decimal("1350000.00")
    assert result.scaled
    assert result.regions[0].contributions == {
        "fiscal-gap": Decimal("700000.00"),
        "fixed": Decimal("100000.00"),
    }


def test_under_the_cap_each_region_gets_what_it_wants():
    factors = [Factor("fiscal-gap", "rate", Decimal("0.5"))]

    result = allocate(Decimal("9000000.00"), factors, {}, regions(a="1000000.01", b="3"))

    assert [r.paid for r in result.regions] == [Decimal("500000.00"), Decimal("1.50")]
    assert not result.scaled


def test_shares_and_a_deduction():
    factors = [Factor("fiscal-gap", "share", Decimal("1"))]
    inputs = [
        RegionInputs("a", {"fiscal-gap": Decimal(1)}, "obvious-worse"),
        RegionInputs("b", {"fiscal-gap": Decimal(2)}, "none"),
    ]

    result = allocate(Decimal("300.00"), factors, {"obvious-worse": Decimal("-50")}, inputs)

    # a 100 − 50 % = 50; b 200
    assert [r.paid for r in result.regions] == [Decimal("50.00"), Decimal("200.00")]
    assert result.regions[0].adjustment == Decimal("-50.00")


def test_share_weights_over_one_are_refused():
    with pytest.raises(ValueError, match="more than 1"):
        allocate(
            Decimal(1),
            [
                Factor("fiscal-gap", "share", Decimal("0.6")),
                Factor("fixed", "share", Decimal("0.5")),
            ],
            {},
            regions(a="1"),
        )


@pytest.mark.parametrize("bad", [{"x": 1}, {"1": "two"}, {"1": 1.5}, {"1": True}, {"0": 1}, [1]])
def test_scenario_methods_are_named_by_id(bad):
    with pytest.raises(ChannelInputError, match="cascade_methods"):
        Overrides.from_json({"cascade_methods": bad})


def test_scenario_methods_parse():
    assert Overrides.from_json({"cascade_methods": {"7": "12"}}).cascade_methods == {7: 12}
