"""Largest-remainder splitting: parts add up to the total exactly, each within one quantum."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compensation.quantities import FEN, TONNES
from compensation.splitting import SplitError, largest_remainder, scale_to_cap

# Messages are read in English here (tests/fixtures.py); translations are checked on their own.
pytestmark = pytest.mark.usefixtures("english")


def test_three_way_split_of_one_fen_goes_to_the_first_largest_remainder():
    assert largest_remainder(Decimal("0.01"), [Decimal(1)] * 3, FEN) == [
        Decimal("0.01"),
        Decimal("0.00"),
        Decimal("0.00"),
    ]


def test_one_yuan_in_thirds():
    assert largest_remainder(Decimal("1.00"), [Decimal(1)] * 3, FEN) == [
        Decimal("0.34"),
        Decimal("0.33"),
        Decimal("0.33"),
    ]


def test_ratio_1_5_4_of_an_odd_amount():
    parts = largest_remainder(Decimal("200000000.01"), [Decimal(1), Decimal(5), Decimal(4)], FEN)
    assert parts == [Decimal("20000000.00"), Decimal("100000000.01"), Decimal("80000000.00")]


def test_scale_to_cap_leaves_amounts_under_the_cap_alone():
    amounts = [Decimal("10.00"), Decimal("20.00")]
    assert scale_to_cap(amounts, Decimal("30.00"), FEN) == amounts
    assert scale_to_cap(amounts, Decimal("10.00"), FEN) == [Decimal("3.33"), Decimal("6.67")]


@pytest.mark.parametrize(
    ("weights", "total", "words"),
    [
        ([], Decimal("1.00"), "nothing to split"),
        ([Decimal(-1), Decimal(2)], Decimal("1.00"), "negative"),
        ([Decimal(0), Decimal(0)], Decimal("1.00"), "add up to zero"),
        ([Decimal(1)], Decimal("1.001"), "finer than"),
    ],
)
def test_bad_splits_are_refused(weights, total, words):
    with pytest.raises(SplitError, match=words):
        largest_remainder(total, weights, FEN)


@given(
    total_units=st.integers(min_value=-(10**15), max_value=10**15),
    weights=st.lists(
        st.integers(min_value=0, max_value=10**9).map(Decimal), min_size=1, max_size=30
    ).filter(lambda w: sum(w) > 0),
    quantum=st.sampled_from([FEN, TONNES]),
)
def test_parts_sum_to_the_total_and_stay_within_one_quantum_of_the_exact_share(
    total_units, weights, quantum
):
    total = Decimal(total_units) * quantum
    parts = largest_remainder(total, weights, quantum)

    assert sum(parts, Decimal(0)) == total
    weight_sum = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        exact = total * weight / weight_sum
        assert abs(part - exact) < quantum
        assert part == part.quantize(quantum)
