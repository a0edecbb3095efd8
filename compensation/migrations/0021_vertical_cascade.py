"""Vertical cascade: tiers, versioned allocation methods (frozen once published), indicators.

The triggers are compensation/sql/0021_vertical_cascade.postgresql.sql; PostgreSQL only.
"""

import django.db.models.deletion
import ledger.fields
from django.db import migrations, models

from config.roles import sync_role_groups
from config.sqlfiles import run_sql


def update_roles(apps, schema_editor):
    sync_role_groups(apps)


class Migration(migrations.Migration):

    dependencies = [
        ('compensation', '0020_retirement_beneficiary_published'),
        ('pilots', '0008_zone_overlap_registered_srid'),
    ]

    operations = [
        migrations.CreateModel(
            name='AllocationMethod',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, verbose_name='name')),
                ('version', models.PositiveIntegerField(verbose_name='version')),
                ('budget_cap', ledger.fields.MoneyField(blank=True, null=True, verbose_name='budget cap (CNY)')),
                ('illustrative', models.BooleanField(default=False, help_text="An example for demonstration, not an official's published method.", verbose_name='illustrative')),
                ('source', models.TextField(help_text='The document that sets the method.', verbose_name='source')),
                ('published', models.BooleanField(default=False, verbose_name='published')),
                ('issuer', models.ForeignKey(blank=True, help_text='The province (or prefecture) that publishes it; empty for central.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='allocation_methods', to='pilots.region', verbose_name='issued by')),
            ],
            options={
                'verbose_name': 'allocation method',
                'verbose_name_plural': 'allocation methods',
                'ordering': ['name', '-version'],
            },
        ),
        migrations.CreateModel(
            name='CascadeTier',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                ('level', models.PositiveSmallIntegerField(help_text='1 for the central tier.', verbose_name='level')),
                ('method', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='tiers', to='compensation.allocationmethod', verbose_name='method')),
                ('payer', models.ForeignKey(blank=True, help_text='Empty for the central government.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='cascade_tiers_paid', to='pilots.region', verbose_name='paid by')),
                ('programme', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cascade_tiers', to='pilots.pilotprogramme', verbose_name='programme')),
                ('recipients', models.ManyToManyField(related_name='cascade_tiers_received', to='pilots.region', verbose_name='recipients')),
            ],
            options={
                'verbose_name': 'cascade tier',
                'verbose_name_plural': 'cascade tiers',
                'ordering': ['programme', '-year', 'level', 'payer__code'],
            },
        ),
        migrations.CreateModel(
            name='MethodAdjustment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('change', models.CharField(choices=[('large-worse', 'large deterioration (ΔEI ≤ −8)'), ('obvious-worse', 'obvious deterioration (−8 < ΔEI ≤ −3)'), ('slight-worse', 'slight deterioration (−3 < ΔEI ≤ −1)'), ('none', 'no obvious change (|ΔEI| < 1)'), ('slight-better', 'slight improvement (1 ≤ ΔEI < 3)'), ('obvious-better', 'obvious improvement (3 ≤ ΔEI < 8)'), ('large-better', 'large improvement (ΔEI ≥ 8)')], max_length=16, verbose_name='ΔEI class')),
                ('percent', models.DecimalField(decimal_places=2, max_digits=6, verbose_name='adjustment (%)')),
                ('method', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='adjustments', to='compensation.allocationmethod', verbose_name='method')),
            ],
            options={
                'verbose_name': 'method adjustment',
                'verbose_name_plural': 'method adjustments',
                'ordering': ['method', 'change'],
            },
        ),
        migrations.CreateModel(
            name='MethodFactor',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('fiscal-gap', 'fiscal gap (CNY)'), ('red-line-share', 'ecological red-line share of the area'), ('forest-area', 'forest area (km²)'), ('wetland-area', 'wetland area (km²)'), ('population', 'population'), ('ei', 'ecological index EI'), ('protected-sink', 'protected sink (tCO2e)'), ('fixed', 'fixed amount per region')], max_length=16, verbose_name='factor')),
                ('basis', models.CharField(choices=[('share', 'share of the budget'), ('rate', 'indicator × rate')], max_length=8, verbose_name='basis')),
                ('weight', models.DecimalField(decimal_places=6, help_text='A share of the budget (0–1), or CNY per unit of the indicator.', max_digits=18, verbose_name='weight or rate')),
                ('source', models.CharField(blank=True, max_length=300, verbose_name='source')),
                ('method', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='factors', to='compensation.allocationmethod', verbose_name='method')),
            ],
            options={
                'verbose_name': 'method factor',
                'verbose_name_plural': 'method factors',
                'ordering': ['method', 'kind'],
            },
        ),
        migrations.CreateModel(
            name='RegionIndicator',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                ('kind', models.CharField(choices=[('fiscal-gap', 'fiscal gap (CNY)'), ('forest-area', 'forest area (km²)'), ('wetland-area', 'wetland area (km²)'), ('population', 'population')], max_length=16, verbose_name='indicator')),
                ('value', models.DecimalField(decimal_places=4, max_digits=20, verbose_name='value')),
                ('source', models.CharField(max_length=300, verbose_name='source')),
                ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='pilots.region', verbose_name='region')),
            ],
            options={
                'verbose_name': 'regional indicator',
                'verbose_name_plural': 'regional indicators',
                'ordering': ['region', '-year', 'kind'],
            },
        ),
        migrations.AddConstraint(
            model_name='allocationmethod',
            constraint=models.UniqueConstraint(fields=('name', 'version'), name='compensation_allocation_method_version_unique'),
        ),
        migrations.AddConstraint(
            model_name='allocationmethod',
            constraint=models.CheckConstraint(condition=models.Q(('budget_cap__gte', 0)), name='compensation_allocation_method_cap_not_negative'),
        ),
        migrations.AddConstraint(
            model_name='cascadetier',
            constraint=models.UniqueConstraint(condition=models.Q(('payer__isnull', True)), fields=('programme', 'year'), name='compensation_cascade_one_central_tier'),
        ),
        migrations.AddConstraint(
            model_name='cascadetier',
            constraint=models.UniqueConstraint(condition=models.Q(('payer__isnull', False)), fields=('programme', 'year', 'payer'), name='compensation_cascade_one_tier_per_payer'),
        ),
        migrations.AddConstraint(
            model_name='cascadetier',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('level', 1), ('payer__isnull', True)), models.Q(('level__gt', 1), ('payer__isnull', False)), _connector='OR'), name='compensation_cascade_level_and_payer', violation_error_message='The central government pays level 1 only; every lower level names the region that pays it.'),
        ),
        migrations.AddConstraint(
            model_name='methodadjustment',
            constraint=models.UniqueConstraint(fields=('method', 'change'), name='compensation_method_adjustment_once'),
        ),
        migrations.AddConstraint(
            model_name='methodadjustment',
            constraint=models.CheckConstraint(condition=models.Q(('percent__gte', -100), ('percent__lte', 100)), name='compensation_method_adjustment_range'),
        ),
        migrations.AddConstraint(
            model_name='methodfactor',
            constraint=models.UniqueConstraint(fields=('method', 'kind'), name='compensation_method_factor_once'),
        ),
        migrations.AddConstraint(
            model_name='methodfactor',
            constraint=models.CheckConstraint(condition=models.Q(('weight__gte', 0)), name='compensation_method_factor_not_negative'),
        ),
        migrations.AddConstraint(
            model_name='regionindicator',
            constraint=models.UniqueConstraint(fields=('region', 'year', 'kind'), name='compensation_indicator_once'),
        ),
        migrations.AddConstraint(
            model_name='regionindicator',
            constraint=models.CheckConstraint(condition=models.Q(('value__gte', 0)), name='compensation_indicator_not_negative'),
        ),
        run_sql("compensation", "0021_vertical_cascade"),
        migrations.RunPython(update_roles, migrations.RunPython.noop),
    ]
