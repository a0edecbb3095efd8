"""Operators see their regions' data; finance officials grant operators their regions."""

from django.db import migrations

from config.roles import sync_role_groups


def update_roles(apps, schema_editor):
    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("compensation", "0012_audit_trail"),
        ("pilots", "0005_operator_assignments"),
    ]

    operations = [migrations.RunPython(update_roles, migrations.RunPython.noop)]
