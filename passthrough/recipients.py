"""Who may see and keep which recipients, and the checks every surface makes before storing one.

Operators see and keep their own regions' recipients; officials and auditors
see every region's. A recipient's personal details (holder's name, bank
account) are shown only to users who may press `see_recipient_details`
(config/roles.py: finance officials and operators); everyone else sees the
code, kind and name.
"""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from config.roles import may
from passthrough.exceptions import RecipientRefused
from passthrough.models import Recipient
from pilots.access import can_view_region, scoped

PERSONAL_FIELDS = ("holder_name", "bank_account")


def recipients_visible_to(user) -> QuerySet:
    """The recipients of the regions `user` sees (pilots.access); none for anyone else."""
    return scoped(Recipient.objects.select_related("region"), user, "region__code")


def shows_details(user) -> bool:
    """Whether `user` sees recipients' personal details (holder's name, bank account)."""
    return may(user, "see_recipient_details")


def masked_account(account: str) -> str:
    """A bank account shown to anyone: its last 4 characters, the rest starred."""
    return "*" * max(len(account) - 4, 0) + account[-4:]


def check_recipient(*, user, region, zones=()) -> None:
    """Refuse a recipient `user` may not keep in `region`, or tied to another region's zones.

    Raises RecipientRefused with a message naming the problem; the admin form and
    the API call this before saving.
    """
    if region is None or not can_view_region(user, region.code):
        raise RecipientRefused(_("You may keep recipients of your own regions only."))
    strangers = sorted(str(zone.pk) for zone in zones if zone.region_id != region.pk)
    if strangers:
        raise RecipientRefused(
            _("Zones %(zones)s are not in %(region)s.")
            % {"zones": ", ".join(strangers), "region": region.name}
        )
