"""Admin pieces shared by every app: read-only records, checked autocompletes, role buttons."""

from functools import wraps

from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import (
    ImproperlyConfigured,
    PermissionDenied,
    ValidationError,
)
from django.db import connection

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
