"""Statements of a posted run: one per region and one summary, each in PDF, CSV and XLSX.

A statement's `data` is its canonical content, computed from the ledger as it
stood at the run's last entry; `digest` is the SHA-256 of that data and is
printed on every format. Files are kept as issued, with their own SHA-256.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from compensation.models.settlement import SettlementRun
from pilots.models import Region


def statement_path(statement, filename):
    return f"statements/run-{statement.run_id}/{filename}"


class Statement(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        ISSUED = "issued", pgettext_lazy("statement status", "issued")
        FAILED = "failed", _("failed")

    run = models.ForeignKey(
        SettlementRun,
        models.PROTECT,
        related_name="statements",
        verbose_name=pgettext_lazy("settlement run", "run"),
    )
    region = models.ForeignKey(
        Region,
        models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("region"),
        help_text=_("Empty for the run's summary statement."),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    data = models.JSONField(_("content"), default=dict)
    digest = models.CharField(_("SHA-256 of the content"), max_length=64, blank=True)
    ledger_hash = models.CharField(_("ledger hash at the run's last entry"), max_length=64)
    pdf = models.FileField(_("PDF"), upload_to=statement_path, blank=True)
    csv = models.FileField(_("CSV"), upload_to=statement_path, blank=True)
    xlsx = models.FileField(_("XLSX"), upload_to=statement_path, blank=True)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True, db_index=True)
    csv_sha256 = models.CharField(_("CSV SHA-256"), max_length=64, blank=True, db_index=True)
    xlsx_sha256 = models.CharField(_("XLSX SHA-256"), max_length=64, blank=True, db_index=True)
    error = models.TextField(_("error"), blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["run", "region__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "region"], name="compensation_statement_once_per_region"
            ),
            models.UniqueConstraint(
                fields=["run"],
                condition=models.Q(region__isnull=True),
                name="compensation_one_summary_statement",
            ),
        ]
        permissions = [("verify_statement", _("Can verify statements"))]

    def __str__(self):
        where = self.region.name if self.region_id else _("summary")
        return f"{self.run_id} · {where}"

    @property
    def stem(self) -> str:
        """The file name of every format, without extension."""
        return f"statement-run{self.run_id}-{self.region.code if self.region_id else 'summary'}"
