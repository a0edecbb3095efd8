"""Published methodology versions and their coefficients are frozen by PostgreSQL."""

from pathlib import Path

from django.db import migrations

from config.sqlfiles import postgresql_only

SQL = Path(__file__).resolve().parent.parent / "sql" / "postgresql.sql"


class Migration(migrations.Migration):
    dependencies = [("compensation", "0002_seed_methodologies_and_prices")]

    operations = [migrations.RunPython(postgresql_only(SQL), migrations.RunPython.noop, elidable=False)]
