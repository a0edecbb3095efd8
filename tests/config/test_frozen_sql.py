"""Migration SQL is frozen as shipped, and databases carry exactly the newest definitions.

Why and what to do instead of editing a shipped file:
docs/decisions/2026-11-30-frozen-migration-sql.md.
"""

import hashlib
from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from config.sqlfiles import ROOT
from ledger.exceptions import NegativeBalance
from ledger.services import EntrySpec, Leg, open_account, post_entry
from ledger.verification import verify_ledger
from tests.sql_catalog import APPS, expected, installed_postgresql

MANIFEST = ROOT / "config" / "frozen_sql.sha256"


def manifest() -> dict[str, str]:
    lines = MANIFEST.read_text(encoding="utf-8").splitlines()
    return {path: digest for digest, path in (line.split("  ", 1) for line in lines if line)}


def test_no_shipped_sql_file_changed():
    listed = manifest()
    present = {
        str(path.relative_to(ROOT)): hashlib.sha256(path.read_bytes()).hexdigest()
        for app in APPS
        for path in (ROOT / app / "sql").glob("*.sql")
    }
    changed = sorted(path for path in listed if path in present and present[path] != listed[path])
    assert not changed, (
        f"shipped migration SQL edited: {changed}; restore it and put the change in a new "
        "migration with its own SQL files (docs/decisions/2026-11-30-frozen-migration-sql.md)"
    )
    assert sorted(set(listed) - set(present)) == [], "a shipped migration SQL file is gone"
    assert sorted(set(present) - set(listed)) == [], (
        "new migration SQL files: add their SHA-256 to config/frozen_sql.sha256 "
        "(sha256sum <app>/sql/<file> >> config/frozen_sql.sha256)"
    )


@pytest.mark.django_db
def test_installed_triggers_are_the_newest_sql():
    with connection.cursor() as cursor:
        functions, triggers = installed_postgresql(cursor)
    newest_functions, newest_triggers = expected("postgresql")
    assert functions == newest_functions
    assert triggers == newest_triggers


# The migrations that bring databases migrated with the shipped SQL to the newest definitions.
CATCH_UP = {
    "ledger": "0004_current_triggers",
    "compensation": "0015_coefficients_restorable",
    "pilots": "0008_zone_overlap_registered_srid",
}


@pytest.fixture
def history_database(django_db_blocker):
    """The default connection pointed at a throwaway PostgreSQL database of its own.

    Data migrations write through the default connection, so the throwaway database
    stands in for it; the test database, which other tests share, is left alone and
    the connection points back at it afterwards.
    """
    test_database = connection.settings_dict["NAME"]
    name = f"{test_database}_history"
    with django_db_blocker.unblock():
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
        connection.close()
        connection.settings_dict["NAME"] = name
        try:
            connection.prepare_database()
            yield connection
        finally:
            connection.close()
            connection.settings_dict["NAME"] = test_database
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE "{name}"')


def migrate(database, targets):
    MigrationExecutor(database).migrate(targets)
    with database.cursor() as cursor:
        return installed_postgresql(cursor)


def _newest_before_catch_up(graph, app: str):
    """The app's newest migration that needs none of CATCH_UP (None when every one does:
    an app newer than the catch-up, such as passthrough on compensation 0019)."""
    catch_up = set(CATCH_UP.items())
    node = next(node for node in graph.leaf_nodes() if node[0] == app)
    while node is not None:
        if not catch_up & set(graph.forwards_plan(node)):
            return node
        parents = [p.key for p in graph.node_map[node].parents if p.key[0] == app]
        node = parents[0] if parents else None
    return None


def test_catch_up_migrations_bring_shipped_triggers_to_the_newest_and_back(history_database):
    """Shipped definitions, then the newest (under which the ledger posts and refuses an
    overdraft), then the shipped ones again."""
    graph = MigrationExecutor(history_database).loader.graph
    newest = graph.leaf_nodes()
    shipped = [
        parent.key
        for app, name in CATCH_UP.items()
        for parent in graph.node_map[(app, name)].parents
        if parent.key[0] == app
    ]
    before_catch_up = {app: _newest_before_catch_up(graph, app) for app, _name in newest}
    shipped += [
        node for node in before_catch_up.values() if node is not None and node[0] not in CATCH_UP
    ]
    # An app newer than the catch-up (every migration needs it) has none of its SQL then.
    newer = {app: "0000" for app, node in before_catch_up.items() if node is None}

    as_shipped = expected("postgresql", before={**CATCH_UP, **newer})
    assert migrate(history_database, shipped) == as_shipped
    assert migrate(history_database, newest) == expected("postgresql")
    assert as_shipped != expected("postgresql")
    open_account(code="fund", name="fund", type="asset", commodity="CNY", non_negative=True)
    open_account(code="equity", name="equity", type="equity", commodity="CNY")
    legs = [Leg.debit("fund", "100.00"), Leg.credit("equity", "100.00")]
    post_entry(spec=EntrySpec("opening", date(2026, 1, 15), "transfer", legs))
    with pytest.raises(NegativeBalance):
        legs = [Leg.debit("equity", "100.01"), Leg.credit("fund", "100.01")]
        post_entry(spec=EntrySpec("overdraw", date(2026, 1, 15), "transfer", legs))
    assert verify_ledger().ok
    assert migrate(history_database, shipped) == as_shipped
