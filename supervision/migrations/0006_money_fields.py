"""Tonnes and hectares typed once (ledger.fields, pilots.fields): state only, no column changes.

Every altered field keeps its column type (numeric(16, 3), numeric(14, 4)); the
migration records the new field classes and runs no SQL (`sqlmigrate` prints
nothing but the transaction).
"""

import ledger.fields
import pilots.fields
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('supervision', '0005_constraint_messages'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='changedetection',
                    name='sink_after_tco2e',
                    field=ledger.fields.TonnesField(blank=True, max_digits=16, null=True, verbose_name='protected sink after (tCO2e)'),
                ),
                migrations.AlterField(
                    model_name='changedetection',
                    name='sink_before_tco2e',
                    field=ledger.fields.TonnesField(blank=True, max_digits=16, null=True, verbose_name='protected sink before (tCO2e)'),
                ),
                migrations.AlterField(
                    model_name='encroachment',
                    name='area_ha',
                    field=pilots.fields.HectaresField(verbose_name='area (ha)'),
                ),
                migrations.AlterField(
                    model_name='transition',
                    name='area_ha',
                    field=pilots.fields.HectaresField(verbose_name='area (ha)'),
                ),
            ],
        ),
    ]
