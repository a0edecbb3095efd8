"""Obligations (应付未付): what each posted plan line still owes, and what supervision flags.

Every line of a posted plan is owed its amount until matched payments cover
it (passthrough.payments). Read on a date `on`, a line whose due date has
passed is

    withheld        nothing paid (截留、拖欠)
    partially paid  some, not all, paid
    late            all paid, the last of it after the due date

and otherwise paid; a line not yet due is open until paid in full (status()). A
payment of the region whose payee (code or account) is none of the
region's recipients was paid to someone else (挪用). supervision.alerts raises
each once per line or payment.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from passthrough.models import Payment, PaymentMatch, Recipient
from passthrough.payments import lines_with_paid

WITHHELD, PARTIAL, LATE = "withheld", "partial", "late"
# A line not yet due and not paid in full, and a line paid in full by its due date.
OPEN, PAID = "open", "paid"
STATUSES = (OPEN, PAID, WITHHELD, PARTIAL, LATE)


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


def end_of(day: date) -> datetime:
    """The last instant of `day`, Beijing time (settings.TIME_ZONE): "by the end of `day`"
    is `<= end_of(day)` (defined for every date, date.max too)."""
    return timezone.make_aware(datetime.combine(day, time.max))


def obligations(on: date | None = None) -> QuerySet:
    """Lines of posted plans with `paid` (Σ matches, CNY, 2 places) and `last_paid_on` (the
    latest matched payment's date, None for none), oldest due first.

    With `on`, as they stood on that day: lines of plans approved by its end, and only
    payments paid by then counted (so status(line, on=on) is the status on that day).
    """
    matches = PaymentMatch.objects.all()
    if on is not None:
        matches = matches.filter(payment__paid_on__lte=on)
    last_paid = (
        matches.filter(line=OuterRef("pk"))
        .values("line")
        .annotate(last=Max("payment__paid_on"))
        .values("last")
    )
    lines = lines_with_paid(matches).annotate(last_paid_on=Subquery(last_paid))
    if on is not None:
        lines = lines.filter(plan__decided_at__lte=end_of(on))
    return lines.order_by("due_date", "pk")


def status(line, *, on: date) -> str:
    """One of STATUSES for a row of obligations() read on the date `on`.

    Due before `on`: withheld (nothing paid), partial (some), late (all, the last of it
    after the due date) or paid. Not yet due: open until paid in full, then paid.
    """
    if line.paid >= line.amount:
        late = line.amount > 0 and line.due_date < on and line.last_paid_on > line.due_date
        return LATE if late else PAID
    if line.due_date >= on:
        return OPEN
    return WITHHELD if line.paid == 0 else PARTIAL


def overdue(region, *, on: date) -> list[Overdue]:
    """The region's lines due before `on` that are withheld, partially paid or paid late."""
    found = []
    for line in obligations().filter(plan__region=region, due_date__lt=on, amount__gt=0):
        kind = status(line, on=on)
        if kind == PAID:
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


@dataclass(frozen=True)
class RecipientTotals:
    """What one recipient's lines of posted plans total (CNY): due, paid and still owed."""

    recipient: Recipient
    due: Decimal
    paid: Decimal

    @property
    def owed(self) -> Decimal:
        return self.due - self.paid


def by_recipient(region) -> list[RecipientTotals]:
    """The region's recipients with posted lines, by code, each with its totals (one query)."""
    totals = {}
    for line in obligations().filter(plan__region=region):
        due, paid = totals.get(line.recipient, (Decimal(0), Decimal(0)))
        totals[line.recipient] = (due + line.amount, paid + line.paid)
    return [
        RecipientTotals(recipient, due, paid)
        for recipient, (due, paid) in sorted(totals.items(), key=lambda item: item[0].code)
    ]


@dataclass(frozen=True)
class YearSummary:
    """A region's lines of posted plans due in one year, read on a date: CNY due and paid,
    and how many lines are in each of STATUSES."""

    year: int
    due: Decimal
    paid: Decimal
    lines: dict[str, int]

    @property
    def owed(self) -> Decimal:
        return self.due - self.paid

    @property
    def count(self) -> int:
        return sum(self.lines.values())


def due_in_year(region, year: int, *, on: date) -> YearSummary:
    """What the region's posted plans made due to its recipients in `year` (one query)."""
    due, paid, lines = Decimal("0.00"), Decimal("0.00"), dict.fromkeys(STATUSES, 0)
    for line in obligations().filter(plan__region=region, due_date__year=year):
        due += line.amount
        paid += line.paid
        lines[status(line, on=on)] += 1
    return YearSummary(year, due, paid, lines)


def due_years(region) -> set[int]:
    """The years in which the region's posted plans have lines due."""
    return {day.year for day in obligations().filter(plan__region=region).dates("due_date", "year")}


def paid_elsewhere(region) -> list[Payment]:
    """The region's payments whose payee is none of its recipients (by code or account)."""
    recipients = Recipient.objects.filter(region=region)
    known = Q(payee_code__in=recipients.values("code")) | Q(
        payee_account__in=recipients.exclude(bank_account="").values("bank_account")
    )
    return list(Payment.objects.filter(region=region).exclude(known).order_by("pk"))
