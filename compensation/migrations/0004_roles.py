"""Create the officials' roles as groups with their permissions (config/roles.py)."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

from config.roles import ROLES, permissions_of


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for label in ("pilots", "compensation", "ledger"):
        create_permissions(global_apps.get_app_config(label), verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        wanted = permissions_of(role)
        group.permissions.set([
            p for p in Permission.objects.select_related("content_type")
            if (p.content_type.app_label, p.codename) in wanted
        ])


class Migration(migrations.Migration):
    dependencies = [
        ("compensation", "0003_database_invariants"),
        ("pilots", "0004_albers_srid"),
        ("ledger", "0002_database_invariants"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
