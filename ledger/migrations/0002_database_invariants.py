"""Install the ledger's database-level invariants.

The SQL is ledger/sql/0002_database_invariants.<vendor>.sql, as it shipped.
"""

from django.db import migrations

from config.sqlfiles import run_sql


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
        run_sql("ledger", "0002_database_invariants", ("postgresql", "sqlite"), reversible=False),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
