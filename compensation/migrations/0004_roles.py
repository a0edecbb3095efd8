"""Create the officials' roles as groups with their permissions (config/roles.py)."""

from django.db import migrations

from config.roles import sync_role_groups


def create_roles(apps, schema_editor):
    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("compensation", "0003_database_invariants"),
        ("pilots", "0004_albers_srid"),
        ("ledger", "0002_database_invariants"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
