"""Finance officials start, approve and post settlement runs."""

from django.db import migrations

from config.roles import sync_role_groups


def update_roles(apps, schema_editor):
    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [("compensation", "0009_run_permissions")]

    operations = [migrations.RunPython(update_roles, migrations.RunPython.noop)]
