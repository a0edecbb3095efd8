"""Dynamic supervision (动态监管): what changed between two states of a region, and alerts."""

from django.conf import settings
from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ledger.fields import TonnesField
from pilots.fields import HectaresField
from pilots.geometry import STORAGE_SRID
from pilots.models import PlanningVersion, Region, Zone


class ChangeDetection(models.Model):
    """One comparison of two planning versions or two land-cover surveys of a region (变化检测).

    Computed once per pair and kept: its key names the pair, so detecting the
    same change again returns this row and raises no new alert.
    """

    class Subject(models.TextChoices):
        PLANNING = "planning", _("planning versions")
        LAND_COVER = "land_cover", _("land-cover surveys")

    key = models.CharField(_("key"), max_length=100, unique=True)
    region = models.ForeignKey(
        Region, models.PROTECT, related_name="change_detections", verbose_name=_("region")
    )
    subject = models.CharField(_("subject"), max_length=12, choices=Subject.choices)
    before_version = models.ForeignKey(
        PlanningVersion,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("planning version before"),
    )
    after_version = models.ForeignKey(
        PlanningVersion,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("planning version after"),
    )
    before_year = models.PositiveSmallIntegerField(_("survey year before"), null=True, blank=True)
    after_year = models.PositiveSmallIntegerField(_("survey year after"), null=True, blank=True)
    areas = models.JSONField(
        _("areas"),
        default=dict,
        help_text=_(
            "Hectares before, after, gained and lost: per zone kind for planning versions, "
            "per land-use class for surveys."
        ),
    )
    sink_before_tco2e = TonnesField(
        _("protected sink before (tCO2e)"), max_digits=16, null=True, blank=True
    )
    sink_after_tco2e = TonnesField(
        _("protected sink after (tCO2e)"), max_digits=16, null=True, blank=True
    )
    methodology_version = models.ForeignKey(
        "compensation.MethodologyVersion",
        models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("methodology version of the sink change"),
    )
    uncounted_codes = models.JSONField(
        _("land-use codes without a coefficient"),
        default=list,
        blank=True,
        help_text=_("Their area is left out of the sink change."),
    )
    computed_at = models.DateTimeField(_("computed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("change detection")
        verbose_name_plural = _("change detections")
        ordering = ["-computed_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        subject="planning",
                        before_version__isnull=False,
                        after_version__isnull=False,
                    )
                    | models.Q(
                        subject="land_cover", before_year__isnull=False, after_year__isnull=False
                    )
                ),
                name="supervision_detection_compares_two_states",
                violation_error_message=_(
                    "A planning comparison names two planning versions; "
                    "a land-cover comparison two years."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.region.name}: {self.compared}"

    @property
    def compared(self) -> str:
        if self.subject == self.Subject.PLANNING:
            return f"v{self.before_version.version} → v{self.after_version.version}"
        return f"{self.before_year} → {self.after_year}"

    @property
    def year(self) -> int:
        """The year of the later state: its survey, or the year the later plan took effect."""
        return self.after_year or self.after_version.effective_from.year

    @property
    def sink_change_tco2e(self):
        if self.sink_before_tco2e is None or self.sink_after_tco2e is None:
            return None
        return self.sink_after_tco2e - self.sink_before_tco2e


class Encroachment(models.Model):
    """Land of a protected zone in the earlier plan that a developed zone of the later takes."""

    detection = models.ForeignKey(
        ChangeDetection, models.CASCADE, related_name="encroachments", verbose_name=_("detection")
    )
    developed_zone = models.ForeignKey(
        Zone, models.PROTECT, related_name="+", verbose_name=_("developed zone (after)")
    )
    protected_zone = models.ForeignKey(
        Zone, models.PROTECT, related_name="+", verbose_name=_("protected zone (before)")
    )
    protected_kind = models.CharField(_("protected kind"), max_length=32, choices=Zone.Kind.choices)
    area_ha = HectaresField(_("area (ha)"))
    geometry = models.MultiPolygonField(_("geometry"), srid=STORAGE_SRID)

    class Meta:
        verbose_name = _("encroachment")
        verbose_name_plural = _("encroachments")
        ordering = ["detection", "-area_ha"]

    def __str__(self):
        return f"{self.get_protected_kind_display()} {self.area_ha} ha"


class Transition(models.Model):
    """Hectares that went from one land-use class to another between two surveys."""

    detection = models.ForeignKey(
        ChangeDetection, models.CASCADE, related_name="transitions", verbose_name=_("detection")
    )
    from_code = models.CharField(_("from land-use code"), max_length=4)
    to_code = models.CharField(_("to land-use code"), max_length=4)
    area_ha = HectaresField(_("area (ha)"))

    class Meta:
        verbose_name = _("land-use transition")
        verbose_name_plural = _("land-use transitions")
        ordering = ["detection", "from_code", "to_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["detection", "from_code", "to_code"], name="supervision_transition_unique"
            ),
        ]

    def __str__(self):
        return f"{self.from_code} → {self.to_code}: {self.area_ha} ha"


def validate_addresses(value: str) -> None:
    """Every non-empty line an email address, so a notification never fails at send time."""
    check = EmailValidator()
    wrong = []
    for line in value.splitlines():
        try:
            if line.strip():
                check(line.strip())
        except ValidationError:
            wrong.append(line.strip())
    if wrong:
        raise ValidationError(
            _("Not an email address: %(lines)s. Put one address on each line."),
            code="invalid",
            params={"lines": ", ".join(wrong)},
        )


class AlertRule(models.Model):
    """A condition ecology officials want to hear about (预警规则)."""

    class Kind(models.TextChoices):
        ENCROACHMENT = "encroachment", _("developed zone encroaches on a protected kind")
        SINK_DECLINE = "sink_decline", _("protected sink down year on year")
        FARMLAND_QUOTA = "farmland_quota", _("permanent basic farmland below its quota")
        # Pass-through to recipients (passthrough.obligations), per plan line or payment.
        WITHHELD = "withheld", _("compensation withheld from a recipient")
        PARTIAL = "partial", _("compensation partially paid")
        LATE = "late", _("compensation paid late")
        PAID_ELSEWHERE = "paid_elsewhere", _("compensation paid to someone else")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    region = models.ForeignKey(
        Region,
        models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("region"),
        help_text=_("Leave empty to apply the rule to every region (not for quotas)."),
    )
    protected_kind = models.CharField(
        _("protected kind"),
        max_length=32,
        choices=[(k.value, k.label) for k in Zone.Kind if k in Zone.PROTECTED_KINDS],
        blank=True,
        help_text=_("For encroachment rules: the kind of protected zone watched."),
    )
    threshold = models.DecimalField(
        _("threshold"),
        max_digits=14,
        decimal_places=4,
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_(
            "Encroachment: smallest area in ha that raises an alert (0: any). "
            "Sink decline: percent. Farmland quota: the quota in ha. "
            "Withheld, partially paid: days past the due date allowed; paid late: days late "
            "allowed (0: none). Paid to someone else: amounts up to this many CNY (元) are "
            "not raised (0: any)."
        ),
    )
    notify = models.TextField(
        _("notify by email"),
        blank=True,
        validators=[validate_addresses],
        help_text=_("Addresses, one per line."),
    )
    active = models.BooleanField(pgettext_lazy("alert rule", "active"), default=True)

    class Meta:
        verbose_name = _("alert rule")
        verbose_name_plural = _("alert rules")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="encroachment", protected_kind=""),
                name="supervision_encroachment_rule_names_a_kind",
                violation_error_message=_("An encroachment rule names the kind of protected land."),
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="farmland_quota", region__isnull=True),
                name="supervision_quota_rule_names_a_region",
                violation_error_message=_("A farmland-quota rule names its region."),
            ),
            models.CheckConstraint(
                condition=models.Q(threshold__gte=0), name="supervision_threshold_not_negative"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def recipients(self) -> list[str]:
        return [line.strip() for line in self.notify.splitlines() if line.strip()]


class Alert(models.Model):
    """One raised alert (预警), acknowledged by an official or the region's operator."""

    rule = models.ForeignKey(
        AlertRule, models.PROTECT, related_name="alerts", verbose_name=_("rule")
    )
    region = models.ForeignKey(
        Region, models.PROTECT, related_name="alerts", verbose_name=_("region")
    )
    fingerprint = models.CharField(_("fingerprint"), max_length=120)
    detection = models.ForeignKey(
        ChangeDetection,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="alerts",
        verbose_name=_("detection"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    measured = models.DecimalField(_("measured value"), max_digits=16, decimal_places=4)
    facts = models.JSONField(_("facts"), default=dict)
    geometry = models.MultiPolygonField(
        _("map of the change"), srid=STORAGE_SRID, null=True, blank=True
    )
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-raised_at"]
        permissions = [("acknowledge_alert", _("Can acknowledge an alert"))]
        constraints = [
            # Evaluating the rules again never raises the same alert twice.
            models.UniqueConstraint(
                fields=["rule", "region", "fingerprint"], name="supervision_alert_once"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(acknowledged_at__isnull=True, acknowledged_by__isnull=True)
                    | (
                        models.Q(acknowledged_at__isnull=False, acknowledged_by__isnull=False)
                        & ~models.Q(comment="")
                    )
                ),
                name="supervision_acknowledged_with_comment",
                violation_error_message=_(
                    "An acknowledged alert records who acknowledged it, when, and a comment."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.region.name}: {self.rule.name}"

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None
