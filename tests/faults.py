"""What the fault tests counted, summed over the session and printed at its end.

Each fault test reports the faults it injected, the operations it attempted
and what it found lost or duplicated, from its own counts and before its
assertions, so the summary shows a failure's numbers too.
"""

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class FaultTally:
    injected: Counter = field(default_factory=Counter)
    operations: Counter = field(default_factory=Counter)
    lost: int = 0
    duplicated: int = 0
    partial: int = 0
    tests: int = 0

    def record(
        self,
        *,
        faults: dict[str, int],
        operations: dict[str, int],
        lost: int = 0,
        duplicated: int = 0,
        partial: int = 0,
    ) -> None:
        """`partial`: rows a refused input left behind (it must leave none)."""
        self.injected.update(faults)
        self.operations.update(operations)
        self.lost += lost
        self.duplicated += duplicated
        self.partial += partial
        self.tests += 1

    def as_dict(self) -> dict:
        """Plain types, to travel from a parallel test process to the one that reports."""
        return {
            "injected": dict(self.injected),
            "operations": dict(self.operations),
            "lost": self.lost,
            "duplicated": self.duplicated,
            "partial": self.partial,
            "tests": self.tests,
        }

    def add(self, counts: dict) -> None:
        self.injected.update(counts["injected"])
        self.operations.update(counts["operations"])
        self.lost += counts["lost"]
        self.duplicated += counts["duplicated"]
        self.partial += counts["partial"]
        self.tests += counts["tests"]

    def lines(self) -> list[str]:
        def listed(counts: Counter) -> str:
            return ", ".join(f"{name} {n}" for name, n in sorted(counts.items()))

        return [
            f"fault tests reporting: {self.tests}",
            f"faults injected: {sum(self.injected.values())} ({listed(self.injected)})",
            f"operations attempted: {sum(self.operations.values())} ({listed(self.operations)})",
            f"lost = {self.lost}, duplicated = {self.duplicated}, "
            f"partially stored = {self.partial}",
        ]


TALLY = FaultTally()


def record_run(tally: FaultTally, run, faults: dict[str, int]) -> None:
    """A settlement run's transfers: lost if never posted, duplicated if posted more than once."""
    from ledger.models import JournalEntry

    transfers = run.transfers.count()
    posted = run.transfers.filter(entry__isnull=False).count()
    entries = JournalEntry.objects.filter(idempotency_key__startswith=f"{run.key_prefix}:")
    tally.record(
        faults=faults,
        operations={"settlement transfers": transfers},
        lost=transfers - posted,
        duplicated=entries.count() - posted,
    )
