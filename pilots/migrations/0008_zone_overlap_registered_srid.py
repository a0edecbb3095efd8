"""The zone-overlap check measures area in the registered Albers SRID 990001.

The SQL is pilots/sql/0008_zone_overlap_registered_srid.postgresql.sql, reversed
by the .reverse.sql file beside it; PostgreSQL only.
"""

from django.db import migrations

from config.sqlfiles import run_sql


class Migration(migrations.Migration):
    dependencies = [("pilots", "0007_import_batch_overlaps_checked")]

    operations = [run_sql("pilots", "0008_zone_overlap_registered_srid")]
