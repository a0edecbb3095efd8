"""Interface strings of third-party apps that ship no Chinese catalogue.

django-auditlog's admin (the audit trail auditors read) has no zh-hans
translation. Marked here, its strings stay in our catalogue when
`make messages-update` refreshes it, and Django finds them there: catalogues in
LOCALE_PATHS are searched before every app's own. Strings Django itself already
translates ("Home", "User", "log entry", ...) are left to Django.
"""

from django.utils.translation import gettext_noop

AUDITLOG = (
    gettext_noop("Audit log"),
    gettext_noop("Audit log: %s"),
    gettext_noop("Resource Type"),
    gettext_noop("Resource"),
    gettext_noop("Correlation ID"),
    gettext_noop("Click to filter by records with this correlation id"),
    gettext_noop("Created"),
    gettext_noop("create"),
    gettext_noop("update"),
    gettext_noop("delete"),
    gettext_noop("access"),
    gettext_noop("object pk"),
    gettext_noop("object representation"),
    gettext_noop("action"),
    gettext_noop("actor"),
    gettext_noop("actor email"),
    gettext_noop("remote address"),
    gettext_noop("remote port"),
    gettext_noop("timestamp"),
    gettext_noop("additional data"),
    gettext_noop("Created {repr:s}"),
    gettext_noop("Updated {repr:s}"),
    gettext_noop("Deleted {repr:s}"),
    gettext_noop("Logged {repr:s}"),
    gettext_noop("Field"),
    gettext_noop("From"),
    gettext_noop("To"),
    gettext_noop("Relationship"),
    gettext_noop("system"),
    gettext_noop("No field changes"),
    gettext_noop("No log entries found."),
)
