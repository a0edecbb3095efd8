from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from config.constraints import explain_constraints


class PassthroughConfig(AppConfig):
    """Recipients below the region and the plans that pass a region's receipts on to them."""

    name = "passthrough"
    verbose_name = _("Pass-through to recipients")

    def ready(self):
        from ledger import naming
        from passthrough.accounts import account_names, entry_descriptions

        explain_constraints(self)
        naming.register(account_names)
        naming.register_entries(entry_descriptions)
