from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from config.constraints import explain_constraints


class LedgerConfig(AppConfig):
    """The books: a generic double-entry ledger (复式记账账簿). Imports no other app of ours."""

    name = "ledger"
    verbose_name = _("Ledger")

    def ready(self):
        explain_constraints(self)
