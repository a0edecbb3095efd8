"""Splitting an exact amount by weights so that the parts add up to it (largest remainder).

Every share is first rounded down to the quantum (the fen, or the kilogram
of CO2e); the quanta left over go one each to the largest remainders, ties
broken by the order of the weights, so the result is deterministic and the
parts always sum to the total exactly.
"""

from collections.abc import Sequence
from decimal import ROUND_FLOOR, Context, Decimal

from compensation.exceptions import CompensationError

_WIDE = Context(prec=60)


class SplitError(CompensationError):
    """Weights that cannot split an amount: negative, all zero, or a total finer than a quantum."""


def largest_remainder(
    total: Decimal, weights: Sequence[Decimal], quantum: Decimal
) -> list[Decimal]:
    """Split `total` by `weights`; each part a multiple of `quantum`, all summing to `total`."""
    if not weights:
        raise SplitError("There is nothing to split the amount between.")
    if any(weight < 0 for weight in weights):
        raise SplitError("Weights may not be negative.")
    weight_sum = sum(weights, Decimal(0))
    if weight_sum == 0:
        raise SplitError("The weights add up to zero.")
    units_total = _WIDE.divide(total, quantum)
    if units_total != units_total.to_integral_value():
        raise SplitError(f"The total {total} is finer than the quantum {quantum}.")
    units_total = int(units_total)
    sign = -1 if units_total < 0 else 1
    units_total = abs(units_total)
    exact = [_WIDE.divide(_WIDE.multiply(Decimal(units_total), w), weight_sum) for w in weights]
    floors = [int(share.to_integral_value(rounding=ROUND_FLOOR)) for share in exact]
    left = units_total - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for index in order[:left]:
        floors[index] += 1
    return [(sign * units * quantum).quantize(quantum) for units in floors]


def scale_to_cap(amounts: Sequence[Decimal], cap: Decimal, quantum: Decimal) -> list[Decimal]:
    """Amounts unchanged if they fit under `cap`; otherwise scaled pro rata to sum to it exactly."""
    if sum(amounts, Decimal(0)) <= cap:
        return list(amounts)
    return largest_remainder(cap, amounts, quantum)
