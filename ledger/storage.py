"""The posting path's SQL: few round trips, set-based, COPY on PostgreSQL.

Posting is the ledger's hot path, so it speaks SQL directly instead of
through the ORM (which costs about a millisecond per query here). Plain
parameterised SQL serves both backends; PostgreSQL has its own branches
where they save round trips: the lock and the look-ups go out in one
pipeline, a small batch of entries and postings is one statement, a large
one is COPY.
"""

from dataclasses import dataclass
from itertools import zip_longest

from django.db import connection

from ledger.models import JournalEntry, Posting

CHUNK = 5000
COPY_THRESHOLD = 100  # entries; below it one INSERT statement is faster than COPY

ENTRY_COLUMNS = (
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
)
POSTING_COLUMNS = ("entry_id", "account_id", "commodity_id", "effective_date", "amount_minor")
# PostgreSQL types of id, ENTRY_COLUMNS and sealed, and of POSTING_COLUMNS, for binary COPY.
ENTRY_TYPES = (
    "int8",
    "int8",
    "text",
    "date",
    "text",
    "text",
    "timestamptz",
    "int4",
    "int8",
    "text",
    "text",
    "text",
    "bool",
)
POSTING_TYPES = ("int8", "int8", "text", "date", "int8")


@dataclass(frozen=True)
class StoredAccount:
    """An account as posting reads it under the chain lock: primary key, commodity code,
    and the commodity's decimal places (amounts are stored in minor units)."""

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


HEAD_SQL = "SELECT last_sequence, last_hash FROM ledger_chainhead WHERE id = 1"


def _head_locked_sql() -> str:
    return f"{HEAD_SQL} FOR UPDATE" if connection.features.has_select_for_update else HEAD_SQL


def lock_chain_head() -> tuple[int, str]:
    """Lock the chain head row until commit: posting transactions queue here, one at a time."""
    return _fetch(_head_locked_sql())[0]


LOOKUP_SQL = (
    "SELECT 'account', a.code, a.id, a.commodity_id, c.decimal_places "
    "FROM ledger_account a JOIN ledger_commodity c ON c.code = a.commodity_id "
    "WHERE a.code {codes} "
    "UNION ALL SELECT 'entry', idempotency_key, id, content_digest, NULL "
    "FROM ledger_journalentry WHERE idempotency_key {keys}"
)


def _lookup_statements(codes, keys):
    """Accounts by code and (entry id, content digest) of keys already posted.

    PostgreSQL takes each list as one array parameter, however long; SQLite
    takes IN lists, in chunks under its parameter limit.
    """
    if connection.vendor == "postgresql":
        yield LOOKUP_SQL.format(codes="= ANY(%s)", keys="= ANY(%s)"), [list(codes), list(keys)]
        return
    code_chunks, key_chunks = list(_chunks(codes)), list(_chunks(keys))
    for code_chunk, key_chunk in zip_longest(code_chunks, key_chunks, fillvalue=[]):
        yield (
            LOOKUP_SQL.format(
                codes=f"IN ({_placeholders(code_chunk) or 'NULL'})",
                keys=f"IN ({_placeholders(key_chunk) or 'NULL'})",
            ),
            [*code_chunk, *key_chunk],
        )


def lock_and_look_up(*, codes, keys):
    """Lock the chain head until commit, then read accounts and already-posted keys.

    Posting transactions queue on the lock, one at a time. The look-ups are
    separate statements after it, so they see whatever the poster ahead of us
    committed. On PostgreSQL all of it, with the transaction's BEGIN, is one
    round trip (a pipeline): posting a single entry pays for every round trip.
    Returns ((last_sequence, last_hash), accounts by code, posted keys).
    """
    statements = list(_lookup_statements(codes, keys))
    if connection.vendor == "postgresql":
        head, *lookups = _pipelined([(_head_locked_sql(), []), *statements])
    else:
        head = _fetch(_head_locked_sql())
        lookups = [_fetch(sql, params) for sql, params in statements]
    accounts, posted = {}, {}
    for rows in lookups:
        for kind, name, pk, text, places in rows:
            if kind == "account":
                accounts[name] = StoredAccount(pk, text, places)
            else:
                posted[name] = (pk, text)
    return head[0], accounts, posted


def _pipelined(statements):
    """Run statements in one PostgreSQL pipeline and return each one's rows."""
    connection.ensure_connection()
    raw = connection.connection
    with connection.wrap_database_errors:
        cursors = [raw.cursor() for _ in statements]
        with raw.pipeline():
            for cursor, (sql, params) in zip(cursors, statements, strict=True):
                cursor.execute(sql, params)
        results = [cursor.fetchall() for cursor in cursors]
        for cursor in cursors:
            cursor.close()
    return results


def insert(entries: list[tuple], postings: list[tuple]) -> dict[int, int]:
    """Insert entries (ENTRY_COLUMNS) and postings (entry sequence, account, commodity, amount).

    Returns entry ids by sequence. PostgreSQL inserts entries sealed and checks
    them at commit; SQLite inserts them unsealed until `seal`.
    """
    if connection.vendor != "postgresql":
        return _insert_portable(entries, postings)
    if len(entries) < COPY_THRESHOLD:
        return _insert_one_statement(entries, postings)
    return _insert_copy(entries, postings)


def _insert_portable(entries, postings):
    created = JournalEntry.objects.bulk_create(
        JournalEntry(**dict(zip(ENTRY_COLUMNS, row, strict=True))) for row in entries
    )
    ids = {entry.sequence: entry.id for entry in created}
    dates = {row[0]: row[2] for row in entries}
    Posting.objects.bulk_create(
        Posting(
            entry_id=ids[sequence],
            account_id=account_id,
            commodity_id=commodity,
            effective_date=dates[sequence],
            amount_minor=amount,
        )
        for sequence, account_id, commodity, amount in postings
    )
    return ids


def _insert_one_statement(entries, postings):
    """Entries and their postings in one statement: one round trip for a single entry."""
    entry_values = ", ".join([f"({_placeholders(ENTRY_COLUMNS)}, true)"] * len(entries))
    posting_values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(postings))
    rows = _fetch(
        f"WITH entry AS (INSERT INTO ledger_journalentry ({', '.join(ENTRY_COLUMNS)}, sealed) "  # noqa: S608
        f"VALUES {entry_values} RETURNING id, sequence, effective_date), "
        "leg AS (INSERT INTO ledger_posting "
        f"({', '.join(POSTING_COLUMNS)}) "
        "SELECT entry.id, leg.account_id, leg.commodity_id, entry.effective_date, "
        "leg.amount_minor FROM (VALUES "
        f"{posting_values}) AS leg (n, sequence, account_id, commodity_id, amount_minor) "
        "JOIN entry ON entry.sequence = leg.sequence ORDER BY leg.n) "
        "SELECT sequence, id FROM entry",
        [
            *(value for row in entries for value in row),
            *(value for n, row in enumerate(postings) for value in (n, *row)),
        ],
    )
    return dict(rows)


def _insert_copy(entries, postings):
    allocated = _fetch(
        "SELECT nextval(s.id_sequence) FROM (SELECT pg_get_serial_sequence("
        "'ledger_journalentry', 'id')::regclass) AS s (id_sequence), generate_series(1, %s)",
        [len(entries)],
    )
    ids = {row[0]: pk for row, (pk,) in zip(entries, allocated, strict=True)}
    dates = {row[0]: row[2] for row in entries}
    _copy(
        "ledger_journalentry",
        ("id", *ENTRY_COLUMNS, "sealed"),
        ENTRY_TYPES,
        ((ids[row[0]], *row, True) for row in entries),
    )
    _copy(
        "ledger_posting",
        POSTING_COLUMNS,
        POSTING_TYPES,
        (
            (ids[sequence], account_id, commodity, dates[sequence], amount)
            for sequence, account_id, commodity, amount in postings
        ),
    )
    return ids


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


def _copy(table, columns, types, rows) -> None:
    """Binary COPY: a quarter of text COPY's client time per row; `types` match the columns."""
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)"
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(statement) as copy,
    ):
        copy.set_types(types)
        for row in rows:
            copy.write_row(row)
