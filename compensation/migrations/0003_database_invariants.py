"""Published methodology versions and their coefficients are frozen by PostgreSQL."""

from pathlib import Path

from django.db import migrations

from config.sqlfiles import apply_sql_file

SQL = Path(__file__).resolve().parent.parent / "sql" / "postgresql.sql"


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    apply_sql_file(schema_editor, SQL)


class Migration(migrations.Migration):
    dependencies = [("compensation", "0002_seed_methodologies_and_prices")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop, elidable=False)]
