"""Credit serial numbers and the arithmetic of unit ranges.

A serial names a contiguous range of units of one issuance batch:

    CN-TANHUI-<project>-<vintage>-<batch>-<first>-<last>-<check>
    CN-TANHUI-XAJ001-2024-001-000000001-000000900-15

<batch> has three digits, <first> and <last> nine; <check> is the ISO 7064
MOD 97-10 check of everything before it (letters as in IBAN: A=10 … Z=35),
so a mistyped serial is recognised. Ranges are inclusive.
"""

import re
from dataclasses import dataclass

REGISTRY = "CN-TANHUI"
SERIAL = re.compile(
    r"^CN-TANHUI-(?P<project>[A-Z0-9]{3,12})-(?P<vintage>\d{4})-(?P<batch>\d{3})"
    r"-(?P<first>\d{9})-(?P<last>\d{9})-(?P<check>\d{2})$"
)


class SerialError(ValueError):
    """A serial that does not parse, fails its check digits or names an empty range."""


def _digits(text: str) -> int:
    return int("".join(str(int(ch, 36)) for ch in text if ch.isalnum()))


def check_digits(body: str) -> str:
    return f"{98 - (_digits(body) * 100) % 97:02d}"


def serial(*, project_code: str, vintage: int, batch_number: int, first_unit: int, last_unit: int):
    body = (
        f"{REGISTRY}-{project_code}-{vintage:04d}-{batch_number:03d}"
        f"-{first_unit:09d}-{last_unit:09d}"
    )
    return f"{body}-{check_digits(body)}"


@dataclass(frozen=True)
class ParsedSerial:
    project_code: str
    vintage: int
    batch_number: int
    first_unit: int
    last_unit: int


def parse(text: str) -> ParsedSerial:
    match = SERIAL.match(text.strip())
    if match is None:
        raise SerialError(f"{text!r} is not a Tanhui serial (CN-TANHUI-<project>-<vintage>-…).")
    body = text.strip().rsplit("-", 1)[0]
    if check_digits(body) != match["check"]:
        raise SerialError(f"{text!r} fails its check digits: it was mistyped or altered.")
    first, last = int(match["first"]), int(match["last"])
    if first < 1 or last < first:
        raise SerialError(f"{text!r} names an empty range.")
    return ParsedSerial(match["project"], int(match["vintage"]), int(match["batch"]), first, last)


def split(first: int, last: int, take_first: int, take_last: int) -> list[tuple[int, int]]:
    """The parts of [first, last] left around [take_first, take_last], which must lie inside it."""
    if not first <= take_first <= take_last <= last:
        raise SerialError(
            f"Units {take_first}–{take_last} are not inside the block {first}–{last}."
        )
    parts = []
    if take_first > first:
        parts.append((first, take_first - 1))
    if take_last < last:
        parts.append((take_last + 1, last))
    return parts


def merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Adjacent or overlapping inclusive ranges joined, sorted."""
    merged: list[tuple[int, int]] = []
    for first, last in sorted(ranges):
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged
