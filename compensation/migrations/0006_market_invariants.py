"""Credit blocks never overlap; retired and cancelled units and the operation journal never change."""

from pathlib import Path

from django.db import migrations

from config.sqlfiles import apply_sql_file

SQL = Path(__file__).resolve().parent.parent / "sql" / "market.sql"


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    apply_sql_file(schema_editor, SQL)


class Migration(migrations.Migration):
    dependencies = [("compensation", "0005_channels")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop, elidable=False)]
