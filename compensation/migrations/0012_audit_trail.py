"""The audit trail: append-only in PostgreSQL, readable by every official role and auditors."""

from django.db import migrations

from config.roles import sync_role_groups
from config.sqlfiles import run_sql


def update_roles(apps, schema_editor):
    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("compensation", "0011_statements"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [
        run_sql("compensation", "0012_audit_trail", reversible=False),
        migrations.RunPython(update_roles, migrations.RunPython.noop),
    ]
