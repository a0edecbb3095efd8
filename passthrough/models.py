"""Recipients below the region and sub-allocation plans (补偿资金分配方案).

A recipient (township 乡镇, village collective 村集体, state forest farm 国有林场,
cooperative 合作社, household 农户) belongs to one region and may be tied to the
zones it protects. A household is named by a code; its holder's name and bank
account are personal details that only roles holding `view_details_recipient`
see (config/roles.py).

A sub-allocation plan passes one posted run's CNY receipts of one region on to
its recipients: proposed by the region's operator, approved by a finance
official who is not the proposer (the database refuses otherwise), and posted
then as one ledger entry crediting one sub-account per line, each with its due
date.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ledger.fields import MoneyField
from pilots.models import Region, Zone

RECIPIENT_CODE = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9-]{0,31}$",
    _("Use 1 to 32 letters, digits or hyphens, starting with a letter or digit."),
)


class Recipient(models.Model):
    """Who receives compensation below the region (受偿主体)."""

    class Kind(models.TextChoices):
        TOWNSHIP = "township", _("township")
        VILLAGE = "village", _("village collective")
        FOREST_FARM = "forest_farm", _("state forest farm")
        COOPERATIVE = "cooperative", _("cooperative")
        HOUSEHOLD = "household", _("household")

    region = models.ForeignKey(
        Region, models.PROTECT, related_name="recipients", verbose_name=_("region")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    code = models.CharField(
        _("code"),
        max_length=32,
        validators=[RECIPIENT_CODE],
        help_text=_("Unique within the region; a household is known by its code only."),
    )
    name = models.CharField(
        _("name"),
        max_length=200,
        blank=True,
        help_text=_("An organisation's name; empty for a household."),
    )
    zones = models.ManyToManyField(
        Zone,
        blank=True,
        related_name="recipients",
        verbose_name=_("zones protected"),
    )
    holder_name = models.CharField(
        _("holder's name"),
        max_length=100,
        blank=True,
        help_text=_("Personal detail: shown only to roles that pay."),
    )
    bank_account = models.CharField(
        _("bank account"),
        max_length=40,
        blank=True,
        help_text=_("Personal detail for a household: shown only to roles that pay."),
    )
    active = models.BooleanField(pgettext_lazy("recipient", "active"), default=True)

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ["region", "code"]
        permissions = [
            ("view_details_recipient", _("Can see recipients' personal details")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "code"],
                name="passthrough_recipient_code_once_per_region",
                violation_error_message=_("This region already has a recipient with this code."),
            ),
            models.CheckConstraint(
                condition=(models.Q(kind="household") & models.Q(name=""))
                | (~models.Q(kind="household") & ~models.Q(name="")),
                name="passthrough_household_by_code_only",
                violation_error_message=_(
                    "A household is named by its code only (leave the name empty); "
                    "any other recipient needs a name."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.region_id and self.region.code} {self.code} {self.name}".strip()


class LocalRule(models.Model):
    """A region's own rule for passing its receipts on (分配办法), one version of it: each
    recipient kind's share of the whole, and within a kind, by area protected or equally.

    Edited while a draft; once published it is what plans cite and is no longer edited
    (a new version is a new row). passthrough.plans applies it.
    """

    class Basis(models.TextChoices):
        AREA = "area", _("by area protected")
        EQUAL = "equal", _("in equal parts")

    region = models.ForeignKey(
        Region, models.PROTECT, related_name="local_rules", verbose_name=_("region")
    )
    name = models.CharField(_("name"), max_length=200)
    version = models.PositiveIntegerField(_("version"), default=1)
    source = models.CharField(
        _("source"),
        max_length=300,
        help_text=_("The document that sets the rule: its title, number and date."),
    )
    basis = models.CharField(
        _("within a kind"),
        max_length=8,
        choices=Basis.choices,
        default=Basis.AREA,
        help_text=_("How a kind's part is split between its recipients in a plan."),
    )
    published = models.BooleanField(_("published"), default=False)

    class Meta:
        verbose_name = _("local allocation rule")
        verbose_name_plural = _("local allocation rules")
        ordering = ["region", "name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name", "version"],
                name="passthrough_localrule_version_once",
                violation_error_message=_("This rule already has this version."),
            ),
        ]

    def __str__(self):
        return pgettext("local rule", "%(name)s, version %(version)s") % {
            "name": self.name,
            "version": self.version,
        }


class LocalRuleShare(models.Model):
    """One recipient kind's share under a local rule (a weight; the kinds' weights need not
    add up to 1 or 100: each kind gets its weight over the sum)."""

    rule = models.ForeignKey(
        LocalRule, models.CASCADE, related_name="shares", verbose_name=_("local rule")
    )
    kind = models.CharField(_("recipient kind"), max_length=12, choices=Recipient.Kind.choices)
    weight = models.DecimalField(_("weight"), max_digits=12, decimal_places=6)

    class Meta:
        verbose_name = _("kind's share")
        verbose_name_plural = _("kinds' shares")
        ordering = ["rule", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "kind"],
                name="passthrough_localruleshare_kind_once",
                violation_error_message=_("A kind appears once in a rule."),
            ),
            models.CheckConstraint(
                condition=models.Q(weight__gt=0),
                name="passthrough_localruleshare_weight_positive",
                violation_error_message=_("A kind's weight is greater than 0."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.weight}"


class SubAllocationPlan(models.Model):
    """How a region passes one posted run's CNY receipts on to its recipients (分配方案)."""

    class Method(models.TextChoices):
        AREA = "area", _("by area protected")
        SHARES = "shares", _("by fixed shares")
        PARCEL = "parcel", _("by parcel")
        RULE = "rule", _("by a published local rule")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        POSTED = "posted", _("approved and posted")
        REJECTED = "rejected", _("rejected")
        REVERSED = "reversed", _("reversed")

    run = models.ForeignKey(
        "compensation.SettlementRun",
        models.PROTECT,
        related_name="sub_allocations",
        verbose_name=pgettext_lazy("settlement run", "run"),
    )
    region = models.ForeignKey(
        Region, models.PROTECT, related_name="sub_allocations", verbose_name=_("region")
    )
    method = models.CharField(_("method"), max_length=8, choices=Method.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    total = MoneyField(_("total (CNY)"), help_text=_("The region's CNY receipts of the run."))
    rule = models.ForeignKey(
        LocalRule,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="plans",
        verbose_name=_("local rule"),
        help_text=_("By a local rule: the published version the plan applied."),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("proposed by")
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
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
    entry = models.ForeignKey(
        "ledger.JournalEntry",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ledger entry"),
    )
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reversed by"),
    )
    reversed_at = models.DateTimeField(_("reversed at"), null=True, blank=True)
    reversal_reason = models.TextField(_("reason for the reversal"), blank=True)
    reversal = models.ForeignKey(
        "ledger.JournalEntry",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reversing entry"),
    )

    class Meta:
        verbose_name = _("sub-allocation plan")
        verbose_name_plural = _("sub-allocation plans")
        ordering = ["-proposed_at", "-id"]
        permissions = [
            ("propose_suballocationplan", _("Can propose a sub-allocation plan")),
            ("approve_suballocationplan", _("Can approve or reject a sub-allocation plan")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(decided_by=models.F("proposed_by")),
                name="passthrough_plan_maker_is_not_checker",
                violation_error_message=_(
                    "The official who proposed the plan cannot also decide it (maker-checker)."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(status="proposed", decided_by__isnull=True)
                | (~models.Q(status="proposed") & models.Q(decided_by__isnull=False)),
                name="passthrough_plan_decision_has_decider",
                violation_error_message=_(
                    "A decided plan names who decided it; a pending one names nobody."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["posted", "reversed"], entry__isnull=False)
                | (~models.Q(status__in=["posted", "reversed"]) & models.Q(entry__isnull=True)),
                name="passthrough_plan_posted_has_entry",
                violation_error_message=_(
                    "A posted or reversed plan names its ledger entry; any other plan has none."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(
                    status="reversed",
                    reversal__isnull=False,
                    reversed_by__isnull=False,
                    reversed_at__isnull=False,
                )
                | (
                    ~models.Q(status="reversed")
                    & models.Q(reversal__isnull=True, reversed_by__isnull=True, reversed_at=None)
                ),
                name="passthrough_plan_reversed_has_reversal",
                violation_error_message=_(
                    "A reversed plan names its reversing entry, who reversed it and when; "
                    "any other plan none."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(total__gt=0), name="passthrough_plan_total_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(method="rule", rule__isnull=False)
                | (~models.Q(method="rule") & models.Q(rule__isnull=True)),
                name="passthrough_plan_rule_names_its_rule",
                violation_error_message=_(
                    "A plan by a local rule names the rule; any other plan none."
                ),
            ),
            # One plan waiting or posted per run and region; a rejected one may be redone.
            models.UniqueConstraint(
                fields=["run", "region"],
                condition=models.Q(status__in=["proposed", "posted"]),
                name="passthrough_one_live_plan_per_run_region",
                violation_error_message=_(
                    "This region already has a plan for this run waiting or posted."
                ),
            ),
        ]

    def __str__(self):
        return pgettext("sub-allocation plan", "#%(pk)s %(region)s, settlement run #%(run)s") % {
            "pk": self.pk,
            "region": self.region_id and self.region.code,
            "run": self.run_id,
        }


class SubAllocationLine(models.Model):
    """One recipient's part of a plan: its weight, exact amount, due date and sub-account."""

    plan = models.ForeignKey(
        SubAllocationPlan, models.CASCADE, related_name="lines", verbose_name=_("plan")
    )
    recipient = models.ForeignKey(
        Recipient, models.PROTECT, related_name="lines", verbose_name=_("recipient")
    )
    zone = models.ForeignKey(
        Zone,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("parcel"),
        help_text=_("By parcel: the zone this line pays for."),
    )
    weight = models.DecimalField(
        _("weight"),
        max_digits=20,
        decimal_places=6,
        help_text=_("Area protected (km²), share, or the parcel's area (km²)."),
    )
    amount = MoneyField(_("amount (CNY)"))
    due_date = models.DateField(_("due date"))
    account = models.CharField(_("ledger account"), max_length=128)

    class Meta:
        verbose_name = _("sub-allocation line")
        verbose_name_plural = _("sub-allocation lines")
        ordering = ["plan", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight__gt=0), name="passthrough_line_weight_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="passthrough_line_amount_not_negative"
            ),
            models.UniqueConstraint(
                fields=["plan", "recipient"],
                condition=models.Q(zone__isnull=True),
                name="passthrough_line_recipient_once",
                violation_error_message=_("A recipient appears once in a plan."),
            ),
            models.UniqueConstraint(
                fields=["plan", "zone"],
                condition=models.Q(zone__isnull=False),
                name="passthrough_line_parcel_once",
                violation_error_message=_("A parcel appears once in a plan."),
            ),
        ]

    def __str__(self):
        return gettext("%(recipient)s: %(amount)s yuan, due %(date)s") % {
            "recipient": self.recipient.code,
            "amount": self.amount,
            "date": self.due_date,
        }


class Payment(models.Model):
    """Evidence that money left for a recipient: a treasury payment voucher (国库集中支付凭证)
    or a bank receipt (银行回单), imported or entered by hand.

    `payee_code` is the recipient's code as the payer wrote it, `payee_account`
    the account credited; either identifies the recipient. Matched to the plan
    lines it settles by PaymentMatch, whole or in part.
    """

    class Kind(models.TextChoices):
        VOUCHER = "voucher", _("treasury payment voucher")
        BANK = "bank", _("bank receipt")

    region = models.ForeignKey(
        Region, models.PROTECT, related_name="payments", verbose_name=_("region")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    reference = models.CharField(
        _("reference"), max_length=64, help_text=_("The voucher's or receipt's number.")
    )
    paid_on = models.DateField(_("paid on"))
    amount = MoneyField(_("amount (CNY)"))
    payee_code = models.CharField(_("payee's recipient code"), max_length=32, blank=True)
    payee_account = models.CharField(_("payee's account"), max_length=40, blank=True)
    source = models.CharField(
        _("source"), max_length=200, help_text=_("The imported file's name, or “admin”.")
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("entered by")
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment evidence")
        verbose_name_plural = _("payment evidence")
        ordering = ["-paid_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="passthrough_payment_positive"
            ),
            models.UniqueConstraint(
                fields=["region", "kind", "reference"],
                name="passthrough_payment_reference_once",
                violation_error_message=_("This voucher or receipt number is already recorded."),
            ),
            models.CheckConstraint(
                condition=~models.Q(payee_code="", payee_account=""),
                name="passthrough_payment_names_payee",
                violation_error_message=_("Give the payee's recipient code or account."),
            ),
        ]

    def __str__(self):
        return gettext("%(kind)s %(reference)s: %(amount)s yuan") % {
            "kind": self.get_kind_display(),
            "reference": self.reference,
            "amount": self.amount,
        }


class PaymentMatch(models.Model):
    """The part of a payment that settles one plan line (核销); automatic or by an official."""

    payment = models.ForeignKey(
        Payment, models.PROTECT, related_name="matches", verbose_name=_("payment evidence")
    )
    line = models.ForeignKey(
        SubAllocationLine,
        models.PROTECT,
        related_name="matches",
        verbose_name=_("sub-allocation line"),
    )
    amount = MoneyField(_("amount (CNY)"))
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("matched by"),
        help_text=_("Empty: matched automatically."),
    )
    matched_at = models.DateTimeField(_("matched at"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment match")
        verbose_name_plural = _("payment matches")
        ordering = ["-matched_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="passthrough_match_positive"
            ),
            models.UniqueConstraint(
                fields=["payment", "line"],
                name="passthrough_match_once_per_payment_line",
                violation_error_message=_("This payment is already matched to this line."),
            ),
        ]

    def __str__(self):
        return gettext("%(reference)s → line %(line)s: %(amount)s yuan") % {
            "reference": self.payment.reference,
            "line": self.line_id,
            "amount": self.amount,
        }
