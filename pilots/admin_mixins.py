"""Admin lists, object pages, sidebars and choices limited to the user's regions.

The admin face of pilots.access: every region-scoped ModelAdmin of every app
mixes in RegionScopedAdminMixin.
"""

from django.contrib.admin.filters import RelatedOnlyFieldListFilter
from django.core.exceptions import FieldDoesNotExist
from django.http import Http404

from pilots.access import scoped


class RegionScopedAdminMixin:
    """Lists, object pages, sidebars and choices limited to the user's regions (pilots.access).

    `region_paths` name the region code(s) of a row, e.g. ("region__code",). An
    operator asking for another region's object (its page, history or deletion)
    gets 404, as if it did not exist. A sidebar filter on a related object (region,
    run, project) offers only those of the rows listed; a form's choice of a related
    object whose admin is region-scoped offers only what that admin lists.
    """

    region_paths: tuple[str, ...] = ("region__code",)

    def get_queryset(self, request):
        return scoped(super().get_queryset(request), request.user, *self.region_paths)

    def get_object(self, request, object_id, from_field=None):
        found = super().get_object(request, object_id, from_field)
        if found is None:
            raise Http404
        return found

    def get_list_filter(self, request):
        return [self._only_listed(entry) for entry in super().get_list_filter(request)]

    def _only_listed(self, entry):
        if not isinstance(entry, str):
            return entry
        model, field = self.model, None
        for name in entry.split("__"):
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                return entry
            model = field.related_model
            if model is None:
                return entry
        return (entry, RelatedOnlyFieldListFilter) if field is not None else entry

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        self._limit_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        self._limit_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _limit_choices(self, db_field, request, kwargs):
        model = db_field.remote_field.model
        if "queryset" in kwargs or not self.admin_site.is_registered(model):
            return
        related = self.admin_site.get_model_admin(model)
        if isinstance(related, RegionScopedAdminMixin):
            kwargs["queryset"] = related.get_queryset(request)
