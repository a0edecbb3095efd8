"""Hostile values for a field, generated from its type and its database column.

What a careless user or an attacker types: numbers past the column's digits,
more places than it keeps, NaN and Infinity, exponents (1e400), floats for
ids, strings for numbers, text one character past the column, NUL and other
control characters, very long text, nested wrong shapes. The bounds are read
from the model field (max_digits, decimal_places, max_length, the integer
column's range), never restated here.
"""

from collections import Counter
from decimal import Decimal

from django.db import connection, models
from hypothesis import strategies as st

CONTROL = st.sampled_from(["\x00", "\x01", "\x07", "\x1b", "\x7f", "\u0085"])
NOT_NUMBERS = st.sampled_from(
    ["NaN", "nan", "Infinity", "-Infinity", "inf", "1e400", "-1e400", "1e", "--1", "0x10", "²", ""]
)
WRONG_SHAPES = st.sampled_from([[], {}, [1, 2], {"a": {}}, [[1]], True, None])


def text_with_control_character() -> st.SearchStrategy:
    return st.tuples(st.text(max_size=5), CONTROL, st.text(max_size=5)).map("".join)


def too_long(limit: int) -> st.SearchStrategy:
    return st.sampled_from([limit + 1, limit * 2, 10_000]).map(lambda n: "街" * n)


def decimal_past(field: models.DecimalField) -> st.SearchStrategy:
    """Decimals the column cannot hold: too many whole digits or too many places."""
    whole = field.max_digits - field.decimal_places
    return st.one_of(
        st.integers(min_value=whole, max_value=whole + 30).map(lambda n: f"1e{n}"),
        st.integers(min_value=whole + 1, max_value=40).map(lambda n: "9" * n),
        st.just("1" + "." + "1" * (field.decimal_places + 1)),
        st.just(f"0.{'0' * field.decimal_places}1"),
    )


def integer_past(field: models.Field) -> st.SearchStrategy:
    """Integers outside the column's range, and numbers that are not integers."""
    low, high = connection.ops.integer_field_range(field.get_internal_type())
    return st.one_of(
        st.sampled_from([low - 1, high + 1, 10**30, -(10**30)]).map(str),
        st.sampled_from(["1.5", "3.9", "1e3", "-0.5"]),
    )


def hostile(field: models.Field) -> st.SearchStrategy:
    """Values a form or an import must refuse (or take as the text they are) for `field`."""
    common = st.one_of(NOT_NUMBERS, text_with_control_character())
    if isinstance(field, models.DecimalField):
        return st.one_of(common, decimal_past(field))
    if isinstance(field, models.IntegerField | models.ForeignKey | models.AutoField):
        return st.one_of(common, integer_past(field.target_field if field.is_relation else field))
    if isinstance(field, models.FloatField):
        return common
    if isinstance(field, models.CharField) and field.max_length:
        return st.one_of(common, too_long(field.max_length))
    return st.one_of(common, too_long(10_000))


def json_hostile(field: models.Field | None) -> st.SearchStrategy:
    """hostile(field) plus what only JSON can carry: numbers, booleans, nulls, lists, objects."""
    numbers = st.one_of(
        st.just(Decimal("1e400")).map(float),
        st.sampled_from([10**30, -1, 1.5, 1e308, float("nan")]),
    )
    text = hostile(field) if field is not None else st.one_of(NOT_NUMBERS, too_long(10_000))
    return st.one_of(text, numbers, WRONG_SHAPES)


class InputTally:
    """What the hostile-input tests tried, per surface, and what went wrong (must stay 0).

    Filled by the tests in each parallel test process, summed by tests/conftest.py and
    printed as the "hostile input summary" at the end of `make test`."""

    def __init__(self):
        self.tried: Counter = Counter()
        self.server_errors = 0
        self.stored_after_refusal = 0

    def record(self, surface: str, *, server_error: bool = False, stored: bool = False) -> None:
        self.tried[surface] += 1
        self.server_errors += server_error
        self.stored_after_refusal += stored

    def as_dict(self) -> dict:
        return {
            "tried": dict(self.tried),
            "5xx": self.server_errors,
            "stored": self.stored_after_refusal,
        }

    def add(self, counts: dict) -> None:
        self.tried.update(counts["tried"])
        self.server_errors += counts["5xx"]
        self.stored_after_refusal += counts["stored"]

    def lines(self) -> list[str]:
        per_surface = ", ".join(f"{surface} {n}" for surface, n in sorted(self.tried.items()))
        return [
            f"generated hostile inputs tried: {sum(self.tried.values())} ({per_surface})",
            f"5xx or uncaught exceptions: {self.server_errors}; "
            f"stored after refusal: {self.stored_after_refusal}",
        ]


TALLY = InputTally()


def form_hostile(field) -> st.SearchStrategy:
    """Hostile values for a form field that holds no model column (an upload form's options)."""
    from django import forms

    common = st.one_of(NOT_NUMBERS, text_with_control_character(), too_long(10_000))
    if isinstance(field, forms.CharField) and field.max_length:
        return st.one_of(common, too_long(field.max_length))
    if isinstance(field, forms.IntegerField | forms.ChoiceField | forms.ModelChoiceField):
        return st.one_of(common, st.sampled_from(["1.5", "3.9", "-1", str(10**30), "1e3"]))
    return common
