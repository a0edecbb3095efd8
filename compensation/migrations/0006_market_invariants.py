"""Credit blocks never overlap; retired and cancelled units and the operation journal never change."""

from pathlib import Path

from django.db import migrations

from config.sqlfiles import postgresql_only

SQL = Path(__file__).resolve().parent.parent / "sql" / "market.sql"


class Migration(migrations.Migration):
    dependencies = [("compensation", "0005_channels")]

    operations = [migrations.RunPython(postgresql_only(SQL), migrations.RunPython.noop, elidable=False)]
