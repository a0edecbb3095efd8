"""Ecology officials write alert rules and acknowledge alerts; operators see their regions'."""

from django.db import migrations

from config.roles import sync_role_groups


def update_roles(apps, schema_editor):
    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0001_initial"),
        ("compensation", "0013_operator_roles"),
    ]

    operations = [migrations.RunPython(update_roles, migrations.RunPython.noop)]
