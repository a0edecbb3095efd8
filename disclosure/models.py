"""Releases (信息公开): the act that puts a run, an agreement's outcomes or a pilot's data
before the public, or takes it back.

A release is proposed by one official and approved by another (maker-checker, as
settlement runs and sink verification are). Approval freezes `content`, the JSON of
exactly what the public pages and files show, and its SHA-256; the public side reads
nothing else. Withdrawing is a release of its own (action "withdraw") that hides every
earlier release of the same target. Approved releases are never changed or deleted.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from compensation.models import Agreement, SettlementRun
from config.roles import ECOLOGY, FINANCE
from pilots.models import PilotProgramme

# The offices the publication log names (the approver's role), never a person.
OFFICES = {
    FINANCE: _("finance office"),
    ECOLOGY: _("ecology office"),
    "administrator": _("system administrator"),
}


class Release(models.Model):
    class Kind(models.TextChoices):
        PILOT = "pilot", _("pilot data (regions, methodology, price basis)")
        RUN = "run", _("settlement run")
        AGREEMENT = "agreement", _("agreement outcomes")

    class Action(models.TextChoices):
        RELEASE = "release", _("release")
        WITHDRAW = "withdraw", _("withdraw")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    action = models.CharField(
        _("action"), max_length=8, choices=Action.choices, default=Action.RELEASE
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PROPOSED
    )
    programme = models.ForeignKey(
        PilotProgramme, models.PROTECT, related_name="+", verbose_name=_("programme")
    )
    run = models.ForeignKey(
        SettlementRun,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("release target", "run"),
    )
    agreement = models.ForeignKey(
        Agreement,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agreement"),
    )
    reason = models.TextField(_("reason"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("proposed by")
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved or rejected by"),
    )
    decided_at = models.DateTimeField(_("approved or rejected at"), null=True, blank=True)
    office = models.CharField(
        _("releasing office"),
        max_length=40,
        blank=True,
        help_text=_("The approver's role, shown in the publication log instead of a name."),
    )
    content = models.JSONField(_("published content"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256 of the published content"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        ordering = ["-decided_at", "-id"]
        permissions = [
            ("propose_release", _("Can propose releases to the public")),
            ("approve_release", _("Can approve or reject releases to the public")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(approved_by=models.F("proposed_by")),
                name="disclosure_maker_is_not_checker",
                violation_error_message=_(
                    "The official who proposed the release cannot also decide it (maker-checker)."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(kind="pilot", run__isnull=True, agreement__isnull=True)
                | models.Q(kind="run", run__isnull=False, agreement__isnull=True)
                | models.Q(kind="agreement", run__isnull=True, agreement__isnull=False),
                name="disclosure_target_matches_kind",
                violation_error_message=_(
                    "A release names the run or agreement its kind asks for, and nothing else."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(status="proposed", approved_by__isnull=True, sha256="")
                | models.Q(status="rejected", approved_by__isnull=False, sha256="")
                | models.Q(
                    status="approved", approved_by__isnull=False, sha256__regex=r"^[0-9a-f]{64}$"
                ),
                name="disclosure_approval_freezes_content",
                violation_error_message=_(
                    "An approved release keeps the SHA-256 of what it published; "
                    "a proposed or rejected one has none."
                ),
            ),
            # One open proposal per target; a second waits for the first to be decided.
            models.UniqueConstraint(
                "kind",
                "programme",
                Coalesce("run", 0),
                Coalesce("agreement", 0),
                condition=models.Q(status="proposed"),
                name="disclosure_one_open_proposal",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_action_display()} {self.target_label}"

    @property
    def office_display(self) -> str:
        return str(OFFICES.get(self.office, self.office))

    @property
    def target_label(self) -> str:
        """The target as the public log names it: pilot, run period or agreement; no person."""
        if self.kind == self.Kind.RUN:
            run = self.run
            return f"{self.programme.name} {run.period_start}–{run.period_end} (#{run.pk})"
        if self.kind == self.Kind.AGREEMENT:
            return f"{self.programme.name} · {self.agreement.name}"
        return self.programme.name
