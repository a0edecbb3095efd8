"""Run every benchmark in bench/ (modules named bench_*.py) once.

Each benchmark measures its own baseline in the same run and reports ratios,
never absolute thresholds, so a noisy machine still gives stable numbers.
"""

import runpy
import sys
from pathlib import Path


def main() -> int:
    modules = sorted(Path(__file__).parent.glob("bench_*.py"))
    if not modules:
        print("No benchmarks in bench/ yet: nothing was measured.")
        return 0
    for module in modules:
        print(f"== {module.stem}")
        runpy.run_path(str(module), run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
