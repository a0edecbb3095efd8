"""Money and tonnes typed once (ledger.fields, pilots.fields); a CNY transfer has 2 places.

The altered fields keep their column types (numeric(16, 2), numeric(12, 2),
numeric(14, 3), numeric(14, 4), numeric(20, 3)), so they are state only and
run no SQL. The one schema change is the check that a run transfer has no
more places than its commodity (0.005 CNY is refused); a database holding
such a row stops here, and the row needs a decision, not a silent rounding.
"""

import django.db.models.functions.math
import ledger.fields
import pilots.fields
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('compensation', '0017_constraint_messages'),
        ('ledger', '0004_current_triggers'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='agreementround',
                    name='amount',
                    field=ledger.fields.MoneyField(default=0, help_text="Water quality: each side's stake. Pooled fund: the fund paid in by the parties.", verbose_name='yearly amount (CNY)'),
                ),
                migrations.AlterField(
                    model_name='agreementround',
                    name='central_top_up',
                    field=ledger.fields.MoneyField(default=0, verbose_name='yearly central top-up (CNY)'),
                ),
                migrations.AlterField(
                    model_name='carbonprice',
                    name='price',
                    field=ledger.fields.MoneyField(max_digits=12, verbose_name='price per tCO2e'),
                ),
                migrations.AlterField(
                    model_name='creditoperation',
                    name='price',
                    field=ledger.fields.MoneyField(blank=True, null=True, verbose_name='price per unit (CNY)'),
                ),
                migrations.AlterField(
                    model_name='creditoperation',
                    name='proceeds',
                    field=ledger.fields.MoneyField(blank=True, null=True, verbose_name='proceeds (CNY)'),
                ),
                migrations.AlterField(
                    model_name='emissioninventory',
                    name='tco2e',
                    field=ledger.fields.TonnesField(verbose_name='emissions (tCO2e)'),
                ),
                migrations.AlterField(
                    model_name='issuancebatch',
                    name='verified_tco2e',
                    field=ledger.fields.TonnesField(verbose_name='verified sink (tCO2e)'),
                ),
                migrations.AlterField(
                    model_name='regionfiscaldata',
                    name='guiding_subsidy',
                    field=ledger.fields.MoneyField(default=0, verbose_name='guiding subsidy (CNY)'),
                ),
                migrations.AlterField(
                    model_name='regionfiscaldata',
                    name='standard_expenditure',
                    field=ledger.fields.MoneyField(verbose_name='standard expenditure (CNY)'),
                ),
                migrations.AlterField(
                    model_name='regionfiscaldata',
                    name='standard_revenue',
                    field=ledger.fields.MoneyField(verbose_name='standard revenue (CNY)'),
                ),
                migrations.AlterField(
                    model_name='regionposition',
                    name='emission_tco2e',
                    field=ledger.fields.TonnesField(verbose_name='emissions (tCO2e)'),
                ),
                migrations.AlterField(
                    model_name='regionposition',
                    name='increment_tco2e',
                    field=ledger.fields.TonnesField(blank=True, help_text="Sink against the previous year's valuation (the addition).", null=True, verbose_name='sink increment (tCO2e)'),
                ),
                migrations.AlterField(
                    model_name='regionposition',
                    name='net_tco2e',
                    field=ledger.fields.TonnesField(verbose_name='net (tCO2e)'),
                ),
                migrations.AlterField(
                    model_name='regionposition',
                    name='sink_tco2e',
                    field=ledger.fields.TonnesField(verbose_name='sink (tCO2e)'),
                ),
                migrations.AlterField(
                    model_name='regionposition',
                    name='value_cny',
                    field=ledger.fields.MoneyField(verbose_name='value (CNY)'),
                ),
                migrations.AlterField(
                    model_name='runtransfer',
                    name='amount',
                    field=ledger.fields.AmountField(verbose_name='amount'),
                ),
                migrations.AlterField(
                    model_name='subsidytier',
                    name='min_gap',
                    field=ledger.fields.MoneyField(verbose_name='fiscal gap from (CNY)'),
                ),
                migrations.AlterField(
                    model_name='valuationline',
                    name='area_ha',
                    field=pilots.fields.HectaresField(verbose_name='area (ha)'),
                ),
                migrations.AlterField(
                    model_name='valuationline',
                    name='tco2e',
                    field=ledger.fields.TonnesField(verbose_name='tCO2e'),
                ),
                migrations.AlterField(
                    model_name='verticalparameters',
                    name='budget',
                    field=ledger.fields.MoneyField(verbose_name='total budget (CNY)'),
                ),
                migrations.AlterField(
                    model_name='verticalparameters',
                    name='prohibited_subsidy_per_area',
                    field=ledger.fields.MoneyField(default=0, verbose_name='prohibited-development subsidy per area'),
                ),
                migrations.AlterField(
                    model_name='verticalparameters',
                    name='prohibited_subsidy_per_km2',
                    field=ledger.fields.MoneyField(default=0, verbose_name='prohibited-development subsidy per km²'),
                ),
                migrations.AlterField(
                    model_name='zoneoverlap',
                    name='area_ha',
                    field=pilots.fields.HectaresField(verbose_name='area (ha)'),
                ),
            ],
        ),
        migrations.AddConstraint(
            model_name='runtransfer',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('amount', django.db.models.functions.math.Round('amount', 2)), ('commodity', 'CNY')), models.Q(('amount', django.db.models.functions.math.Round('amount', 3)), ('commodity', 'tCO2e')), _connector='OR'), name='compensation_transfer_places', violation_error_message='The amount has more decimal places than its unit allows (CNY 2, tCO2e 3).'),
        ),
    ]
