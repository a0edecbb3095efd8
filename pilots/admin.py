from django.contrib import admin

from pilots.models import Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    """Regions come from `load_regions`; officials browse them, nobody edits boundaries here."""

    list_display = ["code", "name", "level", "parent", "area_km2", "updated_at"]
    list_filter = ["level"]
    search_fields = ["code", "name", "name_en"]
    list_select_related = ["parent"]
    fields = ["code", "name", "name_en", "level", "parent", "area_km2", "source", "updated_at"]
    readonly_fields = ["code", "level", "parent", "area_km2", "source", "updated_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
