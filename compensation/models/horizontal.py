"""Horizontal channel: agreements between regions, their rounds and the monitoring data."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from compensation.models.valuation import CarbonMarket
from ledger.fields import MoneyField
from pilots.models import PilotProgramme, Region

RATIO = {"max_digits": 8, "decimal_places": 4}


class Agreement(models.Model):
    """An agreement between regions on who pays whom, under which rule."""

    class Rule(models.TextChoices):
        WATER_QUALITY = "water-quality", _("water-quality index decides the direction (新安江)")
        POOLED_FUND = "pooled-fund", _("pooled fund paid and shared by ratios (赤水河)")
        CARBON = "carbon", _("beneficiaries pay protectors for surplus sink")

    programme = models.ForeignKey(
        PilotProgramme, models.PROTECT, related_name="agreements", verbose_name=_("programme")
    )
    name = models.CharField(_("name"), max_length=200)
    rule = models.CharField(_("rule"), max_length=16, choices=Rule.choices)
    description = models.TextField(_("description"), blank=True)
    carbon_market = models.ForeignKey(
        CarbonMarket,
        models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("carbon price market"),
        help_text=_("Carbon rule only."),
    )
    carbon_adjustment = models.DecimalField(
        _("carbon adjustment coefficient"), max_digits=6, decimal_places=4, default=1
    )
    deficit_cap_share = models.DecimalField(
        _("share of each beneficiary's deficit paid for"),
        max_digits=5,
        decimal_places=4,
        default=1,
        help_text=_(
            "Carbon rule only: 0.3 means a beneficiary pays for at most 0.3 × its deficit."
        ),
    )

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["programme", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "name"], name="compensation_agreement_name_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(deficit_cap_share__gt=0) & models.Q(deficit_cap_share__lte=1),
                name="compensation_agreement_cap_share_range",
            ),
            models.CheckConstraint(
                condition=models.Q(carbon_adjustment__gte=0),
                name="compensation_agreement_adjustment_not_negative",
            ),
        ]

    def __str__(self):
        return self.name


class AgreementParty(models.Model):
    """A region's part in an agreement: its side and its contribution and allocation ratios."""

    class Side(models.TextChoices):
        UPSTREAM = "upstream", _("upstream (protector)")
        DOWNSTREAM = "downstream", _("downstream (beneficiary)")
        MEMBER = "member", _("fund member")
        PROTECTOR = "protector", _("protector (receives)")
        BENEFICIARY = "beneficiary", _("beneficiary (pays)")

    agreement = models.ForeignKey(
        Agreement, models.CASCADE, related_name="parties", verbose_name=_("agreement")
    )
    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("region"))
    side = models.CharField(_("side"), max_length=12, choices=Side.choices)
    contribution_ratio = models.DecimalField(_("contribution ratio"), default=0, **RATIO)
    allocation_ratio = models.DecimalField(_("allocation ratio"), default=0, **RATIO)
    section = models.CharField(
        _("monitoring section"), max_length=100, blank=True, help_text=_("e.g. 街口断面")
    )

    class Meta:
        verbose_name = _("agreement party")
        verbose_name_plural = _("agreement parties")
        ordering = ["agreement", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "region"], name="compensation_party_once_per_agreement"
            ),
            models.CheckConstraint(
                condition=models.Q(contribution_ratio__gte=0) & models.Q(allocation_ratio__gte=0),
                name="compensation_party_ratios_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.region} ({self.get_side_display()})"


class AgreementRound(models.Model):
    """A round of an agreement (e.g. 2018–2020): yearly amounts and the index's coefficients."""

    agreement = models.ForeignKey(
        Agreement, models.CASCADE, related_name="rounds", verbose_name=_("agreement")
    )
    name = models.CharField(_("name"), max_length=100)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    amount = MoneyField(
        _("yearly amount (CNY)"),
        default=0,
        help_text=_(
            "Water quality: each side's stake. Pooled fund: the fund paid in by the parties."
        ),
    )
    central_top_up = MoneyField(_("yearly central top-up (CNY)"), default=0)
    stability_coefficient = models.DecimalField(
        _("stability coefficient K0"), max_digits=6, decimal_places=4, null=True, blank=True
    )

    class Meta:
        verbose_name = _("agreement round")
        verbose_name_plural = _("agreement rounds")
        ordering = ["agreement", "start_year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")),
                name="compensation_round_years_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0) & models.Q(central_top_up__gte=0),
                name="compensation_round_amounts_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.agreement} {self.name} ({self.start_year}–{self.end_year})"


class Pollutant(models.TextChoices):
    CODMN = "CODMn", _("permanganate index (CODMn)")
    NH3N = "NH3-N", _("ammonia nitrogen (NH3-N)")
    TN = "TN", _("total nitrogen (TN)")
    TP = "TP", _("total phosphorus (TP)")


class IndexWeight(models.Model):
    """K_i and the baseline concentration C_i0 of one pollutant in a round's P index."""

    round = models.ForeignKey(
        AgreementRound, models.CASCADE, related_name="weights", verbose_name=_("round")
    )
    pollutant = models.CharField(_("pollutant"), max_length=8, choices=Pollutant.choices)
    weight = models.DecimalField(_("weight K_i"), max_digits=6, decimal_places=4)
    baseline_mg_l = models.DecimalField(_("baseline C_i0 (mg/L)"), max_digits=10, decimal_places=4)

    class Meta:
        verbose_name = _("index weight")
        verbose_name_plural = _("index weights")
        ordering = ["round", "pollutant"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "pollutant"], name="compensation_weight_once_per_pollutant"
            ),
            models.CheckConstraint(
                condition=models.Q(weight__gt=0) & models.Q(baseline_mg_l__gt=0),
                name="compensation_weight_positive",
            ),
        ]

    def __str__(self):
        return f"{self.pollutant}: K={self.weight}, C0={self.baseline_mg_l}"


class MonitoringRecord(models.Model):
    """The annual mean concentration of one pollutant at an agreement's monitoring section."""

    class Unit(models.TextChoices):
        MG_L = "mg/L", "mg/L"
        UG_L = "µg/L", "µg/L"

    agreement = models.ForeignKey(
        Agreement, models.PROTECT, related_name="monitoring", verbose_name=_("agreement")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    section = models.CharField(_("monitoring section"), max_length=100)
    pollutant = models.CharField(_("pollutant"), max_length=8, choices=Pollutant.choices)
    value = models.DecimalField(_("annual mean"), max_digits=12, decimal_places=5)
    unit = models.CharField(_("unit"), max_length=5, choices=Unit.choices, default=Unit.MG_L)
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        verbose_name = _("monitoring record")
        verbose_name_plural = _("monitoring records")
        ordering = ["agreement", "-year", "section", "pollutant"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "year", "section", "pollutant"],
                name="compensation_monitoring_once",
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="compensation_monitoring_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.section} {self.year} {self.pollutant}: {self.value} {self.unit}"

    @property
    def mg_l(self):
        return self.value / 1000 if self.unit == self.Unit.UG_L else self.value
