"""The database keeps a payment's matches within the payment and a line's within the line,
and never changes a match (passthrough/sql/0006_matches_within_amounts.<vendor>.sql,
reversed by the .reverse.sql files beside them)."""

from django.db import migrations

from config.sqlfiles import run_sql


class Migration(migrations.Migration):
    dependencies = [("passthrough", "0005_local_rules")]

    operations = [
        run_sql("passthrough", "0006_matches_within_amounts", vendors=("postgresql", "sqlite"))
    ]
