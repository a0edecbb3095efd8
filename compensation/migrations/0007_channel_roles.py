"""Officials' permissions on the channels' parameters, agreements and credit projects."""

from django.db import migrations

from config.roles import sync_role_groups


def update_roles(apps, schema_editor):
    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [("compensation", "0006_market_invariants")]

    operations = [migrations.RunPython(update_roles, migrations.RunPython.noop)]
