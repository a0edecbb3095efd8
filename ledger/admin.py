"""Read-only admin for the books: nobody adds, changes or deletes here, not even superusers."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from config.admin import ReadOnlyAdminMixin, ReadOnlyInlineMixin
from ledger.models import Account, JournalEntry, Posting


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "type", "commodity", "owner", "non_negative", "balance"]
    list_filter = ["type", "commodity", "non_negative"]
    search_fields = ["code", "name", "owner"]
    list_select_related = ["commodity"]

    @admin.display(description=pgettext_lazy("ledger", "balance"))
    def balance(self, account):
        return account.balance


@admin.display(description=_("amount"))
def posting_amount(posting):
    return posting.amount


class PostingInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = Posting
    fields = ["account", "commodity", posting_amount]
    readonly_fields = fields


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin):
    list_display = ["sequence", "effective_date", "description", "cause", "posted_by", "posted_at"]
    list_filter = ["effective_date"]
    search_fields = ["idempotency_key", "description", "cause"]
    date_hierarchy = "effective_date"
    inlines = [PostingInline]


@admin.register(Posting)
class PostingAdmin(ReadOnlyAdmin):
    list_display = ["entry", "account", "commodity", "effective_date", posting_amount]
    list_filter = ["commodity", "effective_date"]
    search_fields = ["account__code", "entry__idempotency_key"]
    list_select_related = ["entry", "account", "commodity"]
