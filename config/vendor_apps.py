"""Third-party apps as our officials read them: Chinese names and summaries where the app has none.

Listed in settings.INSTALLED_APPS in place of the apps' own configurations:

- django-axes and django-otp's TOTP plugin name no verbose name for their app (the admin
  showed "Axes" and "Otp_Totp"), and the TOTP device's model name is a plain string that
  no catalogue can translate: each is set here, in our catalogue's words.
- django-auditlog's admin writes its change summaries ("2 changes: status, error"), its
  correlation-id heading and its "system" actor in English, and lists resource types by
  their internal model names: its admin is registered again with those in the reader's
  language (model and field verbose names).

- django.contrib.auth's admin lists groups by their stored names, the English role names
  of config.roles: a group reads as its translated name wherever it is shown (list,
  title, breadcrumbs, filters, the user form), by its __str__. Permissions are
  stored with English names ("Can add zone", made by migrate from the model's raw name):
  the group and user forms label each in the reader's language (permission_label), and
  offer only those of our apps and the audit trail, the permissions a role can hold.

The strings these apps translate themselves, or that config/vendor_strings.py gives our
catalogue, are left as they are.
"""

from auditlog.apps import AuditlogConfig
from axes.apps import AppConfig as StockAxesConfig
from django.contrib.auth.apps import AuthConfig as StockAuthConfig
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.apps import DefaultConfig as StockTOTPConfig

# Changed fields an audit log's list row names before "…".
SUMMARY_FIELDS = 5


# Django's default permissions, by the action their codename starts with.
DEFAULT_PERMISSIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


def permission_label(permission) -> str:
    """ "app | model | action" in the reader's language: a default permission from its
    codename and the model's verbose name, one of ours (Meta.permissions, marked for
    translation) by its stored name through the catalogue."""
    content_type = permission.content_type
    model = content_type.model_class()
    action, _sep, model_name = permission.codename.partition("_")
    if model is not None and action in DEFAULT_PERMISSIONS and model_name == content_type.model:
        name = DEFAULT_PERMISSIONS[action] % {"model": model._meta.verbose_name}
    else:
        name = gettext(permission.name)
    return f"{content_type} | {name}"


def _permission_field(field):
    from config.roles import ALSO_VIEWED, OUR_APPS

    field.queryset = field.queryset.filter(
        content_type__app_label__in=[*OUR_APPS, *{app for app, _perm in ALSO_VIEWED}]
    )
    field.label_from_instance = permission_label
    return field


class AuthConfig(StockAuthConfig):
    def ready(self):
        super().ready()
        from django.contrib import admin
        from django.contrib.auth.admin import GroupAdmin, UserAdmin
        from django.contrib.auth.models import Group, User

        # The stored names are config.roles' msgids; any other group's name has none.
        Group.__str__ = lambda group: gettext(group.name)

        class RoleGroupAdmin(GroupAdmin):
            list_display = ["role"]

            @admin.display(description=_("name"), ordering="name")
            def role(self, group):
                return str(group)

            def formfield_for_manytomany(self, db_field, request, **kwargs):
                field = super().formfield_for_manytomany(db_field, request, **kwargs)
                return _permission_field(field) if db_field.name == "permissions" else field

        class RoleUserAdmin(UserAdmin):
            def formfield_for_manytomany(self, db_field, request, **kwargs):
                field = super().formfield_for_manytomany(db_field, request, **kwargs)
                if db_field.name == "user_permissions":
                    field = _permission_field(field)
                return field

        for model, model_admin in (
            (Group, RoleGroupAdmin),
            (User, RoleUserAdmin),
        ):
            admin.site.unregister(model)
            admin.site.register(model, model_admin)


class AxesConfig(StockAxesConfig):
    verbose_name = _("Login protection")


class TOTPConfig(StockTOTPConfig):
    verbose_name = _("Two-factor authentication")

    def ready(self):
        super().ready()
        device = self.get_model("TOTPDevice")._meta
        device.verbose_name = _("authenticator app (TOTP)")
        device.verbose_name_plural = _("authenticator apps (TOTP)")


class AuditConfig(AuditlogConfig):
    def ready(self):
        super().ready()
        from auditlog.admin import LogEntryAdmin
        from auditlog.filters import CIDFilter, ResourceTypeFilter
        from auditlog.models import LogEntry
        from auditlog.render import get_field_verbose_name
        from django.contrib import admin
        from django.contrib.contenttypes.models import ContentType

        class ResourceTypeByName(ResourceTypeFilter):
            """Resource types by their model name (结算, 行政区…), not "settlementrun"."""

            def lookups(self, request, model_admin):
                ids = model_admin.get_queryset(request).values_list("content_type_id", flat=True)
                types = ContentType.objects.filter(pk__in=ids.distinct())
                return sorted(((t.pk, capfirst(t.name)) for t in types), key=lambda c: c[1])

        # Build on the admin registered by then (compensation's audit trail: CSV export,
        # no deletion), so that reading better never drops what it enforces.
        registered = type(admin.site._registry.get(LogEntry, LogEntryAdmin(LogEntry, admin.site)))

        class ReadableLogEntryAdmin(registered):
            list_filter = ["action", ResourceTypeByName, CIDFilter]

            @admin.display(description=_("Changes"))
            def msg_short(self, obj):
                """ "2 处修改：状态、错误": the count and the changed fields' names."""
                if obj.action in (LogEntry.Action.DELETE, LogEntry.Action.ACCESS):
                    return ""
                changes = obj.changes_dict
                names = [str(get_field_verbose_name(obj, name)) for name in changes]
                shown = pgettext("list separator", ", ").join(names[:SUMMARY_FIELDS])
                if len(names) > SUMMARY_FIELDS:
                    shown += "…"
                return ngettext(
                    "%(count)d change: %(fields)s", "%(count)d changes: %(fields)s", len(changes)
                ) % {"count": len(changes), "fields": shown}

            @admin.display(description=_("User"))
            def user_url(self, obj):
                return super().user_url(obj) if obj.actor else gettext("system")

            @admin.display(description=_("Correlation ID"))
            def cid_url(self, obj):
                if obj.cid:
                    url = self._add_query_parameter("cid", obj.cid)
                    return format_html(
                        '<a href="{}" title="{}">{}</a>', url, self.CID_TITLE, obj.cid
                    )
                return None

        admin.site.unregister(LogEntry)
        admin.site.register(LogEntry, ReadableLogEntryAdmin)
