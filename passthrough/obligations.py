"""Obligations (应付未付): what each posted plan line still owes, and what supervision flags.

Every line of a posted plan is owed its amount until matched payments cover
it (passthrough.payments). Read on a date `on`, a line whose due date has
passed is

    withheld        nothing paid (截留、拖欠)
    partially paid  some, not all, paid
    late            all paid, the last of it after the due date

and a payment of the region whose payee (code or account) is none of the
region's recipients was paid to someone else (挪用). supervision.alerts raises
each once per line or payment.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Max, OuterRef, Q, Subquery

from passthrough.models import Payment, PaymentMatch, Recipient
from passthrough.payments import lines_with_paid

WITHHELD, PARTIAL, LATE = "withheld", "partial", "late"


@dataclass(frozen=True)
class Overdue:
    """A line past its due date not paid in full on time: the kind, the figures (CNY)."""

    kind: str
    line_id: int
    recipient_code: str
    due_date: date
    amount: Decimal
    paid: Decimal
    last_paid_on: date | None

    @property
    def owed(self) -> Decimal:
        return self.amount - self.paid


def overdue(region, *, on: date) -> list[Overdue]:
    """The region's lines due before `on` that are withheld, partially paid or paid late."""
    last_paid = (
        PaymentMatch.objects.filter(line=OuterRef("pk"))
        .values("line")
        .annotate(last=Max("payment__paid_on"))
        .values("last")
    )
    found = []
    lines = (
        lines_with_paid()
        .filter(plan__region=region, due_date__lt=on, amount__gt=0)
        .annotate(last_paid_on=Subquery(last_paid))
        .order_by("due_date", "pk")
    )
    for line in lines:
        if line.paid == 0:
            kind = WITHHELD
        elif line.paid < line.amount:
            kind = PARTIAL
        elif line.last_paid_on > line.due_date:
            kind = LATE
        else:
            continue
        found.append(
            Overdue(
                kind=kind,
                line_id=line.pk,
                recipient_code=line.recipient.code,
                due_date=line.due_date,
                amount=line.amount,
                paid=line.paid,
                last_paid_on=line.last_paid_on,
            )
        )
    return found


def paid_elsewhere(region) -> list[Payment]:
    """The region's payments whose payee is none of its recipients (by code or account)."""
    recipients = Recipient.objects.filter(region=region)
    known = Q(payee_code__in=recipients.values("code")) | Q(
        payee_account__in=recipients.exclude(bank_account="").values("bank_account")
    )
    return list(Payment.objects.filter(region=region).exclude(known).order_by("pk"))
