"""Admin for statements (download, verify) and the audit trail (browse, export as CSV)."""

import csv
import json

from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from compensation.models import Statement
from compensation.selectors import run_wide
from compensation.statements.verify import verify_file
from config.admin import ReadOnlyAdminMixin, RoleActionsAdminMixin, role_action, role_view
from formats import cells
from pilots.access import can_view_region
from pilots.admin_mixins import RegionScopedAdminMixin

MAX_UPLOAD = 20 * 1024 * 1024


class VerifyForm(forms.Form):
    file = forms.FileField(label=_("statement file (PDF, CSV or XLSX)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 20 MB; it is not a statement."))
        return upload


@admin.register(Statement)
class StatementAdmin(RegionScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["run", "region", "status", "short_digest", "issued_at", "downloads"]
    list_filter = ["status", "run__programme", "run"]
    search_fields = ["region__code", "region__name", "digest"]
    list_select_related = ["run__programme", "region"]
    fields = ["run", "region", "status", "digest", "ledger_hash", "issued_at", "error", "downloads"]
    readonly_fields = fields
    change_list_template = "admin/compensation/statement/change_list.html"

    def get_queryset(self, request):
        # Neither the run's summary nor the statement's content is shown in the list.
        return super().get_queryset(request).defer("data", *run_wide())

    def get_urls(self):
        return [
            path(
                "verify/",
                role_view(self, "verify_statement", self.verify_view),
                name="compensation_statement_verify",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("digest"))
    def short_digest(self, statement):
        return statement.digest[:16]

    @admin.display(description=_("download"))
    def downloads(self, statement):
        if statement.status != Statement.Status.ISSUED:
            return "-"
        return format_html_join(
            " ",
            '<a href="{}">{}</a>',
            (
                (reverse("statement_file", args=[statement.pk, fmt]), fmt.upper())
                for fmt in ("pdf", "csv", "xlsx")
            ),
        )

    def verify_view(self, request):
        """Auditors upload a statement and learn whether the ledger still gives it."""
        form = VerifyForm(request.POST or None, request.FILES or None)
        result = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            result = verify_file(upload.name, upload.read())
            statement = result.statement
            if statement is not None and not can_view_region(
                request.user, statement.region.code if statement.region_id else None
            ):
                raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Verify a statement"),
            "form": form,
            "result": result,
            "opts": self.model._meta,
        }
        # A refused upload (too large, no file) is a client error, shown on the same page.
        status = 400 if form.errors else 200
        return TemplateResponse(
            request, "admin/compensation/statement/verify.html", context, status=status
        )


admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class AuditTrailAdmin(RoleActionsAdminMixin, LogEntryAdmin):
    """The audit trail: read by auditors and officials, exported as CSV, changed by no one."""

    actions = ["export_csv"]

    def has_delete_permission(self, request, obj=None):
        return False

    @role_action("export_audit_trail", description=_("Export the selected entries as CSV"))
    def export_csv(self, request, queryset):
        class Echo:
            def write(self, value):
                return value

        writer = csv.writer(Echo())
        header = ["timestamp", "user", "action", "model", "object_id", "object", "changes"]

        def rows():
            yield "\ufeff" + writer.writerow(header)
            for entry in queryset.select_related("actor", "content_type").order_by("timestamp"):
                yield writer.writerow(
                    cells.row(
                        [
                            entry.timestamp.isoformat(),
                            entry.actor.get_username() if entry.actor_id else "",
                            entry.get_action_display(),
                            f"{entry.content_type.app_label}.{entry.content_type.model}",
                            entry.object_pk,
                            entry.object_repr,
                            json.dumps(entry.changes_dict, ensure_ascii=False, default=str),
                        ]
                    )
                )

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
        return response
