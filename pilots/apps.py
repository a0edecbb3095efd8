from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from config.constraints import explain_constraints


class PilotsConfig(AppConfig):
    """Where: regions, pilot programmes, zones and land cover (试点区域)."""

    name = "pilots"
    verbose_name = _("Pilot regions")

    def ready(self):
        explain_constraints(self)
