"""Published methodology versions and their coefficients are frozen by PostgreSQL."""

from django.db import migrations

from config.sqlfiles import run_sql


class Migration(migrations.Migration):
    dependencies = [("compensation", "0002_seed_methodologies_and_prices")]

    operations = [run_sql("compensation", "0003_database_invariants", reversible=False)]
