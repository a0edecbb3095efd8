"""SQL files that migrations apply (triggers, functions), frozen once shipped.

Each file belongs to exactly one migration and is named after it:
``<app>/sql/<migration>.<vendor>.sql`` forwards and, for migrations that can be
reversed, ``<migration>.<vendor>.reverse.sql`` backwards. A file is never edited
once its migration has shipped (``config/frozen_sql.sha256`` and
tests/config/test_frozen_sql.py refuse it); a change is a new migration with its
own pair of files: docs/decisions/2026-11-30-frozen-migration-sql.md.

Statements in a file are separated by lines holding only '---', so that
PL/pgSQL bodies and SQLite trigger bodies, which contain semicolons, stay whole.
"""

from pathlib import Path

from django.db import migrations

ROOT = Path(__file__).resolve().parent.parent


def statements(path: Path) -> list[str]:
    """The statements of `path` (UTF-8), split on lines holding only '---', stripped."""
    text = path.read_text(encoding="utf-8")
    return [part.strip() for part in text.split("\n---\n") if part.strip()]


def apply_sql_file(schema_editor, path: Path) -> None:
    """Execute every statement of `path` on the schema editor's connection, in order."""
    with schema_editor.connection.cursor() as cursor:
        for statement in statements(path):
            cursor.execute(statement)


def sql_file(app: str, migration: str, vendor: str, *, reverse: bool = False) -> Path:
    """The file migration `migration` of `app` applies on `vendor` ('postgresql', 'sqlite')."""
    suffix = ".reverse.sql" if reverse else ".sql"
    return ROOT / app / "sql" / f"{migration}.{vendor}{suffix}"


def run_sql(app: str, migration: str, vendors=("postgresql",), *, reversible: bool = True):
    """A RunPython operation applying the migration's SQL file on each of `vendors`.

    Other vendors (SpatiaLite for a PostgreSQL-only file) get nothing. Backwards it
    applies the ``.reverse.sql`` files; migrations that shipped without them
    (`reversible=False`) reverse as no-ops.
    """

    def forwards(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor in vendors:
            apply_sql_file(schema_editor, sql_file(app, migration, vendor))

    def backwards(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor in vendors:
            apply_sql_file(schema_editor, sql_file(app, migration, vendor, reverse=True))

    return migrations.RunPython(
        forwards, backwards if reversible else migrations.RunPython.noop, elidable=False
    )
