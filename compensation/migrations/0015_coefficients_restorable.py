"""Coefficients of a version published in the same transaction (seeds, restores) can be written.

The SQL is compensation/sql/0015_coefficients_restorable.postgresql.sql, reversed
by the .reverse.sql file beside it; PostgreSQL only.
"""

from django.db import migrations

from config.sqlfiles import run_sql


class Migration(migrations.Migration):
    dependencies = [("compensation", "0014_zone_overlaps")]

    operations = [run_sql("compensation", "0015_coefficients_restorable")]
