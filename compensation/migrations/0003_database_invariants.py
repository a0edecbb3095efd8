"""Published methodology versions and their coefficients are frozen by PostgreSQL."""

from pathlib import Path

from django.db import migrations

SQL = Path(__file__).resolve().parent.parent / "sql" / "postgresql.sql"


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for statement in SQL.read_text(encoding="utf-8").split("\n---\n"):
            if statement.strip():
                cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("compensation", "0002_seed_methodologies_and_prices")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop, elidable=False)]
