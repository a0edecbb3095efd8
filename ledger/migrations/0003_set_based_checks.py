"""Postings' references checked per statement by the posting trigger, not per row by foreign keys.

The model state drops the foreign key constraints and the commodity index;
the database change is ledger/sql/0003_set_based_checks.postgresql.sql. The
embedded SQLite profile keeps its schema: its per-row foreign keys cost little,
and altering a column there would rebuild the table without its triggers.
"""

import django.db.models.deletion
from django.db import migrations, models

from config.sqlfiles import run_sql


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_database_invariants")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="posting",
                    name="entry",
                    field=models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="postings",
                        to="ledger.journalentry",
                        verbose_name="entry",
                    ),
                ),
                migrations.AlterField(
                    model_name="posting",
                    name="account",
                    field=models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="postings",
                        to="ledger.account",
                        verbose_name="account",
                    ),
                ),
                migrations.AlterField(
                    model_name="posting",
                    name="commodity",
                    field=models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        to="ledger.commodity",
                        verbose_name="commodity",
                    ),
                ),
            ],
            database_operations=[run_sql("ledger", "0003_set_based_checks", reversible=False)],
        ),
    ]
