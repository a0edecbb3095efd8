from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from config.constraints import explain_constraints


class ApiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = _("REST API")

    def ready(self):
        explain_constraints(self)
