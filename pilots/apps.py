from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PilotsConfig(AppConfig):
    """Where: regions, pilot programmes, zones and land cover (试点区域)."""

    name = "pilots"
    verbose_name = _("Pilot regions")
