"""Admin for methodologies, prices and valuations: cited, versioned, read-only where history."""

from collections import defaultdict
from decimal import Decimal

from django.contrib import admin, messages
from django.db.models import Sum
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from compensation.maps import density_colour, svg_map
from compensation.models import (
    CarbonMarket,
    CarbonPrice,
    EmissionInventory,
    Methodology,
    MethodologyVersion,
    RegionPosition,
    SinkCoefficient,
    Valuation,
    ZoneOverlap,
)
from config.admin import (
    CheckedAutocompleteMixin,
    DraftOnlyInline,
    ReadOnlyAdminMixin,
    ReadOnlyInlineMixin,
    RoleActionsAdminMixin,
    role_action,
)
from pilots.admin_mixins import RegionScopedAdminMixin
from pilots.models import Zone
from pilots.synthetic import synthetic_codes


class VersionInline(admin.TabularInline):
    model = MethodologyVersion
    fields = ["version", "scheme", "unit", "valid_from", "valid_to", "published"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Methodology)
class MethodologyAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name", "description"]
    inlines = [VersionInline]


class CoefficientInline(DraftOnlyInline):
    model = SinkCoefficient
    fields = ["land_use_code", "value"]


@admin.register(MethodologyVersion)
class MethodologyVersionAdmin(RoleActionsAdminMixin, admin.ModelAdmin):
    """Drafts are edited freely; a published version is history. 'New version' copies one."""

    list_display = [
        "methodology",
        "version",
        "scheme",
        "unit",
        "valid_from",
        "valid_to",
        "published",
    ]
    list_filter = ["published", "unit", "scheme", "methodology"]
    search_fields = ["methodology__name", "citation"]
    inlines = [CoefficientInline]
    actions = ["new_draft_version"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.published:
            return [
                "methodology",
                "version",
                "scheme",
                "unit",
                "valid_from",
                "citation",
                "url",
                "published",
            ]
        return []

    def has_delete_permission(self, request, obj=None):
        return (obj is None or not obj.published) and super().has_delete_permission(request, obj)

    @role_action(
        "new_methodology_version", description=_("Make a new draft version from the selected ones")
    )
    def new_draft_version(self, request, queryset):
        for version in queryset:
            latest = version.methodology.versions.order_by("-version").first()
            draft = MethodologyVersion.objects.create(
                methodology=version.methodology,
                version=latest.version + 1,
                scheme=version.scheme,
                unit=version.unit,
                valid_from=version.valid_from,
                citation=version.citation,
                url=version.url,
            )
            SinkCoefficient.objects.bulk_create(
                SinkCoefficient(version=draft, land_use_code=c.land_use_code, value=c.value)
                for c in version.coefficients.all()
            )
            messages.success(request, _("Created draft %(version)s.") % {"version": draft})


class PriceInline(admin.TabularInline):
    model = CarbonPrice
    fields = ["date", "price", "source"]
    extra = 0


@admin.register(CarbonMarket)
class CarbonMarketAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "currency"]
    search_fields = ["code", "name"]
    inlines = [PriceInline]


@admin.register(CarbonPrice)
class CarbonPriceAdmin(admin.ModelAdmin):
    list_display = ["market", "date", "price", "source"]
    list_filter = ["market"]
    date_hierarchy = "date"
    search_fields = ["market__code", "source"]


@admin.register(EmissionInventory)
class EmissionInventoryAdmin(CheckedAutocompleteMixin, RegionScopedAdminMixin, admin.ModelAdmin):
    list_display = ["region", "year", "tco2e", "source"]
    list_filter = ["year"]
    search_fields = ["region__code", "region__name", "source"]
    autocomplete_fields = ["region"]


class PositionInline(admin.TabularInline):
    model = RegionPosition
    fields = [
        "region",
        "sink_tco2e",
        "emission_tco2e",
        "emission_reported",
        "net_tco2e",
        "increment_tco2e",
        "value_cny",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class OverlapInline(ReadOnlyInlineMixin, admin.TabularInline):
    """Where zones overlapped: the hectares counted once, in the higher-priority zone."""

    model = ZoneOverlap
    fields = ["region", "zone", "zone_kind", "counted_in", "counted_in_kind", "area_ha"]
    readonly_fields = fields
    verbose_name_plural = _("overlapping zones, each hectare counted once")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("region", "zone", "counted_in")

    @admin.display(description=_("kind of the lower-priority zone"))
    def zone_kind(self, overlap):
        return overlap.zone.get_kind_display()

    @admin.display(description=_("counted as"))
    def counted_in_kind(self, overlap):
        return overlap.counted_in.get_kind_display()


SYNTHETIC_FIGURES = _(
    "Synthetic demo data: the land cover behind these figures was generated for the demo "
    "inside the real boundaries; it is not a land survey."
)


def rests_on_synthetic(valuation) -> bool:
    """Whether a region the valuation covers has synthetic land cover (pilots/synthetic.py)."""
    return bool(synthetic_codes(valuation.positions.values_list("region__code", flat=True)))


@admin.register(Valuation)
class ValuationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Valuations are made by `valuate`; here they are read, never edited."""

    list_display = [
        "programme",
        "year",
        "methodology_version",
        "price",
        "adjustment",
        "current",
        "data",
        "created_at",
    ]
    list_filter = ["current", "year", "programme"]
    search_fields = ["programme__name", "input_hash"]
    fields = [
        "programme",
        "year",
        "methodology_version",
        "price",
        "adjustment",
        "current",
        "supersedes",
        "inputs",
        "code_version",
        "input_hash",
        "created_by",
        "created_at",
        "breakdown",
        "sink_map",
    ]
    readonly_fields = fields
    inlines = [PositionInline, OverlapInline]

    @admin.display(description=_("data"))
    def data(self, valuation):
        return _("Synthetic demo data") if rests_on_synthetic(valuation) else _("survey")

    def changelist_view(self, request, extra_context=None):
        covered = RegionPosition.objects.filter(valuation__in=self.get_queryset(request))
        if synthetic_codes(covered.values_list("region__code", flat=True).distinct()):
            messages.warning(request, SYNTHETIC_FIGURES)
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        valuation = self.get_object(request, object_id)
        if valuation is not None and rests_on_synthetic(valuation):
            messages.warning(request, SYNTHETIC_FIGURES)
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("tonnes by region and land-use class"))
    def breakdown(self, valuation):
        rows = (
            valuation.lines.values("region__code", "region__name", "protected", "land_use_code")
            .annotate(area=Sum("area_ha"), tonnes=Sum("tco2e"))
            .order_by("region__code", "-protected", "land_use_code")
        )
        return format_html(
            "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>",
            _("region"),
            _("zones"),
            _("land-use code"),
            _("area (ha)"),
            _("tCO2e"),
            format_html_join(
                "",
                "<tr><td>{} {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                (
                    (
                        r["region__code"],
                        r["region__name"],
                        _("protected") if r["protected"] else _("developed"),
                        r["land_use_code"],
                        r["area"],
                        r["tonnes"],
                    )
                    for r in rows
                ),
            ),
        )

    @admin.display(description=_("zones by sink density (tCO2e per ha)"))
    def sink_map(self, valuation):
        per_zone = defaultdict(lambda: [Decimal(0), Decimal(0)])
        for zone_id, area, tonnes in valuation.lines.values_list("zone_id", "area_ha", "tco2e"):
            per_zone[zone_id][0] += area
            per_zone[zone_id][1] += tonnes
        density = {z: float(t / a) if a else 0.0 for z, (a, t) in per_zone.items()}
        top = max(density.values(), default=0.0)
        zones = Zone.objects.filter(pk__in=density).select_related("region")
        shapes = [
            (
                zone.geometry,
                density_colour(density[zone.pk], top),
                f"{zone.region.name} {zone.get_kind_display()}: {density[zone.pk]:.2f} tCO2e/ha",
            )
            for zone in zones
        ]
        return svg_map(shapes, label=_("Zones by sink density (tCO2e per ha)"))
