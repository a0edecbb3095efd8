"""Settlement runs: a pilot's transfers for one period, calculated, approved, posted.

A run moves through draft → calculating → calculated → approved → posted →
statements issued (or failed, cancelled); every move is a RunTransition with
who, when and why. Calculation is split into chunks (a channel and a slice of
its regions or agreements) so that a national run spreads over workers and a
failed run resumes where it stopped.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from compensation.accounts import CHANNEL_LABELS
from compensation.quantities import quantize
from ledger.fields import AmountField, amount_places_constraint
from pilots.models import PilotProgramme


class SettlementRun(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("run status", "draft")
        CALCULATING = "calculating", _("calculating")
        CALCULATED = "calculated", _("calculated")
        APPROVED = "approved", _("approved")
        POSTED = "posted", pgettext_lazy("run status", "posted")
        STATEMENTS_ISSUED = "statements", _("statements issued")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")

    class Kind(models.TextChoices):
        REGULAR = "regular", _("regular")
        CORRECTION = "correction", _("correction")
        SCENARIO = "scenario", _("scenario (what-if)")

    programme = models.ForeignKey(
        PilotProgramme, models.PROTECT, related_name="settlement_runs", verbose_name=_("programme")
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REGULAR)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    corrects = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects"),
    )
    name = models.CharField(
        _("name"), max_length=200, blank=True, help_text=_("Scenarios: what was changed.")
    )
    overrides = models.JSONField(
        _("overrides"),
        default=dict,
        blank=True,
        help_text=_("Scenarios only: prices, budget, coefficients or ratios to use instead."),
    )
    chunks_total = models.PositiveIntegerField(_("chunks"), default=0)
    chunks_done = models.PositiveIntegerField(_("chunks done"), default=0)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    pinned_inputs = models.JSONField(
        _("pinned inputs"),
        default=dict,
        blank=True,
        help_text=_(
            "What the calculation reads, as planned: channel -> input -> its label, its "
            "rows' ids per model and a digest of their content; a chunk whose inputs no "
            "longer match refuses."
        ),
    )
    error = models.TextField(_("error"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("settlement run")
        verbose_name_plural = _("settlement runs")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("start_settlementrun", _("Can start and calculate settlement runs")),
            ("approve_settlementrun", _("Can approve settlement runs")),
            ("post_settlementrun", _("Can post approved settlement runs")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="compensation_run_period_ordered",
            ),
            # One live regular run per pilot and period; a posted run is corrected, not redone.
            models.UniqueConstraint(
                fields=["programme", "period_start", "period_end"],
                condition=models.Q(kind="regular") & ~models.Q(status="cancelled"),
                name="compensation_one_regular_run_per_period",
            ),
            # One correction at a time per corrected run.
            models.UniqueConstraint(
                fields=["corrects"],
                condition=models.Q(kind="correction")
                & ~models.Q(status__in=["cancelled", "posted", "statements"]),
                name="compensation_one_open_correction",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="scenario")
                | models.Q(
                    status__in=["draft", "calculating", "calculated", "failed", "cancelled"]
                ),
                name="compensation_scenarios_never_post",
                violation_error_message=_("A scenario is never approved or posted."),
            ),
            models.CheckConstraint(
                condition=models.Q(kind="correction", corrects__isnull=False)
                | (~models.Q(kind="correction") & models.Q(corrects__isnull=True)),
                name="compensation_correction_names_its_run",
                violation_error_message=_(
                    "A correction names the run it corrects; other runs name none."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(approved_by__isnull=True)
                | ~models.Q(approved_by=models.F("started_by")),
                name="compensation_maker_is_not_checker",
                violation_error_message=_(
                    "The official who started the run cannot also approve it (maker-checker)."
                ),
            ),
        ]

    def __str__(self):
        label = "" if self.kind == self.Kind.REGULAR else f"{self.get_kind_display()} "
        return f"{label}#{self.pk} {self.programme} {self.period_start}–{self.period_end}"

    @property
    def key_prefix(self) -> str:
        """The prefix of the idempotency keys of the run's entries."""
        return f"run:{self.pk}"


class RunTransition(models.Model):
    """One move of a run from one status to another: who, when, why."""

    run = models.ForeignKey(
        SettlementRun,
        models.CASCADE,
        related_name="transitions",
        verbose_name=pgettext_lazy("settlement run", "run"),
    )
    from_status = models.CharField(pgettext_lazy("run status", "from"), max_length=12, blank=True)
    to_status = models.CharField(pgettext_lazy("run status", "to"), max_length=12)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("by"),
        help_text=_("Empty when the scheduler or a worker made the move."),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("run transition")
        verbose_name_plural = _("run transitions")
        ordering = ["run", "at", "id"]

    def __str__(self):
        """ "1: 已批准 → 已记账": the run and its statuses by their labels."""
        labels = dict(SettlementRun.Status.choices)
        before = labels.get(self.from_status, self.from_status) or "∅"
        return f"{self.run_id}: {before} → {labels.get(self.to_status, self.to_status)}"


class RunChunk(models.Model):
    """A slice of a run's calculation: one channel and some of its regions or agreements."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    run = models.ForeignKey(
        SettlementRun,
        models.CASCADE,
        related_name="chunks",
        verbose_name=pgettext_lazy("settlement run", "run"),
    )
    channel = models.CharField(_("channel"), max_length=12, choices=CHANNEL_LABELS.items())
    number = models.PositiveIntegerField(_("number"))
    scope = models.JSONField(_("scope"), help_text=_("Region codes or agreement ids."))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    error = models.TextField(_("error"), blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("calculation chunk")
        verbose_name_plural = _("calculation chunks")
        ordering = ["run", "channel", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "channel", "number"], name="compensation_chunk_once"
            ),
        ]

    def __str__(self):
        return f"{self.run_id} {self.get_channel_display()} #{self.number}"


class RunTransfer(models.Model):
    """A proposed transfer of a run; posted as one ledger entry once the run is approved.

    `amount` is one numeric(20, 3) column for both commodities; the database
    refuses a row with more places than its commodity (0.005 CNY), and a row
    read from the database carries its commodity's places: 100000000.00 CNY,
    12.500 tCO2e (`from_db`), so every surface shows them.
    """

    run = models.ForeignKey(
        SettlementRun,
        models.CASCADE,
        related_name="transfers",
        verbose_name=pgettext_lazy("settlement run", "run"),
    )
    chunk = models.ForeignKey(
        RunChunk, models.CASCADE, related_name="transfers", verbose_name=_("chunk")
    )
    channel = models.CharField(_("channel"), max_length=12, choices=CHANNEL_LABELS.items())
    key = models.CharField(_("key"), max_length=200)
    payer = models.CharField(_("payer account"), max_length=128)
    payee = models.CharField(_("payee account"), max_length=128)
    payer_region = models.CharField(_("payer region"), max_length=6, blank=True, db_index=True)
    payee_region = models.CharField(_("payee region"), max_length=6, blank=True, db_index=True)
    commodity = models.CharField(_("commodity"), max_length=16)
    amount = AmountField(_("amount"))
    description = models.CharField(_("description"), max_length=300)
    inputs = models.JSONField(_("formula inputs"), default=dict)
    entry = models.ForeignKey(
        "ledger.JournalEntry",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ledger entry"),
    )

    class Meta:
        verbose_name = _("run transfer")
        verbose_name_plural = _("run transfers")
        ordering = ["run", "channel", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "channel", "key"], name="compensation_transfer_once_per_run"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="compensation_transfer_positive"
            ),
            amount_places_constraint(
                amount="amount", commodity="commodity", name="compensation_transfer_places"
            ),
        ]

    def __str__(self):
        return (
            f"{self.get_channel_display()} {self.payer} → {self.payee}: "
            f"{self.amount} {self.commodity}"
        )

    @classmethod
    def from_db(cls, db, field_names, values):
        """The row, its amount with the commodity's places when both columns were loaded."""
        transfer = super().from_db(db, field_names, values)
        if "amount" in field_names and "commodity" in field_names:
            transfer.amount = quantize(transfer.amount, transfer.commodity)
        return transfer
