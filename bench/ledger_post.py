"""Ledger posting: single entries and bulk batches, each against a plain-table baseline.

Baselines store the same rows (one entry and two postings per entry) in
tables of the same shape with no constraints, triggers or secondary indexes:
raw binary COPY (what the ledger's bulk path uses; text COPY is reported
too) for bulk posting, one raw INSERT transaction per entry for single
posting. Every figure is the median of REPEATS runs; baseline and ledger
runs alternate, so a load that drifts on a shared machine weighs on both
sides of the ratio alike.
"""

import itertools
import statistics
from datetime import UTC, date, datetime

from django.db import connection, transaction

from bench.harness import timed
from ledger.services import EntrySpec, Leg, open_account, post_entries, post_entry

BULK_SIZES = (2000, 8000)
SINGLE_SIZES = (200, 400)
REPEATS = 5
ACCOUNTS = 20
DAY = date(2026, 1, 1)
POSTED_AT = datetime(2026, 1, 1, tzinfo=UTC)
keys = itertools.count()

PLAIN_TABLES = """
CREATE TABLE bench_entry (id bigserial PRIMARY KEY, sequence bigint, idempotency_key text,
    effective_date date, description text, cause text, posted_at timestamptz,
    posted_by_id integer, reverses_id bigint, content_digest text, previous_hash text,
    hash text, sealed boolean);
CREATE TABLE bench_posting (id bigserial PRIMARY KEY, entry_id bigint, account_id bigint,
    commodity_id text, effective_date date, amount_minor bigint);
"""


def run(report):
    with connection.cursor() as cursor:
        cursor.execute(PLAIN_TABLES)
    accounts = [
        open_account(code=f"bench:{i}", name=f"bench {i}", type="asset", commodity="CNY").code
        for i in range(ACCOUNTS)
    ]
    for size in BULK_SIZES:
        text, plain, ledger = _alternating(
            lambda size=size: _copy_plain(size, binary=False),
            lambda size=size: _copy_plain(size, binary=True),
            lambda size=size: _bulk(accounts, size),
        )
        # Text COPY for comparison with earlier figures; the ratio is against binary COPY,
        # the faster of the two and the format the ledger's bulk path uses.
        report.add("raw text COPY into plain tables", size=size, seconds=text, unit="e/s")
        baseline = report.add("raw COPY into plain tables", size=size, seconds=plain, unit="e/s")
        report.add(
            "ledger bulk post (post_entries)",
            size=size,
            unit="e/s",
            baseline=baseline,
            seconds=ledger,
        )
    for size in SINGLE_SIZES:
        plain, ledger = _alternating(
            lambda size=size: _insert_plain(size), lambda size=size: _single(accounts, size)
        )
        baseline = report.add(
            "raw INSERT transaction per entry", size=size, unit="e/s", seconds=plain
        )
        report.add(
            "ledger single post (post_entry)",
            size=size,
            unit="e/s",
            baseline=baseline,
            seconds=ledger,
        )


def _alternating(*works) -> list[float]:
    """Median seconds of each work, the works run in turns."""
    runs = [[work() for work in works] for _ in range(REPEATS)]
    return [statistics.median(seconds) for seconds in zip(*runs, strict=True)]


def _bulk(accounts, size) -> float:
    specs = [_spec(accounts, i) for i in range(size)]
    return timed(lambda: post_entries(specs=specs))


def _single(accounts, size) -> float:
    specs = [_spec(accounts, i) for i in range(size)]
    return timed(lambda: [post_entry(spec=spec) for spec in specs])


def _spec(accounts, i):
    debit = accounts[i % ACCOUNTS]
    credit = accounts[(i + 1 + i // ACCOUNTS) % ACCOUNTS]
    if debit == credit:
        credit = accounts[(i + 1) % ACCOUNTS]
    return EntrySpec(
        idempotency_key=f"bench-{next(keys)}",
        effective_date=DAY,
        description=f"benchmark transfer {i}",
        cause="bench",
        legs=[Leg.debit(debit, "12.34"), Leg.credit(credit, "12.34")],
    )


def _entry_row(i):
    n = next(keys)
    return (
        n,
        f"plain-{n}",
        DAY,
        f"benchmark transfer {i}",
        "bench",
        POSTED_AT,
        None,
        None,
        "d" * 64,
        "p" * 64,
        "h" * 64,
        True,
    )


ENTRY_COLUMNS = (
    "sequence, idempotency_key, effective_date, description, cause, posted_at, "
    "posted_by_id, reverses_id, content_digest, previous_hash, hash, sealed"
)
ENTRY_TYPES = ["int8", "text", "date", "text", "text", "timestamptz", "int4", "int8"]
ENTRY_TYPES += ["text", "text", "text", "bool"]
POSTING_TYPES = ["int8", "int8", "text", "date", "int8"]
POSTING_COLUMNS = "entry_id, account_id, commodity_id, effective_date, amount_minor"


def _copy_plain(size, *, binary) -> float:
    entries = [_entry_row(i) for i in range(size)]
    options = " (FORMAT BINARY)" if binary else ""

    def work():
        with transaction.atomic(), connection.cursor() as cursor:
            with cursor.cursor.copy(
                f"COPY bench_entry ({ENTRY_COLUMNS}) FROM STDIN{options}"
            ) as copy:
                if binary:
                    copy.set_types(ENTRY_TYPES)
                for row in entries:
                    copy.write_row(row)
            cursor.execute("SELECT max(id) FROM bench_entry")
            last = cursor.fetchone()[0]
            with cursor.cursor.copy(
                f"COPY bench_posting ({POSTING_COLUMNS}) FROM STDIN{options}"
            ) as copy:
                if binary:
                    copy.set_types(POSTING_TYPES)
                for entry_id in range(last - size + 1, last + 1):
                    copy.write_row((entry_id, 1, "CNY", DAY, 1234))
                    copy.write_row((entry_id, 2, "CNY", DAY, -1234))

    return timed(work)


def _insert_plain(size) -> float:
    entries = [_entry_row(i) for i in range(size)]

    def one(row):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO bench_entry ({ENTRY_COLUMNS}) VALUES "  # noqa: S608
                "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
                row,
            )
            entry_id = cursor.fetchone()[0]
            cursor.execute(
                f"INSERT INTO bench_posting ({POSTING_COLUMNS}) VALUES "  # noqa: S608
                "(%s, 1, 'CNY', %s, 1234), (%s, 2, 'CNY', %s, -1234)",
                [entry_id, DAY, entry_id, DAY],
            )

    return timed(lambda: [one(row) for row in entries])
