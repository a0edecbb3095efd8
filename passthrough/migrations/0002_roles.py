"""Operators keep their regions' recipients and propose plans; finance officials approve them."""

from django.db import migrations

from config.roles import sync_role_groups


def update_roles(apps, schema_editor):
    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("passthrough", "0001_initial"),
        ("supervision", "0006_money_fields"),
        ("disclosure", "0003_constraint_messages"),
    ]

    operations = [migrations.RunPython(update_roles, migrations.RunPython.noop)]
