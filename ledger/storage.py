"""The posting path's SQL: few round trips, set-based, COPY on PostgreSQL.

Posting is the ledger's hot path, so it speaks SQL directly instead of
through the ORM (which costs about a millisecond per query here). Plain
parameterised SQL serves both backends; only the bulk inserts have a
PostgreSQL branch (COPY) beside the portable one.
"""

from dataclasses import dataclass
from itertools import zip_longest

from django.db import connection

from ledger.models import JournalEntry, Posting

CHUNK = 5000
COPY_THRESHOLD = 100  # rows; below it a multi-row INSERT is faster than COPY

ENTRY_COLUMNS = (
    "id",
    "sequence",
    "idempotency_key",
    "effective_date",
    "description",
    "cause",
    "posted_at",
    "posted_by_id",
    "reverses_id",
    "content_digest",
    "previous_hash",
    "hash",
    "sealed",
)
POSTING_COLUMNS = ("entry_id", "account_id", "commodity_id", "effective_date", "amount_minor")


@dataclass(frozen=True)
class AccountRef:
    id: int
    commodity: str
    decimal_places: int


def _fetch(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _execute(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _chunks(values):
    values = list(values)
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _placeholders(values):
    return ", ".join(["%s"] * len(values))


def lock_chain_head() -> tuple[int, str]:
    """Lock the chain head row until commit: posting transactions queue here, one at a time."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    return _fetch(f"SELECT last_sequence, last_hash FROM ledger_chainhead WHERE id = 1{lock}")[0]  # noqa: S608


def accounts_and_posted(*, codes, keys):
    """Accounts by code, and (entry id, content digest) of keys already posted: one query.

    One round trip per chunk, since posting a single entry pays for every one.
    """
    accounts, posted = {}, {}
    code_chunks, key_chunks = list(_chunks(codes)), list(_chunks(keys))
    for code_chunk, key_chunk in zip_longest(code_chunks, key_chunks, fillvalue=[]):
        codes_in = _placeholders(code_chunk) or "NULL"
        keys_in = _placeholders(key_chunk) or "NULL"
        rows = _fetch(
            "SELECT 'account', a.code, a.id, a.commodity_id, c.decimal_places "  # noqa: S608
            "FROM ledger_account a JOIN ledger_commodity c ON c.code = a.commodity_id "
            f"WHERE a.code IN ({codes_in}) "
            "UNION ALL SELECT 'entry', idempotency_key, id, content_digest, NULL "
            f"FROM ledger_journalentry WHERE idempotency_key IN ({keys_in})",
            [*code_chunk, *key_chunk],
        )
        for kind, name, pk, text, places in rows:
            if kind == "account":
                accounts[name] = AccountRef(pk, text, places)
            else:
                posted[name] = (pk, text)
    return accounts, posted


def insert_entries(entries: list[JournalEntry]) -> None:
    """Insert entries and set their ids: sealed on PostgreSQL, unsealed until `seal` on SQLite."""
    if connection.vendor != "postgresql":
        JournalEntry.objects.bulk_create(entries)
        return
    for entry in entries:
        entry.sealed = True
    rows = [
        (
            e.sequence,
            e.idempotency_key,
            e.effective_date,
            e.description,
            e.cause,
            e.posted_at,
            e.posted_by_id,
            e.reverses_id,
            e.content_digest,
            e.previous_hash,
            e.hash,
            e.sealed,
        )
        for e in entries
    ]
    columns = ENTRY_COLUMNS[1:]
    if len(rows) < COPY_THRESHOLD:
        ids = dict(_insert_returning("ledger_journalentry", columns, rows, "sequence, id"))
    else:
        allocated = _fetch(
            "SELECT nextval(pg_get_serial_sequence('ledger_journalentry', 'id')) "
            "FROM generate_series(1, %s)",
            [len(rows)],
        )
        ids = {row[0]: pk for row, (pk,) in zip(rows, allocated, strict=True)}
        _copy("ledger_journalentry", ENTRY_COLUMNS, ((ids[row[0]], *row) for row in rows))
    for entry in entries:
        entry.id = ids[entry.sequence]


def insert_postings(rows) -> None:
    """Insert (entry_id, account_id, commodity_id, effective_date, amount_minor) rows."""
    rows = list(rows)
    if connection.vendor != "postgresql":
        Posting.objects.bulk_create(
            Posting(**dict(zip(POSTING_COLUMNS, row, strict=True))) for row in rows
        )
    elif len(rows) < COPY_THRESHOLD:
        _insert_returning("ledger_posting", POSTING_COLUMNS, rows, "id")
    else:
        _copy("ledger_posting", POSTING_COLUMNS, rows)


def _insert_returning(table, columns, rows, returning):
    """One multi-row INSERT: for small batches, one round trip beats COPY's two."""
    values = ", ".join([f"({_placeholders(columns)})"] * len(rows))
    return _fetch(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES {values} RETURNING {returning}",  # noqa: S608
        [value for row in rows for value in row],
    )


def seal(*, first_sequence: int, last_sequence: int) -> None:
    """On SQLite, mark entries complete: its triggers check each one as it is sealed.

    PostgreSQL inserts entries sealed and checks them when the transaction commits.
    """
    if connection.vendor == "postgresql":
        return
    _execute(
        "UPDATE ledger_journalentry SET sealed = %s WHERE sequence BETWEEN %s AND %s",
        [True, first_sequence, last_sequence],
    )


def check_deferred_now() -> None:
    """Run PostgreSQL's deferred checks (balance, foreign keys) now, not at the outer commit."""
    if connection.vendor == "postgresql":
        _execute("SET CONSTRAINTS ALL IMMEDIATE")
        _execute("SET CONSTRAINTS ALL DEFERRED")


def _copy(table, columns, rows) -> None:
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(statement) as copy,
    ):
        for row in rows:
            copy.write_row(row)
