from django.db import migrations

from config.sqlfiles import run_sql


class Migration(migrations.Migration):
    """A decided release never changes or goes (disclosure/sql/0002_*.sql, PostgreSQL)."""

    dependencies = [("disclosure", "0001_public_releases")]

    operations = [run_sql("disclosure", "0002_public_releases_immutable")]
