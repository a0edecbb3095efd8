"""Admin pieces shared by every app: read-only records, region scoping, buttons guarded by role."""

from functools import wraps

from django.contrib import admin
from django.contrib.admin.filters import RelatedOnlyFieldListFilter
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import (
    FieldDoesNotExist,
    ImproperlyConfigured,
    PermissionDenied,
    ValidationError,
)
from django.db import connection
from django.http import Http404

from config.access import scoped
from config.roles import BUTTONS, may


def _declared(button: str) -> None:
    if button not in BUTTONS:
        raise ImproperlyConfigured(f"{button!r} is not a button of config.roles.BUTTONS")


def role_action(button: str, *, description: str):
    """An admin action offered to, and run for, only users who `may` press `button` (BUTTONS).

    Its admin needs RoleActionsAdminMixin, which drops it from the list (and so refuses it
    when posted) for everyone else. ImproperlyConfigured at import for a button not in BUTTONS.
    """
    _declared(button)

    def decorate(func):
        func = admin.action(description=description)(func)
        func.button = button
        return func

    return decorate


class RoleActionsAdminMixin:
    """Offers each action only to users who may press its button; an action naming none is
    offered to nobody (Django's own delete_selected keeps its delete permission)."""

    def get_actions(self, request):
        return {
            name: entry
            for name, entry in super().get_actions(request).items()
            if (name == "delete_selected" and not hasattr(entry[0], "button"))
            or (hasattr(entry[0], "button") and may(request.user, entry[0].button))
        }


def role_view(model_admin, button: str, view):
    """`view` as an admin page that answers 403 unless the user `may` press `button` (BUTTONS).

    Wrapped by the admin site's admin_view (login, staff, CSRF) as every admin page is.
    """
    _declared(button)

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not may(request.user, button):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    page = model_admin.admin_site.admin_view(guarded)
    page.button = button
    return page


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
    """Lists, object pages, sidebars and choices limited to the user's regions (config.access).

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
