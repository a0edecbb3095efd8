"""Serials: format, check digits, and range arithmetic that never loses or duplicates a unit."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compensation.serials import SerialError, merge, parse, serial, split

# Messages are read in English here (tests/fixtures.py); translations are checked on their own.
pytestmark = pytest.mark.usefixtures("english")


def test_serial_format_and_round_trip():
    text = serial(project_code="XAJ001", vintage=2024, batch_number=1, first_unit=1, last_unit=900)

    assert text == "CN-TANHUI-XAJ001-2024-001-000000001-000000900-15"
    parsed = parse(text)
    assert (parsed.project_code, parsed.vintage, parsed.batch_number) == ("XAJ001", 2024, 1)
    assert (parsed.first_unit, parsed.last_unit) == (1, 900)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("CN-TANHUI-XAJ001-2024-001-000000001-000000901-15", "check digits"),
        ("CN-TANHUI-XAJ001-2024-001-000000009-000000001-08", "check digits|empty range"),
        ("VCS-VCU-003-VER-US-0003", "not a Tanhui serial"),
    ],
)
def test_altered_or_foreign_serials_are_refused(text, words):
    with pytest.raises(SerialError, match=words):
        parse(text)


def test_every_single_digit_change_is_detected():
    text = serial(project_code="XAJ001", vintage=2024, batch_number=2, first_unit=17, last_unit=42)
    for position, character in enumerate(text):
        if character.isdigit():
            altered = text[:position] + str((int(character) + 1) % 10) + text[position + 1 :]
            with pytest.raises(SerialError):
                parse(altered)


def test_split_takes_a_middle_range_out_of_a_block():
    assert split(1, 100, 10, 19) == [(1, 9), (20, 100)]
    assert split(1, 100, 1, 100) == []
    with pytest.raises(SerialError, match="not inside"):
        split(1, 100, 90, 110)


ranges = st.integers(min_value=1, max_value=10_000).flatmap(
    lambda first: st.tuples(st.just(first), st.integers(min_value=first, max_value=first + 5_000))
)


@given(block=ranges, data=st.data())
def test_split_keeps_every_unit_exactly_once(block, data):
    first, last = block
    take_first = data.draw(st.integers(min_value=first, max_value=last))
    take_last = data.draw(st.integers(min_value=take_first, max_value=last))

    parts = [*split(first, last, take_first, take_last), (take_first, take_last)]

    units = [u for a, b in parts for u in range(a, b + 1)]
    assert sorted(units) == list(range(first, last + 1))
    assert merge(parts) == [(first, last)]


@given(pieces=st.lists(ranges, min_size=1, max_size=20))
def test_merge_covers_exactly_the_units_of_its_pieces(pieces):
    merged = merge(pieces)

    covered = {u for a, b in pieces for u in range(a, b + 1)}
    assert {u for a, b in merged for u in range(a, b + 1)} == covered
    assert all(merged[i][1] + 1 < merged[i + 1][0] for i in range(len(merged) - 1))
