"""Sink verification (碳汇核证): the maker-checker step that brings a sink into the ledger.

An ecology official requests verification of a current valuation, for all its
regions or one region; a different ecology official approves it, which posts
the verified tonnes (compensation.sinks.verify_sink), or rejects it with a
reason. Credit issuance (market channel) and the vertical carbon term claim
only verified tonnes.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from compensation.models.valuation import Valuation
from pilots.models import Region


class SinkVerification(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        VERIFIED = "verified", _("verified")
        REJECTED = "rejected", _("rejected")

    valuation = models.ForeignKey(
        Valuation, models.PROTECT, related_name="verifications", verbose_name=_("valuation")
    )
    region = models.ForeignKey(
        Region,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
        help_text=_("Empty: every region of the valuation."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved or rejected by"),
    )
    decided_at = models.DateTimeField(_("approved or rejected at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    entries = models.PositiveIntegerField(
        _("ledger entries posted"),
        default=0,
        help_text=_("Regions whose verified tonnes changed on approval."),
    )

    class Meta:
        verbose_name = _("sink verification")
        verbose_name_plural = _("sink verifications")
        ordering = ["-requested_at", "-id"]
        permissions = [
            ("request_sinkverification", _("Can request sink verification")),
            ("approve_sinkverification", _("Can approve or reject sink verification")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(decided_by=models.F("requested_by")),
                name="compensation_sink_maker_is_not_checker",
                violation_error_message=_(
                    "The official who requested the verification cannot also decide it "
                    "(maker-checker)."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(status="requested", decided_by__isnull=True)
                | (~models.Q(status="requested") & models.Q(decided_by__isnull=False)),
                name="compensation_sink_decision_has_decider",
                violation_error_message=_(
                    "A decided verification names who decided it; a pending one names nobody."
                ),
            ),
            # One open request per valuation and scope; a second waits for the first.
            models.UniqueConstraint(
                fields=["valuation"],
                condition=models.Q(status="requested", region__isnull=True),
                name="compensation_one_open_sink_request",
            ),
            models.UniqueConstraint(
                fields=["valuation", "region"],
                condition=models.Q(status="requested", region__isnull=False),
                name="compensation_one_open_region_sink_request",
            ),
        ]

    def __str__(self):
        scope = self.region.code if self.region_id else _("all regions")
        return f"#{self.pk} {self.valuation.programme} {self.valuation.year} ({scope})"
