"""Bring the ledger's triggers and functions to their current definitions.

Migrations 0002 and 0003 apply their SQL as it shipped; the later changes to
those triggers (pending checks that remember where a transaction's entries
start, entries inserted sealed and chained by the database, guards on the chain
head, commodities and the pending-check table, plans without full scans) are
ledger/sql/0004_current_triggers.<vendor>.sql, reversed by the .reverse.sql files.
"""

from django.db import migrations

from config.sqlfiles import run_sql


class Migration(migrations.Migration):
    dependencies = [("ledger", "0003_set_based_checks")]

    operations = [run_sql("ledger", "0004_current_triggers", ("postgresql", "sqlite"))]
