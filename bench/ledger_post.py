"""Ledger posting: single entries and bulk batches, against raw COPY into plain tables.

The baseline copies the same rows (one entry and two postings per entry) into
tables of the same shape with no constraints, triggers or indexes beyond
primary keys: the fastest PostgreSQL can possibly store them.
"""

import itertools
from datetime import date

from django.db import connection, transaction

from bench.harness import timed
from ledger.services import EntrySpec, Leg, open_account, post_entries, post_entry

BULK_SIZES = (2000, 8000)
SINGLE_SIZES = (200, 400)
DAY = date(2026, 1, 1)
keys = itertools.count()

PLAIN_TABLES = """
CREATE TABLE bench_entry (id bigserial PRIMARY KEY, sequence bigint, idempotency_key text,
    effective_date date, description text, cause text, posted_at timestamptz,
    content_digest text, previous_hash text, hash text);
CREATE TABLE bench_posting (id bigserial PRIMARY KEY, entry_id bigint, account_id bigint,
    commodity_id text, effective_date date, amount_minor bigint);
"""


def run(report):
    with connection.cursor() as cursor:
        cursor.execute(PLAIN_TABLES)
    accounts = _open_accounts()
    for size in BULK_SIZES:
        baseline = report.add(
            "raw COPY into plain tables",
            size=size,
            seconds=timed(lambda size=size: _copy_plain(size)),
            unit="e/s",
        )
        specs = [_spec(accounts, i) for i in range(size)]
        report.add(
            "ledger bulk post (post_entries)",
            size=size,
            seconds=timed(lambda specs=specs: post_entries(specs=specs)),
            unit="e/s",
            baseline=baseline,
        )
    for size in SINGLE_SIZES:
        specs = [_spec(accounts, i) for i in range(size)]
        report.add(
            "ledger single post (post_entry)",
            size=size,
            seconds=timed(lambda specs=specs: [post_entry(spec=s) for s in specs]),
            unit="e/s",
            baseline=baseline,
        )


def _open_accounts():
    return [
        open_account(code=f"bench:{i}", name=f"bench {i}", type="asset", commodity="CNY").code
        for i in range(20)
    ]


def _spec(accounts, i):
    debit, credit = accounts[i % 20], accounts[(i * 7 + 1) % 20]
    if debit == credit:
        credit = accounts[(i + 1) % 20]
    return EntrySpec(
        idempotency_key=f"bench-{next(keys)}",
        effective_date=DAY,
        description=f"benchmark transfer {i}",
        cause="bench",
        legs=[Leg.debit(debit, "12.34"), Leg.credit(credit, "12.34")],
    )


def _copy_plain(size):
    first = next(keys)
    entries = [
        (
            first + i,
            f"copy-{first + i}",
            DAY,
            f"benchmark transfer {i}",
            "bench",
            "2026-01-01T00:00:00+00:00",
            "d" * 64,
            "p" * 64,
            "h" * 64,
        )
        for i in range(size)
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.cursor.copy(
            "COPY bench_entry (sequence, idempotency_key, effective_date, description, cause, "
            "posted_at, content_digest, previous_hash, hash) FROM STDIN"
        ) as copy:
            for row in entries:
                copy.write_row(row)
        cursor.execute("SELECT max(id) FROM bench_entry")
        last = cursor.fetchone()[0]
        with cursor.cursor.copy(
            "COPY bench_posting (entry_id, account_id, commodity_id, effective_date, "
            "amount_minor) FROM STDIN"
        ) as copy:
            for entry_id in range(last - size + 1, last + 1):
                copy.write_row((entry_id, 1, "CNY", DAY, 1234))
                copy.write_row((entry_id, 2, "CNY", DAY, -1234))
