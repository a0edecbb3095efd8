"""What every benchmark shares: a throwaway database, a clock, and the results table.

Benchmarks never assert on time. Each reports its rate next to a baseline
measured in the same run on the same machine, and the ratio between them.
"""

import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from itertools import pairwise
from pathlib import Path

from django.db import connection

from tests.workers import PROJECT_ROOT, database_url_for

RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"
SERVER_START_SECONDS = 60
SERVER_OPTIONS = ["--workers", "2", "--worker-class", "gthread", "--threads", "4"]


@dataclass(frozen=True)
class Measurement:
    name: str
    size: int
    seconds: float
    rate: float
    unit: str
    baseline: str = ""
    baseline_rate: float = 0.0
    # Request benchmarks: p50, p90 and p99 of the single requests' latency, in milliseconds.
    latency_ms: dict[str, float] | None = None

    @property
    def ratio(self) -> float | None:
        return self.rate / self.baseline_rate if self.baseline_rate else None


def percentiles(latencies_s: list[float]) -> dict[str, float]:
    """p50, p90 and p99 in milliseconds (inclusive method: never beyond the slowest seen)."""
    cuts = statistics.quantiles(latencies_s, n=100, method="inclusive")
    return {f"p{p}": round(cuts[p - 1] * 1000, 2) for p in (50, 90, 99)}


class Report:
    def __init__(self):
        self.rows: list[Measurement] = []
        self.notes: list[str] = []

    def add(
        self,
        name,
        *,
        size,
        seconds,
        unit,
        baseline: Measurement | None = None,
        latencies: list[float] | None = None,
    ):
        row = Measurement(
            name,
            size,
            seconds,
            size / seconds,
            unit,
            baseline.name if baseline else "",
            baseline.rate if baseline else 0.0,
            percentiles(latencies) if latencies else None,
        )
        self.rows.append(row)
        return row

    def note(self, text: str) -> None:
        """A line printed under the table and kept in latest.json (e.g. a goal met or missed)."""
        self.notes.append(text)

    def print_table(self):
        header = (
            f"{'benchmark':<50}{'size':>8}{'time s':>10}{'rate':>15}"
            f"{'p50/p90/p99 ms':>20}  {'vs baseline':<30}"
        )
        print(header)
        print("-" * len(header))
        for r in self.rows:
            versus = f"{r.ratio:6.1%} of {r.baseline}" if r.ratio is not None else "(baseline)"
            rate = f"{r.rate:.0f}" if r.rate >= 100 else f"{r.rate:.2f}"
            latency = "/".join(f"{v:.0f}" for v in r.latency_ms.values()) if r.latency_ms else ""
            print(
                f"{r.name:<50}{r.size:>8}{r.seconds:>10.3f}{rate:>10} {r.unit:<4}"
                f"{latency:>20}  {versus:<30}"
            )
        for text in self.notes:
            print(text)

    def print_growth(self):
        """How cost grows with size: time ratio against size ratio (linear means equal)."""
        by_name: dict[str, list[Measurement]] = {}
        for row in self.rows:
            by_name.setdefault(row.name, []).append(row)
        print("\ngrowth (time ratio for the size ratio; equal ratios mean linear cost)")
        for name, rows in by_name.items():
            for small, large in pairwise(rows):
                print(
                    f"  {name:<50} size x{large.size / small.size:.1f} -> "
                    f"time x{large.seconds / small.seconds:.2f}"
                )

    def write_json(self):
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        machine = {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            # Other processes share the machine; the load when the run ended says how busy it was.
            "load_average": os.getloadavg(),
        }
        rows = [asdict(r) | {"ratio": r.ratio} for r in self.rows]
        RESULTS.write_text(
            json.dumps({"machine": machine, "results": rows, "notes": self.notes}, indent=2) + "\n"
        )


def timed(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


class GunicornServer:
    """gunicorn on a free loopback port, on the benchmark database; stopped on exit.

    Two gthread workers of four threads, persistent database connections, DEBUG off:
    a production-like server for the request benchmarks."""

    def __init__(self, folder: Path):
        self.folder = folder
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]

    def __enter__(self):
        env = os.environ | {
            "DATABASE_URL": database_url_for(connection.settings_dict["NAME"]),
            "DATABASE_CONN_MAX_AGE": "60",
            "DEBUG": "false",
            "MEDIA_ROOT": str(self.folder / "media"),
            "LOG_LEVEL": "WARNING",
        }
        self.log = open(self.folder / "gunicorn.log", "wb")
        command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind"]
        self.process = subprocess.Popen(
            [*command, f"127.0.0.1:{self.port}", *SERVER_OPTIONS],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        log = (self.folder / "gunicorn.log").read_text(errors="replace")
        raise RuntimeError(f"gunicorn did not start:\n{log}")

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
