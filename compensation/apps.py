from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from config.constraints import explain_constraints


class CompensationConfig(AppConfig):
    """What it is worth and who pays: valuation, channels, settlement (生态保护补偿)."""

    name = "compensation"
    verbose_name = _("Ecological compensation")

    def ready(self):
        from compensation.parties import account_names, entry_descriptions
        from ledger import naming

        explain_constraints(self)
        naming.register(account_names)
        naming.register_entries(entry_descriptions)
