"""Admin pieces shared by every app: read-only records, checked autocompletes, role buttons,
and maker-checker acts (one official proposes, another decides)."""

from functools import wraps

from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import (
    ImproperlyConfigured,
    PermissionDenied,
    ValidationError,
)
from django.db import connection
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

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


class DraftOnlyInline(admin.TabularInline):
    """Rows of a record that is edited while a draft: once the record is `published`, its
    rows are shown and no longer added, changed or deleted."""

    extra = 0

    def _editable(self, obj):
        return obj is None or not obj.published

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


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


class PageReadsMixin:
    """What a list page's rows show beyond their columns (names, descriptions), read once
    for the whole page by `read_rows(rows)`, which sets it on each row; a row shown on its
    own page is read alone. `page_read(row, attribute)` returns it either way."""

    def read_rows(self, rows: list) -> None:
        raise NotImplementedError

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        self.read_rows(list(changelist.result_list))
        return changelist

    def page_read(self, row, attribute: str):
        if not hasattr(row, attribute):
            self.read_rows([row])
        return getattr(row, attribute)


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


class MakerCheckerAdminMixin:
    """An act one official proposes on a page of its own and another decides with the
    buttons of the record's "Next step" panel (each with its reason).

    URLs ``<app>_<model>_<propose_suffix>`` and ``<app>_<model>_decide``, each behind its button of
    config.roles.BUTTONS; the list links the proposal page for those who may press it.
    Set `propose_button`, `decide_button`, `propose_form` (a Form; given ``user=`` when
    `form_takes_user`), `propose_title`, `proposed_message` (``%(id)s``), `form_id`,
    `submit_label`, `decide_labels` ({action: label}) and `refused` (the exception types
    whose message is shown to the user); implement propose(request, cleaned_data) -> the
    record, decide(record, action, by, reason) and is_open(record), or open_actions(record)
    when the actions offered depend on the record's state.
    """

    change_form_template = "admin/maker_checker/change_form.html"
    change_list_template = "admin/maker_checker/change_list.html"
    propose_suffix = "propose"
    form_takes_user = False
    refused: tuple = ()

    def _url(self, suffix: str) -> str:
        return f"{self.model._meta.app_label}_{self.model._meta.model_name}_{suffix}"

    def get_urls(self):
        return [
            path(
                f"{self.propose_suffix}/",
                role_view(self, self.propose_button, self.propose_view),
                name=self._url(self.propose_suffix),
            ),
            path(
                "<int:object_id>/decide/",
                role_view(self, self.decide_button, self.decide_view),
                name=self._url("decide"),
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra = {**(extra_context or {}), "propose_label": self.propose_title}
        if may(request.user, self.propose_button):
            extra["propose_url"] = reverse(f"admin:{self._url(self.propose_suffix)}")
        return super().changelist_view(request, extra)

    def propose_view(self, request):
        extra = {"user": request.user} if self.form_takes_user else {}
        form = self.propose_form(request.POST or None, **extra)
        if request.method == "POST" and form.is_valid():
            try:
                record = self.propose(request, form.cleaned_data)
            except self.refused as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, self.proposed_message % {"id": record.pk})
                return redirect(f"admin:{self._url('change')}", record.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": self.propose_title,
            "form": form,
            "opts": self.model._meta,
            "form_id": self.form_id,
            "submit_label": self.submit_label,
        }
        return TemplateResponse(request, "admin/maker_checker/propose.html", context)

    def decide_view(self, request, object_id):
        record = get_object_or_404(self.get_queryset(request), pk=object_id)
        if request.method == "POST":
            action = request.POST.get("action")
            if action not in self.decide_labels:
                raise PermissionDenied
            try:
                self.decide(record, action, request.user, request.POST.get("reason", "").strip())
            except self.refused as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Done."))
        return redirect(f"admin:{self._url('change')}", record.pk)

    def open_actions(self, record) -> list[str]:
        """The actions of decide_labels offered on `record`: all of them while it is open."""
        return list(self.decide_labels) if self.is_open(record) else []

    def change_view(self, request, object_id, form_url="", extra_context=None):
        record = self.get_object(request, object_id)
        buttons = []
        if record is not None and may(request.user, self.decide_button):
            buttons = [(action, self.decide_labels[action]) for action in self.open_actions(record)]
        extra = {**(extra_context or {}), "decision_buttons": buttons}
        return super().change_view(request, object_id, form_url, extra_context=extra)
