"""Market channel: the proceeds of credit sales in the period go to the sellers.

Issuing, transferring, retiring and cancelling units are registry operations
(compensation.credits) that book their tonnes when they happen; a sale records
its price and proceeds, and this channel settles the money: the buyer pays
the seller (a protector region, or a holder reselling).
"""

from django.utils.translation import gettext as _

from compensation import accounts
from compensation.channels.base import Pinned, pin
from compensation.models import CreditHolder, CreditOperation
from compensation.overrides import NO_OVERRIDES, Overrides
from compensation.periods import Period
from compensation.transfers import ProposedTransfer

CHANNEL = "market"


def plan(programme, period: Period, overrides: Overrides = NO_OVERRIDES) -> list[list]:
    """One scope, the whole period, for a pilot with a market; else none."""
    return [[]] if programme.market else []


def _sales(programme, period: Period):
    return CreditOperation.objects.filter(
        kind=CreditOperation.Kind.SELL,
        batch__project__programme=programme,
        date__gte=period.start,
        date__lte=period.end,
    )


def compute(programme, period: Period, overrides: Overrides, scope: list) -> list[ProposedTransfer]:
    """The period's sales (the one scope, []); sales are facts: a scenario changes nothing."""
    if not programme.market:
        return []
    sales = (
        _sales(programme, period)
        .select_related("batch__project", "from_holder__region", "to_holder")
        .order_by("date", "id")
    )
    transfers = []
    for sale in sales:
        seller = sale.from_holder
        if seller.kind == CreditHolder.Kind.PROTECTOR:
            payee, payee_region = (
                accounts.region_cny(seller.region.code, CHANNEL),
                seller.region.code,
            )
        else:
            payee, payee_region = accounts.holder_cny(seller.pk), ""
        serial = sale.batch.project.code
        transfers.append(
            ProposedTransfer(
                channel=CHANNEL,
                key=f"sale:{sale.pk}",
                payer_account=accounts.holder_cny(sale.to_holder_id),
                payee_account=payee,
                amount=sale.proceeds,
                description=f"Credit sale {serial} #{sale.batch.number} units "
                f"{sale.first_unit}–{sale.last_unit} to {sale.to_holder}",
                payee_region=payee_region,
                inputs={
                    "sale": sale.pk,
                    "date": sale.date.isoformat(),
                    "units": sale.units,
                    "price": str(sale.price),
                    "proceeds": str(sale.proceeds),
                    "vintage": sale.batch.vintage,
                    "first_unit": sale.first_unit,
                    "last_unit": sale.last_unit,
                },
            )
        )
    return transfers


def finish(
    programme, period: Period, overrides: Overrides, transfers: list[ProposedTransfer]
) -> list[ProposedTransfer]:
    """Sales settle as they are: nothing to do."""
    return transfers


def inputs(programme, period: Period, overrides: Overrides = NO_OVERRIDES) -> dict[str, Pinned]:
    """The period's sales, pinned (see channels.base.pin)."""
    if not programme.market:
        return {}
    return {
        "sales": pin(
            _("the credit sales of %(period)s") % {"period": period},
            _sales(programme, period),
        )
    }
