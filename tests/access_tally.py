"""What the permission enumeration tried, summed over the session and printed at its end.

Each enumeration test records the surfaces it walked (admin pages, admin actions,
custom admin pages, API routes) times the roles it tried them as, and how many
answers differed from config.roles, before its assertions, so a failing run shows
its numbers too.
"""

from collections import Counter

TRIED = Counter()  # surface -> requests (or offers) tried, over every role
WRONG = Counter()  # surface -> answers that config.roles did not allow


def record(surface: str, *, tried: int, wrong: int) -> None:
    TRIED[surface] += tried
    WRONG[surface] += wrong


def as_dict() -> dict:
    """Plain types, to travel from a parallel test process to the one that reports."""
    return {"tried": dict(TRIED), "wrong": dict(WRONG)}


def add(counts: dict) -> None:
    TRIED.update(counts["tried"])
    WRONG.update(counts["wrong"])


def lines() -> list[str]:
    return [
        f"{surface}: {TRIED[surface]} tried, {WRONG[surface]} not as config.roles says"
        for surface in sorted(TRIED)
    ] + [f"total: {sum(TRIED.values())} tried, {sum(WRONG.values())} not as config.roles says"]
