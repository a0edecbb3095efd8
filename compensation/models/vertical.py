"""Vertical channel parameters: the fiscal transfer from higher government, per year."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from compensation.models.valuation import CarbonMarket
from ledger.fields import MoneyField
from pilots.models import PilotProgramme, Region


class VerticalParameters(models.Model):
    """The parameter table of one programme-year: budget, subsidy rates and the carbon term."""

    programme = models.ForeignKey(
        PilotProgramme,
        models.PROTECT,
        related_name="vertical_parameters",
        verbose_name=_("programme"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    budget = MoneyField(_("total budget (CNY)"))
    prohibited_subsidy_per_km2 = MoneyField(_("prohibited-development subsidy per km²"), default=0)
    prohibited_subsidy_per_area = MoneyField(
        _("prohibited-development subsidy per area"), default=0
    )
    carbon_market = models.ForeignKey(
        CarbonMarket,
        models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("carbon price market"),
        help_text=_("Leave empty for no carbon term."),
    )
    carbon_weight = models.DecimalField(
        _("carbon term weight"), max_digits=6, decimal_places=4, default=Decimal(0)
    )
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("vertical parameters")
        verbose_name_plural = _("vertical parameters")
        ordering = ["programme", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "year"], name="compensation_vertical_once_per_year"
            ),
            models.CheckConstraint(
                condition=models.Q(budget__gte=0)
                & models.Q(prohibited_subsidy_per_km2__gte=0)
                & models.Q(prohibited_subsidy_per_area__gte=0)
                & models.Q(carbon_weight__gte=0),
                name="compensation_vertical_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.programme} {self.year}"


class SubsidyTier(models.Model):
    """The subsidy coefficient for regions whose standard fiscal gap is at least `min_gap`."""

    parameters = models.ForeignKey(
        VerticalParameters, models.CASCADE, related_name="tiers", verbose_name=_("parameters")
    )
    min_gap = MoneyField(_("fiscal gap from (CNY)"))
    coefficient = models.DecimalField(_("subsidy coefficient"), max_digits=6, decimal_places=4)

    class Meta:
        verbose_name = _("subsidy tier")
        verbose_name_plural = _("subsidy tiers")
        ordering = ["parameters", "min_gap"]
        constraints = [
            models.UniqueConstraint(
                fields=["parameters", "min_gap"], name="compensation_tier_once_per_threshold"
            ),
            models.CheckConstraint(
                condition=models.Q(coefficient__gte=0) & models.Q(coefficient__lte=1),
                name="compensation_tier_coefficient_range",
            ),
        ]

    def __str__(self):
        return f"≥ {self.min_gap}: {self.coefficient}"


class RegionFiscalData(models.Model):
    """One region's standard revenue and expenditure and its prohibited-development areas."""

    parameters = models.ForeignKey(
        VerticalParameters, models.CASCADE, related_name="regions", verbose_name=_("parameters")
    )
    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("region"))
    standard_revenue = MoneyField(_("standard revenue (CNY)"))
    standard_expenditure = MoneyField(_("standard expenditure (CNY)"))
    prohibited_area_km2 = models.DecimalField(
        _("prohibited-development area (km²)"), max_digits=12, decimal_places=4, default=0
    )
    prohibited_areas = models.PositiveIntegerField(_("prohibited-development areas"), default=0)
    guiding_subsidy = MoneyField(_("guiding subsidy (CNY)"), default=0)

    class Meta:
        verbose_name = _("regional fiscal data")
        verbose_name_plural = _("regional fiscal data")
        ordering = ["parameters", "region"]
        constraints = [
            models.UniqueConstraint(
                fields=["parameters", "region"], name="compensation_fiscal_once_per_region"
            ),
            models.CheckConstraint(
                condition=models.Q(standard_revenue__gte=0)
                & models.Q(standard_expenditure__gte=0)
                & models.Q(prohibited_area_km2__gte=0)
                & models.Q(guiding_subsidy__gte=0),
                name="compensation_fiscal_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.region} {self.parameters.year}"


class EcologicalIndex(models.Model):
    """A region's ecological environment index EI (HJ 192-2015) for a year, 0–100."""

    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("region"))
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("EI"), max_digits=5, decimal_places=2)
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        verbose_name = _("ecological environment index")
        verbose_name_plural = _("ecological environment indices")
        ordering = ["region", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="compensation_ei_per_year"),
            models.CheckConstraint(
                condition=models.Q(value__gte=0) & models.Q(value__lte=100),
                name="compensation_ei_range",
            ),
        ]

    def __str__(self):
        return f"{self.region} {self.year}: EI {self.value}"


class AssessmentRule(models.Model):
    """Reward (+) or deduction (−) in percent of the base allocation for one ΔEI class."""

    class Change(models.TextChoices):
        LARGE_WORSE = "large-worse", _("large deterioration (ΔEI ≤ −8)")
        OBVIOUS_WORSE = "obvious-worse", _("obvious deterioration (−8 < ΔEI ≤ −3)")
        SLIGHT_WORSE = "slight-worse", _("slight deterioration (−3 < ΔEI ≤ −1)")
        NONE = "none", _("no obvious change (|ΔEI| < 1)")
        SLIGHT_BETTER = "slight-better", _("slight improvement (1 ≤ ΔEI < 3)")
        OBVIOUS_BETTER = "obvious-better", _("obvious improvement (3 ≤ ΔEI < 8)")
        LARGE_BETTER = "large-better", _("large improvement (ΔEI ≥ 8)")

    parameters = models.ForeignKey(
        VerticalParameters, models.CASCADE, related_name="assessment", verbose_name=_("parameters")
    )
    change = models.CharField(_("ΔEI class"), max_length=16, choices=Change.choices)
    percent = models.DecimalField(
        _("adjustment (%)"),
        max_digits=6,
        decimal_places=2,
        help_text=_("Of the base allocation; negative for a deduction, e.g. −5."),
    )

    class Meta:
        verbose_name = _("assessment rule")
        verbose_name_plural = _("assessment rules")
        ordering = ["parameters", "change"]
        constraints = [
            models.UniqueConstraint(
                fields=["parameters", "change"], name="compensation_assessment_once_per_class"
            ),
            models.CheckConstraint(
                condition=models.Q(percent__gte=-100) & models.Q(percent__lte=100),
                name="compensation_assessment_range",
            ),
        ]

    def __str__(self):
        return f"{self.get_change_display()}: {self.percent}%"
