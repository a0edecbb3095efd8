"""The posting path's SQL: few round trips, set-based, COPY on PostgreSQL.

Posting is the ledger's hot path, so it speaks SQL directly instead of
through the ORM (which costs about a millisecond per query here). Plain
parameterised SQL serves both backends; only the bulk inserts have a
PostgreSQL branch (COPY) beside the portable one.
"""

from dataclasses import dataclass

from django.db import connection

from ledger.models import JournalEntry, Posting

CHUNK = 5000

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


def accounts_by_code(codes) -> dict[str, AccountRef]:
    found = {}
    for chunk in _chunks(codes):
        rows = _fetch(
            "SELECT a.code, a.id, a.commodity_id, c.decimal_places FROM ledger_account a "  # noqa: S608
            "JOIN ledger_commodity c ON c.code = a.commodity_id "
            f"WHERE a.code IN ({_placeholders(chunk)})",
            chunk,
        )
        found.update(
            (code, AccountRef(pk, commodity, places)) for code, pk, commodity, places in rows
        )
    return found


def digests_by_key(keys) -> dict[str, tuple[int, str]]:
    """Entry id and content digest of every already-posted key among `keys`."""
    found = {}
    for chunk in _chunks(keys):
        rows = _fetch(
            "SELECT idempotency_key, id, content_digest FROM ledger_journalentry "  # noqa: S608
            f"WHERE idempotency_key IN ({_placeholders(chunk)})",
            chunk,
        )
        found.update((key, (pk, digest)) for key, pk, digest in rows)
    return found


def insert_entries(entries: list[JournalEntry]) -> None:
    """Insert entries and set their ids: sealed on PostgreSQL, unsealed until `seal` on SQLite."""
    if connection.vendor != "postgresql":
        JournalEntry.objects.bulk_create(entries)
        return
    ids = _fetch(
        "SELECT nextval(pg_get_serial_sequence('ledger_journalentry', 'id')) "
        "FROM generate_series(1, %s)",
        [len(entries)],
    )
    for entry, (pk,) in zip(entries, ids, strict=True):
        entry.id = pk
        entry.sealed = True
    _copy(
        "ledger_journalentry",
        ENTRY_COLUMNS,
        (
            (
                e.id,
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
        ),
    )


def insert_postings(rows) -> None:
    """Insert (entry_id, account_id, commodity_id, effective_date, amount_minor) rows."""
    if connection.vendor != "postgresql":
        Posting.objects.bulk_create(
            Posting(**dict(zip(POSTING_COLUMNS, row, strict=True))) for row in rows
        )
        return
    _copy("ledger_posting", POSTING_COLUMNS, rows)


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
