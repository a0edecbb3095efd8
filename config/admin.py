"""Admin pieces shared by every app."""


class ReadOnlyAdminMixin:
    """Records that are history or reference data: shown to whoever may view, edited by nobody."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInlineMixin:
    """An inline that lists history: no adding, changing or deleting rows."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RegionScopedAdminMixin:
    """Lists and object pages limited to the regions the user may see (config.access).

    `region_paths` name the region code(s) of a row, e.g. ("region__code",). An
    operator asking for another region's object gets "does not exist".
    """

    region_paths: tuple[str, ...] = ("region__code",)

    def get_queryset(self, request):
        from config.access import scoped

        return scoped(super().get_queryset(request), request.user, *self.region_paths)
