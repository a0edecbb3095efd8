"""Register the Albers equal-area projection for China in PostGIS as SRID 990001."""

from django.db import migrations

from pilots.geometry import CHINA_ALBERS, CHINA_ALBERS_SRID


def register(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO spatial_ref_sys (srid, auth_name, auth_srid, proj4text, srtext) "
            "VALUES (%s, 'TANHUI', %s, %s, '') ON CONFLICT (srid) DO NOTHING",
            [CHINA_ALBERS_SRID, CHINA_ALBERS_SRID, CHINA_ALBERS],
        )


class Migration(migrations.Migration):
    dependencies = [("pilots", "0003_database_invariants")]

    operations = [migrations.RunPython(register, migrations.RunPython.noop)]
