"""Admin for supervision: rules are edited by ecology officials; detections and alerts are
records, read-only for everyone, with the map of each change and an acknowledgement form."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from config.admin import CheckedAutocompleteMixin, ReadOnlyAdminMixin, ReadOnlyInlineMixin
from config.roles import may
from pilots.admin_mixins import RegionScopedAdminMixin
from supervision.alerts import describe
from supervision.maps import change_map
from supervision.models import Alert, AlertRule, ChangeDetection, Encroachment, Transition


@admin.register(AlertRule)
class AlertRuleAdmin(CheckedAutocompleteMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "region", "protected_kind", "threshold", "active"]
    list_filter = ["kind", "active", "protected_kind", "region"]
    search_fields = ["name", "region__code", "region__name"]
    autocomplete_fields = ["region"]


class EncroachmentInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = Encroachment
    fields = ["protected_kind", "area_ha", "developed_zone", "protected_zone"]
    readonly_fields = fields


class TransitionInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = Transition
    fields = ["from_code", "to_code", "area_ha"]
    readonly_fields = fields


@admin.register(ChangeDetection)
class ChangeDetectionAdmin(RegionScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["region", "subject", "compared", "sink_change", "computed_at"]
    list_filter = ["subject", "region"]
    search_fields = ["region__code", "region__name"]
    list_select_related = ["region", "before_version", "after_version"]
    fields = [
        "region",
        "subject",
        "before_version",
        "after_version",
        "before_year",
        "after_year",
        "areas",
        "methodology_version",
        "sink_before_tco2e",
        "sink_after_tco2e",
        "uncounted_codes",
        "computed_at",
        "change_map",
    ]
    readonly_fields = fields
    inlines = [EncroachmentInline, TransitionInline]

    @admin.display(description=_("compared"))
    def compared(self, obj):
        return obj.compared

    @admin.display(description=_("sink change (tCO2e)"))
    def sink_change(self, obj):
        return obj.sink_change_tco2e

    @admin.display(description=_("map of the change"))
    def change_map(self, obj):
        return change_map(obj.region, [(p.geometry, str(p)) for p in obj.encroachments.all()])


class AcknowledgedFilter(admin.SimpleListFilter):
    title = _("acknowledged")
    parameter_name = "acknowledged"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(acknowledged_at__isnull=self.value() == "no")
        return queryset


@admin.register(Alert)
class AlertAdmin(RegionScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["raised_at", "region", "rule", "year", "measured", "is_acknowledged"]
    list_filter = [AcknowledgedFilter, "rule__kind", "year", "region"]
    search_fields = ["region__code", "region__name", "rule__name", "comment"]
    list_select_related = ["region", "rule"]
    fields = [
        "region",
        "rule",
        "year",
        "message",
        "measured",
        "detection",
        "raised_at",
        "acknowledged_at",
        "acknowledged_by",
        "comment",
        "change_map",
    ]
    readonly_fields = fields
    change_form_template = "admin/supervision/alert/change_form.html"

    @admin.display(description=_("acknowledged"), boolean=True)
    def is_acknowledged(self, obj):
        return obj.acknowledged

    @admin.display(description=_("message"))
    def message(self, obj):
        return describe(obj)

    @admin.display(description=_("map of the change"))
    def change_map(self, obj):
        return change_map(obj.region, [(obj.geometry, describe(obj))])

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        context["can_acknowledge"] = (
            obj is not None and not obj.acknowledged and may(request.user, "acknowledge_alert")
        )
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)
