"""Vertical transfers as they flow: central → province → prefecture or county, per tier.

A programme-year's cascade is a set of tiers (CascadeTier): the central tier pays
provinces, a province's tier pays its prefectures or counties, and so on. Each tier
allocates by a versioned method (AllocationMethod): weighted factors (MethodFactor),
reward or deduction by the change in EI (MethodAdjustment) and a budget cap. Methods
are data officials edit and publish; a published method never changes (the database
refuses it, compensation/sql/0021_vertical_cascade.postgresql.sql). Indicators the
project does not otherwise hold (population, forest area, fiscal gap) are
RegionIndicator rows with their sources.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from compensation.models.vertical import AssessmentRule
from ledger.fields import MoneyField
from pilots.models import PilotProgramme, Region


class AllocationMethod(models.Model):
    """One version of the way a tier allocates its budget; published versions never change.

    The budget cap (CNY) bounds what the tier allocates: the central tier's budget is its
    cap (required there), a lower tier's is what its payer received, limited by the cap
    when there is one.
    """

    name = models.CharField(_("name"), max_length=200)
    version = models.PositiveIntegerField(_("version"))
    issuer = models.ForeignKey(
        Region,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="allocation_methods",
        verbose_name=_("issued by"),
        help_text=_("The province (or prefecture) that publishes it; empty for central."),
    )
    budget_cap = MoneyField(_("budget cap (CNY)"), null=True, blank=True)
    illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_("An example for demonstration, not an official's published method."),
    )
    source = models.TextField(_("source"), help_text=_("The document that sets the method."))
    published = models.BooleanField(_("published"), default=False)

    class Meta:
        verbose_name = _("allocation method")
        verbose_name_plural = _("allocation methods")
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "version"], name="compensation_allocation_method_version_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(budget_cap__gte=0),
                name="compensation_allocation_method_cap_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.name} v{self.version}"


class MethodFactor(models.Model):
    """One factor of a method: which indicator, how it turns into money, its weight.

    basis "share": the region gets weight × the tier's budget × its share of the indicator
    among the tier's recipients (weights of share factors add up to at most 1).
    basis "rate": the region gets indicator × weight (CNY per unit; for the fiscal gap the
    weight is today's coefficient, for a fixed amount the weight is the amount).
    """

    class Kind(models.TextChoices):
        FISCAL_GAP = "fiscal-gap", _("fiscal gap (CNY)")
        RED_LINE_SHARE = "red-line-share", _("ecological red-line share of the area")
        FOREST_AREA = "forest-area", _("forest area (km²)")
        WETLAND_AREA = "wetland-area", _("wetland area (km²)")
        POPULATION = "population", _("population")
        EI = "ei", _("ecological index EI")
        PROTECTED_SINK = "protected-sink", _("protected sink (tCO2e)")
        SINK_INCREMENT = (
            "sink-increment",
            _("protected sink increase over the previous year (tCO2e)"),
        )
        WATER_QUALITY = (
            "water-quality",
            _("share of assessment sections meeting the standard (P ≤ 1)"),
        )
        FIXED = "fixed", _("fixed amount per region")

    class Basis(models.TextChoices):
        SHARE = "share", _("share of the budget")
        RATE = "rate", _("indicator × rate")

    method = models.ForeignKey(
        AllocationMethod, models.CASCADE, related_name="factors", verbose_name=_("method")
    )
    kind = models.CharField(_("factor"), max_length=16, choices=Kind.choices)
    basis = models.CharField(_("basis"), max_length=8, choices=Basis.choices)
    weight = models.DecimalField(
        _("weight or rate"),
        max_digits=18,
        decimal_places=6,
        help_text=_("A share of the budget (0–1), or CNY per unit of the indicator."),
    )
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("method factor")
        verbose_name_plural = _("method factors")
        ordering = ["method", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["method", "kind"], name="compensation_method_factor_once"
            ),
            models.CheckConstraint(
                condition=models.Q(weight__gte=0), name="compensation_method_factor_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_basis_display()}) {self.weight}"


class MethodAdjustment(models.Model):
    """Reward (+) or deduction (−), in percent of a region's factor total, for one ΔEI class."""

    method = models.ForeignKey(
        AllocationMethod, models.CASCADE, related_name="adjustments", verbose_name=_("method")
    )
    change = models.CharField(_("ΔEI class"), max_length=16, choices=AssessmentRule.Change.choices)
    percent = models.DecimalField(_("adjustment (%)"), max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("method adjustment")
        verbose_name_plural = _("method adjustments")
        ordering = ["method", "change"]
        constraints = [
            models.UniqueConstraint(
                fields=["method", "change"], name="compensation_method_adjustment_once"
            ),
            models.CheckConstraint(
                condition=models.Q(percent__gte=-100) & models.Q(percent__lte=100),
                name="compensation_method_adjustment_range",
            ),
        ]

    def __str__(self):
        return f"{self.get_change_display()}: {self.percent}%"


class RegionIndicator(models.Model):
    """A region's value of an indicator for a year, with its source (statistics, budget)."""

    class Kind(models.TextChoices):
        FISCAL_GAP = "fiscal-gap", _("fiscal gap (CNY)")
        FOREST_AREA = "forest-area", _("forest area (km²)")
        WETLAND_AREA = "wetland-area", _("wetland area (km²)")
        POPULATION = "population", _("population")

    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("region"))
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("indicator"), max_length=16, choices=Kind.choices)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        verbose_name = _("regional indicator")
        verbose_name_plural = _("regional indicators")
        ordering = ["region", "-year", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "kind"], name="compensation_indicator_once"
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="compensation_indicator_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.region} {self.year} {self.get_kind_display()}: {self.value}"


class CascadeTier(models.Model):
    """One tier of a programme-year's vertical cascade: who pays, whom, by which method.

    Level 1 is paid by the central government (no payer region); a tier of level n + 1 is
    paid by a recipient of a level-n tier, from what that tier passed to it.
    """

    programme = models.ForeignKey(
        PilotProgramme,
        models.PROTECT,
        related_name="cascade_tiers",
        verbose_name=_("programme"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    level = models.PositiveSmallIntegerField(_("level"), help_text=_("1 for the central tier."))
    payer = models.ForeignKey(
        Region,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="cascade_tiers_paid",
        verbose_name=_("paid by"),
        help_text=_("Empty for the central government."),
    )
    method = models.ForeignKey(
        AllocationMethod, models.PROTECT, related_name="tiers", verbose_name=_("method")
    )
    recipients = models.ManyToManyField(
        Region, related_name="cascade_tiers_received", verbose_name=_("recipients")
    )

    class Meta:
        verbose_name = _("cascade tier")
        verbose_name_plural = _("cascade tiers")
        ordering = ["programme", "-year", "level", "payer__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "year"],
                condition=models.Q(payer__isnull=True),
                name="compensation_cascade_one_central_tier",
            ),
            models.UniqueConstraint(
                fields=["programme", "year", "payer"],
                condition=models.Q(payer__isnull=False),
                name="compensation_cascade_one_tier_per_payer",
            ),
            models.CheckConstraint(
                condition=models.Q(level=1, payer__isnull=True)
                | models.Q(level__gt=1, payer__isnull=False),
                name="compensation_cascade_level_and_payer",
                violation_error_message=_(
                    "The central government pays level 1 only; every lower level names "
                    "the region that pays it."
                ),
            ),
        ]

    def __str__(self):
        payer = self.payer.name if self.payer_id else _("central government")
        return f"{self.programme} {self.year} L{self.level} {payer}"
