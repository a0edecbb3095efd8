"""Read-only admin for the books: nobody adds, changes or deletes here, not even superusers.

Period closes (结账) and reopenings (反结账) are proposed and decided through
ledger.periods on pages of their own (config.admin.MakerCheckerAdminMixin); balances from
bank or treasury statements are added through ledger.assertions and never changed.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from config.admin import (
    CheckedAutocompleteMixin,
    MakerCheckerAdminMixin,
    PageReadsMixin,
    ReadOnlyAdminMixin,
    ReadOnlyInlineMixin,
)
from formats.numbers import quantity
from ledger import assertions, naming, periods
from ledger.exceptions import BalanceAssertionRefused, PeriodActRefused
from ledger.models import Account, BalanceAssertion, JournalEntry, PeriodClose, Posting


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


class NamedAccountsMixin(PageReadsMixin):
    """Names each row's account in the reader's language (ledger.naming), every account of a
    changelist page at once; `account_code(row)` gives a row's account code."""

    def account_code(self, row) -> str:
        raise NotImplementedError

    def read_rows(self, rows):
        named = naming.names(self.account_code(row) for row in rows)
        for row in rows:
            row.account_label = named.get(self.account_code(row), "")


@admin.register(Account)
class AccountAdmin(NamedAccountsMixin, ReadOnlyAdmin):
    list_display = ["code", "named", "type", "commodity", "non_negative", "balance"]
    list_filter = ["type", "commodity", "non_negative"]
    search_fields = ["code", "name", "owner"]
    list_select_related = ["commodity"]
    readonly_fields = ["named"]

    def account_code(self, account) -> str:
        return account.code

    @admin.display(description=_("name"), ordering="code")
    def named(self, account):
        """In the reader's language where an app names the account; else as stored."""
        return self.page_read(account, "account_label") or account.name

    @admin.display(description=pgettext_lazy("ledger", "balance"))
    def balance(self, account):
        return quantity(account.balance, account.commodity_id)


@admin.display(description=_("amount"))
def posting_amount(posting):
    return posting.amount


class PostingInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = Posting
    fields = ["account", "commodity", posting_amount]
    readonly_fields = fields


@admin.register(JournalEntry)
class JournalEntryAdmin(PageReadsMixin, ReadOnlyAdmin):
    list_display = ["sequence", "effective_date", "described", "cause", "posted_by", "posted_at"]
    readonly_fields = ["described"]

    def read_rows(self, rows):
        """Describes every entry of the page at once (ledger.naming)."""
        described = naming.descriptions(rows)
        for entry in rows:
            entry.described_text = described.get(entry.pk)

    @admin.display(description=_("description"), ordering="description")
    def described(self, entry):
        """In the reader's language where an app describes the entry; else as stored (the
        stored description stays on the entry's page: it is what the hash covers)."""
        return self.page_read(entry, "described_text") or entry.description

    list_filter = ["effective_date"]
    search_fields = ["idempotency_key", "description", "cause"]
    date_hierarchy = "effective_date"
    inlines = [PostingInline]


@admin.register(Posting)
class PostingAdmin(NamedAccountsMixin, ReadOnlyAdmin):
    list_display = [
        "entry",
        "account",
        "account_named",
        "commodity",
        "effective_date",
        posting_amount,
    ]

    def account_code(self, posting) -> str:
        return posting.account.code

    @admin.display(description=_("account name"))
    def account_named(self, posting):
        return self.page_read(posting, "account_label") or posting.account.name

    list_filter = ["commodity", "effective_date"]
    search_fields = ["account__code", "entry__idempotency_key"]
    list_select_related = ["entry", "account", "commodity"]


class ProposePeriodActForm(forms.Form):
    action = forms.ChoiceField(label=_("action"), choices=PeriodClose.Action.choices)
    start = forms.DateField(label=_("first day"), help_text=_("For example 2024-01-01."))
    end = forms.DateField(label=_("last day"), help_text=_("For example 2024-12-31."))
    reason = forms.CharField(
        label=_("reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to reopen a period."),
    )


@admin.register(PeriodClose)
class PeriodCloseAdmin(MakerCheckerAdminMixin, ReadOnlyAdmin):
    list_display = ["__str__", "status", "proposed_by", "decided_by", "decided_at"]
    list_filter = ["action", "status"]
    date_hierarchy = "start"
    fields = [
        "action",
        "start",
        "end",
        "status",
        "reason",
        "proposed_by",
        "proposed_at",
        "decided_by",
        "decided_at",
    ]
    readonly_fields = fields
    list_select_related = ["proposed_by", "decided_by"]
    propose_button = "propose_period_close"
    decide_button = "decide_period_close"
    propose_form = ProposePeriodActForm
    propose_title = _("Close or reopen a period")
    proposed_message = _("Act %(id)s proposed; another finance official approves it.")
    form_id = "propose-period-act"
    submit_label = _("Propose")
    decide_labels = {"approve": _("Approve"), "reject": _("Reject")}
    refused = (PeriodActRefused,)

    def propose(self, request, cleaned_data):
        return periods.propose(by=request.user, **cleaned_data)

    def decide(self, record, action, by, reason):
        if action == "approve":
            periods.approve(record, by=by)
        else:
            periods.reject(record, by=by, reason=reason)

    def is_open(self, record):
        return record.status == PeriodClose.Status.PROPOSED


class BalanceAssertionForm(forms.ModelForm):
    class Meta:
        model = BalanceAssertion
        fields = ["account", "as_of", "expected", "source"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                assertions.check(by=self.user, **cleaned)
            except BalanceAssertionRefused as exc:
                raise forms.ValidationError(str(exc)) from None
        return cleaned


@admin.register(BalanceAssertion)
class BalanceAssertionAdmin(CheckedAutocompleteMixin, admin.ModelAdmin):
    """Added once through ledger.assertions (which checks role, places and the day), then
    history: nobody changes or deletes one."""

    form = BalanceAssertionForm
    list_display = ["account", "as_of", "expected", "books", "holds", "source", "entered_by"]
    list_filter = ["as_of"]
    search_fields = ["account__code", "account__name", "source"]
    list_select_related = ["account__commodity", "entered_by"]
    autocomplete_fields = ["account"]
    readonly_fields = ["entered_by", "entered_at"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)

        class WithUser(form):
            def __init__(self, *args, **kw):
                super().__init__(*args, user=request.user, **kw)

        return WithUser

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        """Stored by ledger.assertions, which checks again (the form checked with it)."""
        fields = {name: form.cleaned_data[name] for name in BalanceAssertionForm.Meta.fields}
        stored = assertions.record(by=request.user, **fields)
        obj.pk, obj.entered_by, obj.entered_at = stored.pk, stored.entered_by, stored.entered_at

    def get_queryset(self, request):
        """Each row with the books' balance on its day, in the list's one query."""
        return assertions.with_books_balance(super().get_queryset(request))

    @admin.display(description=_("balance in the books"))
    def books(self, assertion):
        return assertions.books_balance(assertion)

    @admin.display(description=_("holds"), boolean=True)
    def holds(self, assertion):
        return assertions.books_balance(assertion) == assertion.expected
