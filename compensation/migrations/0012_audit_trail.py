"""The audit trail: append-only in PostgreSQL, readable by every official role and auditors."""

from pathlib import Path

from django.db import migrations

from config.roles import sync_role_groups
from config.sqlfiles import postgresql_only

SQL = Path(__file__).resolve().parent.parent / "sql" / "audit.sql"


def update_roles(apps, schema_editor):
    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("compensation", "0011_statements"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [
        migrations.RunPython(postgresql_only(SQL), migrations.RunPython.noop, elidable=False),
        migrations.RunPython(update_roles, migrations.RunPython.noop),
    ]
