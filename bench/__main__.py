"""Run every benchmark in bench/ once against a throwaway copy of the database.

Each benchmark module defines `run(report)`. The database is created with
Django's test machinery (all migrations and triggers) under its own name and
dropped afterwards, so benchmarks never touch real data.
"""

import importlib
import logging
import os
import sys
from pathlib import Path

import django

SKIP = {"__init__", "__main__", "harness"}


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings

    # The demo's alert rules notify by email: benchmarks keep those messages in memory.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # WeasyPrint logs every layout step at INFO (statements, the demo): the table would drown.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    from bench.harness import Report

    modules = sorted(p.stem for p in Path(__file__).parent.glob("*.py") if p.stem not in SKIP)
    wanted = sys.argv[1:]  # e.g. `python -m bench valuation` runs just that one
    modules = [m for m in modules if not wanted or m in wanted]
    if not modules:
        print("No benchmarks in bench/ yet: nothing was measured.")
        return 0
    # Its own name, so a benchmark never drops a database a test run is using.
    connection.settings_dict["TEST"]["NAME"] = os.environ.get("TANHUI_BENCH_DB", "tanhui_bench")
    databases = setup_databases(verbosity=0, interactive=False)
    report = Report()
    try:
        for name in modules:
            print(f"running bench/{name}.py ...", flush=True)
            importlib.import_module(f"bench.{name}").run(report)
    finally:
        teardown_databases(databases, verbosity=0)
    print()
    report.print_table()
    report.print_growth()
    report.write_json()
    return 0


if __name__ == "__main__":
    sys.exit(main())
