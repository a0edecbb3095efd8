"""Ledger posting: single entries and bulk batches, each against same-run baselines.

Baselines store the same rows (one entry and two postings per entry) in
tables of the same shape. Plain tables have no constraints, triggers or
secondary indexes: raw binary COPY (what the ledger's bulk path uses; text
COPY is reported too) for bulk posting, one raw INSERT transaction per entry
for single posting. Constrained tables are copies of the ledger's
(CREATE TABLE ... LIKE ... INCLUDING ALL: the same columns, defaults, checks,
unique and secondary indexes) with the ledger's foreign keys (deferred, as
Django makes them) and a set-based balance check at the end of the postings'
COPY (two or more postings, a zero sum per commodity, for every new entry):
binary COPY into them is what bulk posting costs without the ledger's other
work (hash chain, account balances, non-negative balances, immutability).
Every figure is the median of REPEATS runs; baseline and ledger runs
alternate, so a load that drifts on a shared machine weighs on both sides of
the ratio alike.
"""

import itertools
import statistics
from datetime import UTC, date, datetime

from django.db import connection, transaction

from bench.harness import timed
from ledger.models import Account
from ledger.services import EntrySpec, Leg, open_account, post_entries, post_entry

BULK_SIZES = (2000, 8000, 32000)
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
CONSTRAINED_TABLES = """
CREATE TABLE bench_c_entry (LIKE ledger_journalentry INCLUDING ALL);
CREATE TABLE bench_c_posting (LIKE ledger_posting INCLUDING ALL);
ALTER TABLE bench_c_entry ADD FOREIGN KEY (reverses_id) REFERENCES bench_c_entry (id)
    DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE bench_c_entry ADD FOREIGN KEY (posted_by_id) REFERENCES auth_user (id)
    DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE bench_c_posting ADD FOREIGN KEY (entry_id) REFERENCES bench_c_entry (id)
    DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE bench_c_posting ADD FOREIGN KEY (account_id) REFERENCES ledger_account (id)
    DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE bench_c_posting ADD FOREIGN KEY (commodity_id) REFERENCES ledger_commodity (code)
    DEFERRABLE INITIALLY DEFERRED;
CREATE FUNCTION bench_c_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM (
            SELECT entry_id, sum(postings) AS postings, bool_and(total = 0) AS balanced
              FROM (SELECT entry_id, count(*) AS postings, sum(amount_minor) AS total
                      FROM new_postings GROUP BY entry_id, commodity_id) per_commodity
             GROUP BY entry_id
        ) per_entry
        WHERE NOT balanced OR postings < 2
    ) THEN
        RAISE EXCEPTION 'unbalanced entry';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER bench_c_balanced AFTER INSERT ON bench_c_posting
    REFERENCING NEW TABLE AS new_postings FOR EACH STATEMENT EXECUTE FUNCTION bench_c_balanced();
"""


def run(report):
    with connection.cursor() as cursor:
        cursor.execute(PLAIN_TABLES)
        cursor.execute(CONSTRAINED_TABLES)
    accounts = [
        open_account(code=f"bench:{i}", name=f"bench {i}", type="asset", commodity="CNY").code
        for i in range(ACCOUNTS)
    ]
    account_ids = list(Account.objects.filter(code__in=accounts).values_list("pk", flat=True)[:2])
    for size in BULK_SIZES:
        text, plain, constrained, ledger = _alternating(
            lambda size=size: _copy_plain(size, binary=False),
            lambda size=size: _copy_plain(size, binary=True),
            lambda size=size: _copy_plain(size, binary=True, tables=CONSTRAINED, to=account_ids),
            lambda size=size: _bulk(accounts, size),
        )
        # Text COPY for comparison with earlier figures; binary COPY is the faster of the
        # two and the format the ledger's bulk path uses.
        report.add("raw text COPY into plain tables", size=size, seconds=text, unit="e/s")
        report.add("raw COPY into plain tables", size=size, seconds=plain, unit="e/s")
        baseline = report.add(
            "raw COPY into constrained tables", size=size, seconds=constrained, unit="e/s"
        )
        report.add(
            "ledger bulk post (post_entries)",
            size=size,
            unit="e/s",
            baseline=baseline,
            seconds=ledger,
        )
        report.note(
            f"ledger bulk post at {size}: {plain / ledger:.1%} of raw COPY into plain tables"
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


PLAIN = ("bench_entry", "bench_posting")
CONSTRAINED = ("bench_c_entry", "bench_c_posting")


def _copy_plain(size, *, binary, tables=PLAIN, to=(1, 2)) -> float:
    """Seconds to COPY `size` entries and their postings (to accounts `to`) into `tables`."""
    entries = [_entry_row(i) for i in range(size)]
    options = " (FORMAT BINARY)" if binary else ""
    entry_table, posting_table = tables
    debit, credit = to

    def work():
        with transaction.atomic(), connection.cursor() as cursor:
            with cursor.cursor.copy(
                f"COPY {entry_table} ({ENTRY_COLUMNS}) FROM STDIN{options}"
            ) as copy:
                if binary:
                    copy.set_types(ENTRY_TYPES)
                for row in entries:
                    copy.write_row(row)
            cursor.execute(f"SELECT max(id) FROM {entry_table}")  # noqa: S608
            last = cursor.fetchone()[0]
            with cursor.cursor.copy(
                f"COPY {posting_table} ({POSTING_COLUMNS}) FROM STDIN{options}"
            ) as copy:
                if binary:
                    copy.set_types(POSTING_TYPES)
                for entry_id in range(last - size + 1, last + 1):
                    copy.write_row((entry_id, debit, "CNY", DAY, 1234))
                    copy.write_row((entry_id, credit, "CNY", DAY, -1234))

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
