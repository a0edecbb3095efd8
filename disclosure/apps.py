from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from config.constraints import explain_constraints


class DisclosureConfig(AppConfig):
    """What the public sees (信息公开): released runs, agreements and pilot data, no login."""

    name = "disclosure"
    verbose_name = _("Public disclosure")

    def ready(self):
        explain_constraints(self)
