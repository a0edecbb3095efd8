"""Install the ledger's database-level invariants from ledger/sql/<vendor>.sql."""

from pathlib import Path

from django.db import migrations

from config.sqlfiles import apply_sql_file

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"


def install(apps, schema_editor):
    apply_sql_file(schema_editor, SQL_DIR / f"{schema_editor.connection.vendor}.sql")


def seed(apps, schema_editor):
    Commodity = apps.get_model("ledger", "Commodity")
    ChainHead = apps.get_model("ledger", "ChainHead")
    Commodity.objects.bulk_create(
        [
            Commodity(code="CNY", name="人民币 Renminbi yuan", decimal_places=2),
            Commodity(code="tCO2e", name="吨二氧化碳当量 tonnes CO2 equivalent", decimal_places=3),
        ]
    )
    ChainHead.objects.create(id=1)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [
        migrations.RunPython(install, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
