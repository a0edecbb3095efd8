"""Admin for the spatial registry: maps that work offline, filters by region, kind, version."""

from django.contrib import admin, messages
from django.contrib.gis.admin import GISModelAdmin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from config.admin import CheckedAutocompleteMixin, ReadOnlyAdminMixin, role_view
from pilots.admin_mixins import RegionScopedAdminMixin
from pilots.forms import SpatialUploadForm
from pilots.imports import ImportRejected, import_land_cover, import_zones
from pilots.models import (
    ImportBatch,
    LandCover,
    LandUseClass,
    OperatorAssignment,
    PilotMembership,
    PilotProgramme,
    PlanningVersion,
    Region,
    Zone,
)
from pilots.styles import ZONE_COLOURS
from pilots.widgets import OfflineMapWidget, ReadOnlyMapWidget

SYNTHETIC_PARCELS = _(
    "Synthetic demo data: parcels marked so were generated for the demo inside the real "
    "boundaries; they are not a land survey."
)


def _import_upload(data, user):
    upload = data["file"]
    common = {
        "name": upload.name,
        "data": upload.read(),
        "srid": data["srid"],
        "layer": data["layer"] or None,
        "encoding": data["encoding"] or None,
        "field_map": data["field_map"],
        "make_valid": data["make_valid"],
        "imported_by": user,
    }
    if data["kind"] == ImportBatch.Kind.ZONES:
        return import_zones(planning_version=data["planning_version"], **common)
    return import_land_cover(
        region=data["region"],
        default_scheme=data["scheme"],
        default_survey_year=data["survey_year"],
        **common,
    )


class MapAdmin(GISModelAdmin):
    gis_widget = OfflineMapWidget


class ReadOnlyGeometryMixin:
    """Show the geometry on the offline map, read-only, to everyone who may see the row.

    The form never carries the geometry (it arrives by import): `geometry` is shown
    through `geometry_map`, a read-only field, so a view-only user (an auditor, an
    operator, or anyone on a frozen row) sees the map too, not Django's dump of its
    coordinates.
    """

    def get_fields(self, request, obj=None):
        return [
            "geometry_map" if name == "geometry" else name
            for name in super().get_fields(request, obj)
        ]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "geometry_map"]

    @admin.display(description=_("geometry"))
    def geometry_map(self, obj):
        geometry = getattr(obj, "geometry", None)
        if geometry is None:
            return "—"
        widget = ReadOnlyMapWidget(attrs={"geom_type": geometry.geom_type.upper()})
        return widget.render("geometry", geometry, attrs={"id": "id_geometry"})

    @property
    def media(self):
        return super().media + ReadOnlyMapWidget().media


@admin.register(Region)
class RegionAdmin(RegionScopedAdminMixin, ReadOnlyGeometryMixin, MapAdmin):
    region_paths = ("code",)
    """Regions come from `load_regions`; officials browse them and may add an English name."""

    list_display = ["code", "name", "name_en", "level", "parent", "area_km2"]
    list_filter = ["level"]
    search_fields = ["code", "name", "name_en"]
    list_select_related = ["parent"]
    fields = ["code", "name", "name_en", "level", "parent", "area_km2", "source", "geometry"]
    readonly_fields = ["code", "name", "level", "parent", "area_km2", "source"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipInline(CheckedAutocompleteMixin, admin.TabularInline):
    model = PilotMembership
    fields = ["region", "derived_role", "role_override", "override_reason"]
    readonly_fields = ["derived_role"]
    autocomplete_fields = ["region"]
    extra = 0


@admin.register(PilotProgramme)
class PilotProgrammeAdmin(RegionScopedAdminMixin, admin.ModelAdmin):
    region_paths = ("regions__code",)
    list_display = [
        "name",
        "start_date",
        "end_date",
        "settlement_frequency",
        "status",
        "vertical",
        "horizontal",
        "market",
    ]
    list_filter = ["status", "settlement_frequency"]
    search_fields = ["name", "memberships__region__name", "memberships__region__code"]
    inlines = [MembershipInline]


class ZoneInline(admin.TabularInline):
    model = Zone
    fields = ["kind", "name", "area_km2", "feature_index"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PlanningVersion)
class PlanningVersionAdmin(CheckedAutocompleteMixin, RegionScopedAdminMixin, admin.ModelAdmin):
    list_display = ["region", "name", "version", "effective_from", "published"]
    list_filter = ["published", "region"]
    search_fields = ["name", "region__name", "region__code"]
    autocomplete_fields = ["region"]
    inlines = [ZoneInline]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.published:
            return ["region", "name", "version", "effective_from", "published"]
        return []


@admin.register(Zone)
class ZoneAdmin(RegionScopedAdminMixin, ReadOnlyGeometryMixin, MapAdmin):
    """Zones arrive by import; their geometry is shown, never edited by hand."""

    list_display = ["coloured_kind", "name", "region", "planning_version", "area_km2"]
    list_filter = ["kind", "protected", "region", "planning_version"]
    search_fields = ["name", "region__name", "region__code"]
    list_select_related = ["region", "planning_version__region"]
    fields = [
        "planning_version",
        "region",
        "kind",
        "name",
        "area_km2",
        "import_batch",
        "feature_index",
        "geometry",
    ]
    readonly_fields = [
        "planning_version",
        "region",
        "kind",
        "area_km2",
        "import_batch",
        "feature_index",
    ]

    @admin.display(description=_("kind"), ordering="kind")
    def coloured_kind(self, zone):
        return format_html(
            '<span style="border-left:1em solid {};padding-left:.4em">{}</span>',
            ZONE_COLOURS[zone.kind],
            zone.get_kind_display(),
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        frozen = obj is not None and obj.planning_version.published
        return not frozen and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        frozen = obj is not None and obj.planning_version.published
        return not frozen and super().has_delete_permission(request, obj)


@admin.register(LandUseClass)
class LandUseClassAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The classes of both schemes, named in the reader's language (both names are kept
    on the object's page and searched)."""

    list_display = ["scheme", "code", "name"]
    list_filter = ["scheme"]
    search_fields = ["code", "name_zh", "name_en"]

    @admin.display(description=_("name"), ordering="code")
    def name(self, land_use):
        chinese = (get_language() or "zh-hans").startswith("zh")
        return land_use.name_zh if chinese or not land_use.name_en else land_use.name_en


@admin.register(LandCover)
class LandCoverAdmin(RegionScopedAdminMixin, ReadOnlyGeometryMixin, MapAdmin):
    list_display = [
        "region",
        "land_use",
        "survey_code",
        "survey_year",
        "area_km2",
        "official_area_m2",
        "data",
        "source",
    ]
    list_filter = ["synthetic", "survey_year", "land_use__scheme", "land_use", "region"]
    search_fields = [
        "region__name",
        "region__code",
        "land_use__code",
        "survey_code",
        "identifier",
        "source",
    ]
    list_select_related = ["region", "land_use"]
    readonly_fields = [
        "region",
        "land_use",
        "survey_code",
        "survey_year",
        "area_km2",
        "identifier",
        "located_in",
        "owned_by",
        "official_area_m2",
        "deduction_code",
        "deduction_rate",
        "deduction_m2",
        "synthetic",
        "source",
        "import_batch",
        "feature_index",
    ]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("data"), ordering="synthetic")
    def data(self, cover):
        return _("Synthetic demo data") if cover.synthetic else _("survey")

    def changelist_view(self, request, extra_context=None):
        if self.get_queryset(request).filter(synthetic=True).exists():
            messages.warning(request, SYNTHETIC_PARCELS)
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        cover = self.get_object(request, object_id)
        if cover is not None and cover.synthetic:
            messages.warning(
                request,
                _("Synthetic demo data, generated inside the real boundary: not a land survey."),
            )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    change_list_template = "admin/pilots/importbatch/change_list.html"
    list_display = [
        "created_at",
        "kind",
        "file_name",
        "target",
        "status",
        "features",
        "imported_by",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["file_name", "target", "file_sha256"]
    fields = [
        "kind",
        "file_name",
        "file_sha256",
        "target",
        "status",
        "features",
        "problems",
        "imported_by",
        "created_at",
    ]
    readonly_fields = fields

    def get_urls(self):
        upload = path(
            "upload/",
            role_view(self, "upload_geodata", self.upload_view),
            name="pilots_importbatch_upload",
        )
        return [upload, *super().get_urls()]

    def upload_view(self, request):
        """Upload a zone or land-cover file; show the per-feature report when it is refused."""
        needed = {
            ImportBatch.Kind.ZONES: "pilots.add_zone",
            ImportBatch.Kind.LAND_COVER: "pilots.add_landcover",
        }
        form = SpatialUploadForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            if not request.user.has_perm(needed[form.cleaned_data["kind"]]):
                raise PermissionDenied
            try:
                batch = _import_upload(form.cleaned_data, request.user)
            except ImportRejected as exc:
                report = exc.report
                messages.error(request, _("The file was rejected; nothing was imported."))
            else:
                messages.success(
                    request,
                    _("Imported %(count)d feature(s) as batch #%(batch)d.")
                    % {"count": batch.features, "batch": batch.pk},
                )
                return redirect("admin:pilots_importbatch_change", batch.pk)
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "report": report,
            "title": _("Upload zones or land cover"),
            "opts": self.model._meta,
        }
        # A refused file is a client error: 400, with the form and the report on the page.
        status = 400 if form.errors or report else 200
        return TemplateResponse(
            request, "admin/pilots/importbatch/upload.html", context, status=status
        )

    @admin.display(description=_("problems"))
    def problems(self, batch):
        rows = batch.report.get("problems", [])
        if not rows:
            return "-"
        texts = ((f"#{p['feature']}: " if p["feature"] else "") + p["message"] for p in rows)
        items = format_html_join("", "<li>{}</li>", ((text,) for text in texts))
        return format_html("<ul>{}</ul>", items)


@admin.register(OperatorAssignment)
class OperatorAssignmentAdmin(CheckedAutocompleteMixin, admin.ModelAdmin):
    """Which regions a pilot operator sees; granted by finance officials."""

    list_display = ["user", "region", "granted_by", "granted_at"]
    list_filter = ["region"]
    search_fields = ["user__username", "region__code", "region__name"]
    autocomplete_fields = ["region"]
    raw_id_fields = ["user"]
    readonly_fields = ["granted_by", "granted_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)
