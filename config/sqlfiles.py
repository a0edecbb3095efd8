"""Applying SQL files that migrations keep beside the apps (triggers, functions).

Statements in a file are separated by lines holding only '---', so that
PL/pgSQL bodies and SQLite trigger bodies, which contain semicolons, stay whole.
"""

from pathlib import Path


def statements(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [part.strip() for part in text.split("\n---\n") if part.strip()]


def apply_sql_file(schema_editor, path: Path) -> None:
    with schema_editor.connection.cursor() as cursor:
        for statement in statements(path):
            cursor.execute(statement)


def postgresql_only(path: Path):
    """A RunPython function applying `path` on PostgreSQL and nothing elsewhere (SpatiaLite)."""

    def install(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            apply_sql_file(schema_editor, path)

    return install
