"""Credit blocks never overlap; retired and cancelled units and the operation journal never change.

The SQL is compensation/sql/0006_market_invariants.postgresql.sql.
"""

from django.db import migrations

from config.sqlfiles import run_sql


class Migration(migrations.Migration):
    dependencies = [("compensation", "0005_channels")]

    operations = [run_sql("compensation", "0006_market_invariants", reversible=False)]
