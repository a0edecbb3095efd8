"""Admin for the credit registry: projects, holders, batches, blocks, operations, sink tonnes.

Units move only through compensation.credits (which books their tonnes); the
registry's records are therefore read-only here, apart from projects and
holders, and the issuing action.
"""

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from compensation import credits
from compensation.admin.valuation import SYNTHETIC_FIGURES
from compensation.exceptions import CompensationError
from compensation.models import (
    CreditBlock,
    CreditHolder,
    CreditOperation,
    CreditProject,
    IssuanceBatch,
    Valuation,
)
from compensation.sinks import sink_report
from config.admin import (
    CheckedAutocompleteMixin,
    ReadOnlyAdminMixin,
    ReadOnlyInlineMixin,
    RoleActionsAdminMixin,
    role_action,
    role_view,
)
from pilots.admin_mixins import RegionScopedAdminMixin
from pilots.models import Region
from pilots.synthetic import synthetic_codes


@admin.register(CreditProject)
class CreditProjectAdmin(
    CheckedAutocompleteMixin, RoleActionsAdminMixin, RegionScopedAdminMixin, admin.ModelAdmin
):
    list_display = ["code", "name", "region", "programme", "buffer_share", "crediting_end"]
    list_filter = ["programme"]
    search_fields = ["code", "name", "region__name"]
    autocomplete_fields = ["region"]
    raw_id_fields = ["zones"]
    actions = ["issue_latest_vintage"]

    @role_action("move_credits", description=_("Issue credits for the latest valued year"))
    def issue_latest_vintage(self, request, queryset):
        for project in queryset.select_related("programme", "region"):
            valuation = (
                Valuation.objects.filter(programme=project.programme, current=True)
                .order_by("-year")
                .first()
            )
            if valuation is None:
                messages.error(request, _("%(project)s: no valuation yet.") % {"project": project})
                continue
            try:
                batch = credits.issue_batch(
                    project=project,
                    vintage=valuation.year,
                    idempotency_key=f"admin:issue:{project.pk}:{valuation.pk}",
                    on=valuation.created_at.date(),
                    by=request.user,
                )
            except CompensationError as exc:
                messages.error(request, f"{project.code}: {exc}")
            else:
                messages.success(
                    request,
                    _("%(batch)s: %(units)s units, %(buffer)s to the buffer pool.")
                    % {"batch": batch, "units": batch.units, "buffer": batch.buffer_units},
                )


@admin.register(CreditHolder)
class CreditHolderAdmin(CheckedAutocompleteMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "region"]
    list_filter = ["kind"]
    search_fields = ["name", "region__name"]
    autocomplete_fields = ["region"]


class BlockInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = CreditBlock
    fields = ["serial", "units", "holder", "status"]
    readonly_fields = fields


@admin.register(IssuanceBatch)
class IssuanceBatchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "vintage", "units", "buffer_units", "verified_tco2e", "issued_at"]
    list_filter = ["vintage", "project__programme", "project"]
    search_fields = ["project__code", "project__name"]
    inlines = [BlockInline]


@admin.register(CreditBlock)
class CreditBlockAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["serial", "units", "holder", "status"]
    list_filter = ["status", "holder__kind", "batch__vintage", "batch__project"]
    search_fields = ["holder__name", "batch__project__code"]
    list_select_related = ["batch__project", "holder"]

    def get_urls(self):
        return [
            path(
                "sinks/",
                role_view(self, "sink_report", self.sink_report_view),
                name="compensation_sink_report",
            ),
            *super().get_urls(),
        ]

    def sink_report_view(self, request):
        """Tonnes per region and vintage: available, claimed per channel, buffered, retired."""
        rows = sink_report()
        names = dict(
            Region.objects.filter(code__in={r.region_code for r in rows}).values_list(
                "code", "name"
            )
        )
        if synthetic_codes(names):
            messages.warning(request, SYNTHETIC_FIGURES)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Sink tonnes by region and vintage"),
            "rows": [(names.get(r.region_code, ""), r) for r in rows],
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/compensation/sink_report.html", context)


@admin.register(CreditOperation)
class CreditOperationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "kind",
        "batch",
        "first_unit",
        "last_unit",
        "from_holder",
        "to_holder",
        "price",
        "date",
    ]
    list_filter = ["kind", "batch__vintage", "batch__project"]
    search_fields = ["batch__project__code", "beneficiary", "reason", "idempotency_key"]
    date_hierarchy = "date"
