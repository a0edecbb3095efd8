"""Market channel: credit projects, issuance batches and the blocks of units they hold.

A block is a contiguous range of unit numbers within one batch, held by one
holder in one state. Operations on part of a block split it; PostgreSQL
refuses overlapping blocks of a batch and any change to a retired or
cancelled block (compensation/sql/0006_market_invariants.postgresql.sql).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from compensation import serials
from compensation.models.valuation import MethodologyVersion, Valuation
from ledger.fields import MoneyField, TonnesField
from pilots.models import PilotProgramme, Region, Zone


class CreditProject(models.Model):
    """Protected zones of one region crediting their sink under one methodology."""

    programme = models.ForeignKey(
        PilotProgramme, models.PROTECT, related_name="credit_projects", verbose_name=_("programme")
    )
    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("region"))
    code = models.CharField(
        _("project id"),
        max_length=12,
        unique=True,
        help_text=_("Upper-case letters and digits, e.g. XAJ001; part of every serial."),
    )
    name = models.CharField(_("name"), max_length=200)
    methodology_version = models.ForeignKey(
        MethodologyVersion, models.PROTECT, verbose_name=_("methodology version")
    )
    zones = models.ManyToManyField(Zone, verbose_name=_("zones"))
    crediting_start = models.DateField(_("crediting period start"))
    crediting_end = models.DateField(_("crediting period end"))
    buffer_share = models.DecimalField(
        _("buffer-pool share"), max_digits=4, decimal_places=3, default=Decimal("0.100")
    )

    class Meta:
        verbose_name = _("credit project")
        verbose_name_plural = _("credit projects")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(crediting_end__gt=models.F("crediting_start")),
                name="compensation_project_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(buffer_share__gte=0) & models.Q(buffer_share__lt=1),
                name="compensation_project_buffer_range",
            ),
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[A-Z0-9]{3,12}$"),
                name="compensation_project_code_format",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class CreditHolder(models.Model):
    """Who holds credits: a protector region, a buyer (an emitter), or the buffer pool."""

    class Kind(models.TextChoices):
        PROTECTOR = "protector", _("protector region")
        BUYER = "buyer", _("buyer")
        BUFFER = "buffer", _("buffer pool")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    region = models.OneToOneField(
        Region, models.PROTECT, null=True, blank=True, verbose_name=_("region")
    )

    class Meta:
        verbose_name = _("credit holder")
        verbose_name_plural = _("credit holders")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="protector", region__isnull=False)
                | (~models.Q(kind="protector") & models.Q(region__isnull=True)),
                name="compensation_holder_region_iff_protector",
                violation_error_message=_(
                    "A protector holder names its region; other holders name none."
                ),
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(kind="buffer"),
                name="compensation_one_buffer_pool",
            ),
        ]

    def __str__(self):
        return self.name


class IssuanceBatch(models.Model):
    """Units issued for a project's verified sink of one vintage; 1 unit = 1 tCO2e."""

    project = models.ForeignKey(
        CreditProject, models.PROTECT, related_name="batches", verbose_name=_("project")
    )
    number = models.PositiveIntegerField(_("batch number"))
    vintage = models.PositiveSmallIntegerField(_("vintage"))
    valuation = models.ForeignKey(Valuation, models.PROTECT, verbose_name=_("valuation"))
    verified_tco2e = TonnesField(_("verified sink (tCO2e)"))
    units = models.PositiveIntegerField(_("units issued"))
    buffer_units = models.PositiveIntegerField(_("units to the buffer pool"))
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("issued by"),
    )

    class Meta:
        verbose_name = _("issuance batch")
        verbose_name_plural = _("issuance batches")
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "number"], name="compensation_batch_number_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(units__gt=0) & models.Q(buffer_units__lte=models.F("units")),
                name="compensation_batch_units_valid",
            ),
        ]

    def __str__(self):
        return f"{self.project.code} #{self.number} ({self.vintage})"


class CreditOperation(models.Model):
    """One registry operation, kept for ever: what moved, between whom, why, at what price."""

    class Kind(models.TextChoices):
        ISSUE = "issue", pgettext_lazy("credit operation", "issue")
        TRANSFER = "transfer", _("transfer")
        SELL = "sell", _("sale")
        RETIRE = "retire", _("retirement")
        CANCEL = "cancel", _("cancellation")
        REVERSAL = "reversal", _("reversal event")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    batch = models.ForeignKey(
        IssuanceBatch, models.PROTECT, related_name="operations", verbose_name=_("batch")
    )
    first_unit = models.PositiveIntegerField(_("first unit"))
    last_unit = models.PositiveIntegerField(_("last unit"))
    from_holder = models.ForeignKey(
        CreditHolder,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("credit holder", "from"),
    )
    to_holder = models.ForeignKey(
        CreditHolder,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("credit holder", "to"),
    )
    date = models.DateField(_("date"))
    price = MoneyField(_("price per unit (CNY)"), null=True, blank=True)
    proceeds = MoneyField(_("proceeds (CNY)"), null=True, blank=True)
    beneficiary = models.CharField(_("retired for"), max_length=200, blank=True)
    beneficiary_published = models.BooleanField(
        _("beneficiary published"),
        default=False,
        help_text=_(
            "The holder chose to show the retirement's beneficiary on the public credit "
            "lookup; otherwise the public sees only that the units are retired."
        ),
    )
    reason = models.TextField(_("reason"), blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("credit operation")
        verbose_name_plural = _("credit operations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_unit__gte=models.F("first_unit")),
                name="compensation_operation_range_ordered",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="sell")
                | (models.Q(price__gt=0) & models.Q(proceeds__gt=0)),
                name="compensation_sale_priced",
                violation_error_message=_("A sale needs a price and proceeds greater than 0."),
            ),
            models.CheckConstraint(
                condition=models.Q(beneficiary_published=False)
                | (models.Q(kind="retire") & ~models.Q(beneficiary="")),
                name="compensation_published_beneficiary_retired",
                violation_error_message=_(
                    "Only a retirement that names its beneficiary can publish it."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.batch} {self.first_unit}–{self.last_unit}"

    @property
    def units(self) -> int:
        return self.last_unit - self.first_unit + 1


class CreditBlock(models.Model):
    """A contiguous range of units of one batch, held by one holder, in one state."""

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("credit block status", "active")
        RETIRED = "retired", _("retired")
        CANCELLED = "cancelled", _("cancelled")

    batch = models.ForeignKey(
        IssuanceBatch, models.PROTECT, related_name="blocks", verbose_name=_("batch")
    )
    first_unit = models.PositiveIntegerField(_("first unit"))
    last_unit = models.PositiveIntegerField(_("last unit"))
    holder = models.ForeignKey(CreditHolder, models.PROTECT, verbose_name=_("holder"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    operation = models.ForeignKey(CreditOperation, models.PROTECT, verbose_name=_("last operation"))

    class Meta:
        verbose_name = _("credit block")
        verbose_name_plural = _("credit blocks")
        ordering = ["batch", "first_unit"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_unit__gte=models.F("first_unit"))
                & models.Q(first_unit__gte=1),
                name="compensation_block_range_ordered",
            ),
        ]

    def __str__(self):
        return self.serial

    @property
    def units(self) -> int:
        return self.last_unit - self.first_unit + 1

    @property
    def serial(self) -> str:
        return serials.serial(
            project_code=self.batch.project.code,
            vintage=self.batch.vintage,
            batch_number=self.batch.number,
            first_unit=self.first_unit,
            last_unit=self.last_unit,
        )
