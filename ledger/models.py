"""The books: commodities, a chart of accounts, journal entries and their postings.

Invariants the database enforces (see ledger/sql/ and docs/decisions):
every entry balances per commodity at commit, postings and entries are never
updated or deleted, an idempotency key posts once, accounts flagged
non-negative never go negative, entries form one hash chain, and no entry is
dated in a closed period (PeriodClose).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ledger.amounts import from_minor
from ledger.fields import AmountField

GENESIS_HASH = "0" * 64


class Commodity(models.Model):
    """A unit of account with fixed precision: CNY (2 places), tCO2e (3 places)."""

    code = models.CharField(_("code"), max_length=16, primary_key=True)
    name = models.CharField(_("name"), max_length=64)
    decimal_places = models.PositiveSmallIntegerField(_("decimal places"))

    class Meta:
        verbose_name = _("commodity")
        verbose_name_plural = _("commodities")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decimal_places__lte=6), name="ledger_commodity_places_lte_6"
            )
        ]

    def __str__(self):
        return self.code


class Account(models.Model):
    """An account (账户) in a hierarchical chart of accounts, in one commodity."""

    class Type(models.TextChoices):
        ASSET = "asset", _("asset")
        LIABILITY = "liability", _("liability")
        EQUITY = "equity", _("equity")
        INCOME = "income", _("income")
        EXPENSE = "expense", _("expense")

    class NormalBalance(models.TextChoices):
        DEBIT = "debit", _("debit")
        CREDIT = "credit", _("credit")

    code = models.CharField(_("code"), max_length=128, unique=True)
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    type = models.CharField(_("type"), max_length=16, choices=Type.choices)
    normal_balance = models.CharField(
        _("normal balance"), max_length=6, choices=NormalBalance.choices
    )
    owner = models.CharField(
        _("owner"),
        max_length=128,
        blank=True,
        db_index=True,
        help_text=_("Opaque reference to who the account belongs to, e.g. region:341000."),
    )
    commodity = models.ForeignKey(Commodity, models.PROTECT, verbose_name=_("commodity"))
    non_negative = models.BooleanField(
        _("may not go negative"),
        default=False,
        help_text=_("The database refuses any posting that takes the balance below zero."),
    )
    balance_minor = models.BigIntegerField(
        _("balance (minor units, debit positive)"),
        default=0,
        editable=False,
        help_text=_("Maintained by the database from postings; never written directly."),
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    class Meta:
        verbose_name = pgettext_lazy("ledger", "account")
        verbose_name_plural = _("accounts")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(type__in=["asset", "liability", "equity", "income", "expense"]),
                name="ledger_account_type_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(normal_balance__in=["debit", "credit"]),
                name="ledger_account_normal_balance_valid",
            ),
        ]

    def __str__(self):
        """The code: the stored name is English, and pages name accounts in the reader's
        language themselves (ledger.naming)."""
        return self.code

    @property
    def sign(self) -> int:
        """+1 for debit-normal accounts, -1 for credit-normal: balance = sign × Σ postings."""
        return 1 if self.normal_balance == self.NormalBalance.DEBIT else -1

    @property
    def balance(self):
        return from_minor(
            self.sign * self.balance_minor, decimal_places=self.commodity.decimal_places
        )


class JournalEntry(models.Model):
    """A journal entry (记账凭证): two or more postings that balance per commodity."""

    sequence = models.BigIntegerField(_("sequence"), unique=True, editable=False)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    effective_date = models.DateField(_("effective date"), db_index=True)
    description = models.CharField(_("description"), max_length=500)
    cause = models.CharField(
        _("cause"),
        max_length=200,
        blank=True,
        db_index=True,
        help_text=_("Opaque reference to what caused the entry, e.g. settlement:12:transfer:7."),
    )
    posted_at = models.DateTimeField(_("posted at"))
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="ledger_entries",
        verbose_name=_("posted by"),
    )
    reverses = models.OneToOneField(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    content_digest = models.CharField(_("content digest"), max_length=64, editable=False)
    previous_hash = models.CharField(_("previous hash"), max_length=64, editable=False)
    hash = models.CharField(_("hash"), max_length=64, editable=False)
    # PostgreSQL checks an entry when its transaction commits, so entries are
    # inserted sealed there. SQLite has no deferred triggers: sealing is the
    # explicit moment its triggers check the entry (ledger/sql/*.sqlite.sql).
    sealed = models.BooleanField(_("sealed"), default=False, editable=False)

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        ordering = ["sequence"]

    def __str__(self):
        return f"#{self.sequence} {self.effective_date} {self.description}"


class Posting(models.Model):
    """One leg of an entry (分录): a signed amount on one account, debit positive."""

    # The posting trigger checks all three references per statement, in place of
    # per-row foreign keys (ledger/sql/0003_set_based_checks.postgresql.sql).
    entry = models.ForeignKey(
        JournalEntry,
        models.PROTECT,
        related_name="postings",
        verbose_name=_("entry"),
        db_constraint=False,
    )
    # Indexed by ledger_posting_account_date, whose first column is the account.
    account = models.ForeignKey(
        Account,
        models.PROTECT,
        related_name="postings",
        verbose_name=pgettext_lazy("ledger", "account"),
        db_index=False,
        db_constraint=False,
    )
    commodity = models.ForeignKey(
        Commodity,
        models.PROTECT,
        verbose_name=_("commodity"),
        db_index=False,
        db_constraint=False,
    )
    effective_date = models.DateField(_("effective date"))
    amount_minor = models.BigIntegerField(_("amount (minor units, debit positive)"))

    class Meta:
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        ordering = ["entry_id", "id"]
        indexes = [
            models.Index(
                fields=["account", "effective_date", "entry"], name="ledger_posting_account_date"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(amount_minor=0),
                name="ledger_posting_amount_nonzero",
                violation_error_message=_("A posting's amount cannot be zero."),
            ),
        ]

    def __str__(self):
        return f"{self.account.code} {self.amount}"

    @property
    def amount(self):
        return from_minor(self.amount_minor, decimal_places=self.commodity.decimal_places)


class ChainHead(models.Model):
    """The end of the hash chain: one row, locked by every posting transaction."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    last_sequence = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("hash chain head")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(id=1),
                name="ledger_chainhead_single_row",
                violation_error_message=_("The ledger has one chain head only."),
            )
        ]

    def __str__(self):
        return f"#{self.last_sequence} {self.last_hash}"


class PeriodClose(models.Model):
    """Closing (结账) or reopening (反结账) the books for the dates `start` to `end`.

    One finance official proposes, another approves or rejects (maker-checker). A
    period is closed while its latest approved act is a close; the database then
    refuses every journal entry dated in it (ledger/sql/0006_period_close.*.sql:
    LEDGER_CLOSED). Reopening is an act of its own, proposed with a reason and
    approved; decided acts are never changed or deleted.
    """

    class Action(models.TextChoices):
        CLOSE = "close", _("close the period")
        REOPEN = "reopen", _("reopen the period")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PROPOSED
    )
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    reason = models.TextField(_("reason"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("proposed by")
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved or rejected by"),
    )
    decided_at = models.DateTimeField(_("approved or rejected at"), null=True, blank=True)

    class Meta:
        verbose_name = _("period close")
        verbose_name_plural = _("period closes")
        ordering = ["-start", "-id"]
        permissions = [("approve_periodclose", _("Can approve or reject period closes"))]
        indexes = [models.Index(fields=["start", "end"], name="ledger_periodclose_dates")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__lte=models.F("end")),
                name="ledger_periodclose_start_before_end",
                violation_error_message=_("A period's first day comes before its last day."),
            ),
            models.CheckConstraint(
                condition=~models.Q(decided_by=models.F("proposed_by")),
                name="ledger_periodclose_maker_is_not_checker",
                violation_error_message=_(
                    "The official who proposed the act cannot also decide it (maker-checker)."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(status="proposed", decided_by__isnull=True, decided_at=None)
                | (
                    models.Q(status__in=["approved", "rejected"])
                    & models.Q(decided_by__isnull=False, decided_at__isnull=False)
                ),
                name="ledger_periodclose_decided_by_someone",
                violation_error_message=_("A decided act names who decided it and when."),
            ),
            models.UniqueConstraint(
                fields=["start", "end"],
                condition=models.Q(status="proposed"),
                name="ledger_periodclose_one_open_proposal",
                violation_error_message=_(
                    "An act on this period is already proposed; decide it first."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()} {self.start}–{self.end}"


class BalanceAssertion(models.Model):
    """An account's balance at the end of a day as a source outside the books gives it
    (a bank or treasury statement): verify_ledger reports each the postings do not give.

    `expected` is on the account's normal side, as account balances are shown, in the
    account's commodity and places (ledger.assertions checks them).
    """

    account = models.ForeignKey(
        Account,
        models.PROTECT,
        related_name="balance_assertions",
        verbose_name=pgettext_lazy("ledger", "account"),
    )
    as_of = models.DateField(_("balance at the end of"))
    expected = AmountField(_("expected balance"))
    source = models.CharField(
        _("source"),
        max_length=200,
        help_text=_("Where the balance comes from: the bank or treasury statement and its date."),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("entered by")
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("balance assertion")
        verbose_name_plural = _("balance assertions")
        ordering = ["-as_of", "account__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "as_of"],
                name="ledger_balanceassertion_one_per_day",
                violation_error_message=_("This account already has a balance for that day."),
            ),
        ]

    def __str__(self):
        return f"{self.account.code} {self.as_of} {self.expected}"
