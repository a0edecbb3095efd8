"""Admin pieces shared by every app."""

from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import connection


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


class CheckedAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete widget, redisplaying only submitted values that can be keys.

    To show a refused form again the widget looks the submitted value up; a value
    that is not a key of the target ("NaN", "1.5", 10**30) made that lookup raise
    (ValueError, a 500) instead of the form showing its error. Such values are
    dropped from the redisplay; the form field still reports them.
    """

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [v for v in value if self._is_key(v)], attr)

    def _is_key(self, value) -> bool:
        remote = self.field.remote_field
        target = remote.model._meta.get_field(remote.field_name)
        try:
            key = target.get_prep_value(target.to_python(value))
        except (ValidationError, ValueError, TypeError):
            return False
        if isinstance(key, int):
            low, high = connection.ops.integer_field_range(target.get_internal_type())
            return (low is None or key >= low) and (high is None or key <= high)
        return True


class CheckedAutocompleteMixin:
    """For a ModelAdmin or inline with autocomplete_fields: CheckedAutocompleteSelect."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
