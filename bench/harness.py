"""What every benchmark shares: a throwaway database, a clock, and the results table.

Benchmarks never assert on time. Each reports its rate next to a baseline
measured in the same run on the same machine, and the ratio between them.
"""

import json
import os
import platform
import time
from dataclasses import asdict, dataclass
from itertools import pairwise
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"


@dataclass(frozen=True)
class Measurement:
    name: str
    size: int
    seconds: float
    rate: float
    unit: str
    baseline: str = ""
    baseline_rate: float = 0.0

    @property
    def ratio(self) -> float | None:
        return self.rate / self.baseline_rate if self.baseline_rate else None


class Report:
    def __init__(self):
        self.rows: list[Measurement] = []

    def add(self, name, *, size, seconds, unit, baseline: Measurement | None = None):
        row = Measurement(
            name,
            size,
            seconds,
            size / seconds,
            unit,
            baseline.name if baseline else "",
            baseline.rate if baseline else 0.0,
        )
        self.rows.append(row)
        return row

    def print_table(self):
        header = f"{'benchmark':<40}{'size':>8}{'time s':>10}{'rate':>14}  {'vs baseline':<30}"
        print(header)
        print("-" * len(header))
        for r in self.rows:
            versus = f"{r.ratio:6.1%} of {r.baseline}" if r.ratio is not None else "(baseline)"
            print(
                f"{r.name:<40}{r.size:>8}{r.seconds:>10.3f}{r.rate:>11.0f} {r.unit:<3}"
                f"  {versus:<30}"
            )

    def print_growth(self):
        """How cost grows with size: time ratio against size ratio (linear means equal)."""
        by_name: dict[str, list[Measurement]] = {}
        for row in self.rows:
            by_name.setdefault(row.name, []).append(row)
        print("\ngrowth (time ratio for the size ratio; equal ratios mean linear cost)")
        for name, rows in by_name.items():
            for small, large in pairwise(rows):
                print(
                    f"  {name:<40} size x{large.size / small.size:.1f} -> "
                    f"time x{large.seconds / small.seconds:.2f}"
                )

    def write_json(self):
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        machine = {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        }
        rows = [asdict(r) | {"ratio": r.ratio} for r in self.rows]
        RESULTS.write_text(json.dumps({"machine": machine, "results": rows}, indent=2) + "\n")


def timed(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start
