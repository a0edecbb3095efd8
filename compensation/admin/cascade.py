"""Admin for the vertical cascade: allocation methods (draft → published), tiers, indicators.

A method is edited while it is a draft and published by ticking "published"; a published
method is history (the database refuses any change) and "new draft version" copies it.
"""

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from compensation.admin.channels import transfers_table
from compensation.channels import vertical
from compensation.models import (
    AllocationMethod,
    CascadeTier,
    MethodAdjustment,
    MethodFactor,
    RegionIndicator,
)
from config.admin import (
    CheckedAutocompleteMixin,
    DraftOnlyInline,
    RoleActionsAdminMixin,
    role_action,
)
from pilots.admin_mixins import RegionScopedAdminMixin


class FactorInline(DraftOnlyInline):
    model = MethodFactor
    fields = ["kind", "basis", "weight", "source"]


class AdjustmentInline(DraftOnlyInline):
    model = MethodAdjustment
    fields = ["change", "percent"]


@admin.register(AllocationMethod)
class AllocationMethodAdmin(CheckedAutocompleteMixin, RoleActionsAdminMixin, admin.ModelAdmin):
    """Drafts are edited freely; a published method is history. 'New draft' copies one."""

    list_display = ["name", "version", "issuer", "budget_cap", "illustrative", "published"]
    list_filter = ["published", "illustrative"]
    search_fields = ["name", "source", "issuer__name"]
    autocomplete_fields = ["issuer"]
    inlines = [FactorInline, AdjustmentInline]
    actions = ["new_draft_version"]
    PUBLISHED_FIELDS = (
        "name",
        "version",
        "issuer",
        "budget_cap",
        "illustrative",
        "source",
        "published",
    )

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.published:
            return [*self.PUBLISHED_FIELDS]
        return []

    def has_delete_permission(self, request, obj=None):
        return (obj is None or not obj.published) and super().has_delete_permission(request, obj)

    @role_action(
        "new_allocation_method_version",
        description=_("Make a new draft version from the selected methods"),
    )
    def new_draft_version(self, request, queryset):
        for method in queryset:
            with transaction.atomic():
                latest = AllocationMethod.objects.filter(name=method.name).aggregate(
                    v=Max("version")
                )["v"]
                draft = AllocationMethod.objects.create(
                    name=method.name,
                    version=latest + 1,
                    issuer=method.issuer,
                    budget_cap=method.budget_cap,
                    illustrative=method.illustrative,
                    source=method.source,
                )
                MethodFactor.objects.bulk_create(
                    MethodFactor(
                        method=draft, kind=f.kind, basis=f.basis, weight=f.weight, source=f.source
                    )
                    for f in method.factors.all()
                )
                MethodAdjustment.objects.bulk_create(
                    MethodAdjustment(method=draft, change=a.change, percent=a.percent)
                    for a in method.adjustments.all()
                )
            messages.success(request, _("Created draft %(method)s.") % {"method": draft})


@admin.register(CascadeTier)
class CascadeTierAdmin(CheckedAutocompleteMixin, admin.ModelAdmin):
    list_display = ["programme", "year", "level", "payer", "method"]
    list_filter = ["programme", "year", "level"]
    search_fields = ["programme__name", "payer__name", "method__name"]
    autocomplete_fields = ["payer", "method"]
    filter_horizontal = ["recipients"]
    readonly_fields = ["proposed_transfers"]

    @admin.display(description=_("proposed transfers (preview, nothing is posted)"))
    def proposed_transfers(self, tier):
        if tier.pk is None:
            return "-"
        return transfers_table(vertical.CHANNEL, tier.programme, tier.year)


@admin.register(RegionIndicator)
class RegionIndicatorAdmin(CheckedAutocompleteMixin, RegionScopedAdminMixin, admin.ModelAdmin):
    list_display = ["region", "year", "kind", "value", "source"]
    list_filter = ["year", "kind"]
    search_fields = ["region__code", "region__name", "source"]
    autocomplete_fields = ["region"]
