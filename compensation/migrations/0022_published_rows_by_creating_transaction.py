"""Published versions' coefficients and methods' factors: written only by the creating transaction.

The creating transaction is a column the database stamps (``created_xact``, not in the
Django models: nothing but the guards reads it) instead of the row's xmin, which a no-op
UPDATE resets. The SQL is
compensation/sql/0022_published_rows_by_creating_transaction.postgresql.sql, reversed by
the .reverse.sql file beside it; PostgreSQL only.
"""

from django.db import migrations

from config.sqlfiles import run_sql


class Migration(migrations.Migration):
    dependencies = [("compensation", "0021_vertical_cascade")]

    operations = [run_sql("compensation", "0022_published_rows_by_creating_transaction")]
