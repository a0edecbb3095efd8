from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from config.constraints import explain_constraints


class SupervisionConfig(AppConfig):
    """Dynamic supervision (动态监管): change detection, alerts, evaluation reports, exports."""

    name = "supervision"
    verbose_name = _("Supervision")

    def ready(self):
        explain_constraints(self)
        from supervision import signals  # noqa: F401 - connects the receivers
