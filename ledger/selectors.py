"""Reading the books: balances as of a date, balances over time, trial balance, statements.

Current balances come from the account row the database maintains (O(1)).
Balances as of a date sum the postings through the (account, effective_date)
index, which holds the effective date copied from the entry so no join is
needed. See docs/decisions/2026-11-25-ledger-storage.md.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import BigIntegerField, Case, F, Sum, When, Window
from django.db.models.functions import Coalesce

from ledger.amounts import from_minor
from ledger.models import Account, Commodity, Posting


def _sum_minor(postings) -> int:
    return postings.aggregate(total=Coalesce(Sum("amount_minor"), 0))["total"]


def account_balance(*, account: Account, as_of: date | None = None) -> Decimal:
    """Balance on the account's normal side (positive = normal), optionally as of a date."""
    if as_of is None:
        minor = account.balance_minor
    else:
        minor = _sum_minor(Posting.objects.filter(account=account, effective_date__lte=as_of))
    return from_minor(account.sign * minor, decimal_places=account.commodity.decimal_places)


def owner_balances(*, owner: str, commodity: str, as_of: date | None = None) -> dict[str, Decimal]:
    """Each account of one owner in one commodity, with its normal-side balance."""
    accounts = Account.objects.select_related("commodity").filter(owner=owner, commodity=commodity)
    return {a.code: account_balance(account=a, as_of=as_of) for a in accounts}


def balance_series(
    *, commodity: str, owners: Iterable[str] | None = None, codes: Iterable[str] | None = None
) -> dict[str, list[tuple[date, Decimal]]]:
    """Balances over time, on the normal side, after every effective date with postings.

    Give `owners` for one series per owner (its accounts in `commodity` summed),
    or `codes` for one series per account; not both. Each posting counts on
    its account's normal side (a credit raises a credit-normal account), so
    an owner's series is the sum of its accounts' balances. Shape:
    {owner or code: [(effective date, balance), ...]} in date order, balances
    as Decimal with the Commodity row's places (CNY "1500.00"); an owner or
    code without postings is absent. Raises ValueError unless exactly one of
    `owners` and `codes` is given.
    """
    if (owners is None) == (codes is None):
        raise ValueError("balance_series takes owners or codes, not both or neither.")
    key, names = ("account__owner", owners) if owners is not None else ("account__code", codes)
    places = Commodity.objects.get(code=commodity).decimal_places
    normal_side = Case(
        When(account__normal_balance=Account.NormalBalance.CREDIT, then=-F("amount_minor")),
        default=F("amount_minor"),
        output_field=BigIntegerField(),
    )
    daily = (
        Posting.objects.filter(commodity_id=commodity, **{f"{key}__in": list(names)})
        .values(key, "effective_date")
        .annotate(total=Sum(normal_side))
        .order_by("effective_date", key)
    )
    series, running = defaultdict(list), defaultdict(int)
    for row in daily:
        running[row[key]] += int(row["total"])
        series[row[key]].append(
            (row["effective_date"], from_minor(running[row[key]], decimal_places=places))
        )
    return dict(series)


@dataclass(frozen=True)
class TrialBalanceLine:
    account: Account
    debit: Decimal
    credit: Decimal


def trial_balance(*, commodity: str, as_of: date | None = None) -> list[TrialBalanceLine]:
    """Every account with postings, its balance in the debit or the credit column.

    The debit column sums to the credit column: that is what double entry promises.
    """
    postings = Posting.objects.filter(commodity=commodity)
    if as_of is not None:
        postings = postings.filter(effective_date__lte=as_of)
    totals = dict(postings.values_list("account").annotate(total=Sum("amount_minor")))
    places = Commodity.objects.get(code=commodity).decimal_places
    zero = from_minor(0, decimal_places=places)
    lines = []
    for account in Account.objects.filter(id__in=totals).order_by("code"):
        amount = from_minor(abs(totals[account.id]), decimal_places=places)
        debit_side = totals[account.id] > 0
        lines.append(
            TrialBalanceLine(
                account, amount if debit_side else zero, zero if debit_side else amount
            )
        )
    return lines


@dataclass(frozen=True)
class StatementLine:
    effective_date: date
    sequence: int
    description: str
    amount: Decimal
    balance: Decimal


@dataclass(frozen=True)
class AccountStatement:
    account: Account
    opening: Decimal
    lines: list[StatementLine]
    closing: Decimal


def account_statement(*, account: Account, start: date, end: date) -> AccountStatement:
    """Lines between two dates (inclusive) with a running balance on the normal side."""
    places = account.commodity.decimal_places
    opening_minor = account.sign * _sum_minor(
        Posting.objects.filter(account=account, effective_date__lt=start)
    )
    rows = (
        Posting.objects.filter(account=account, effective_date__range=(start, end))
        .annotate(
            running=Window(
                Sum("amount_minor"),
                order_by=[F("effective_date").asc(), F("entry__sequence").asc(), F("id").asc()],
            ),
        )
        .order_by("effective_date", "entry__sequence", "id")
        .values_list(
            "effective_date", "entry__sequence", "entry__description", "amount_minor", "running"
        )
    )
    lines = [
        StatementLine(
            day,
            sequence,
            description,
            from_minor(account.sign * amount, decimal_places=places),
            from_minor(opening_minor + account.sign * running, decimal_places=places),
        )
        for day, sequence, description, amount, running in rows
    ]
    closing = lines[-1].balance if lines else from_minor(opening_minor, decimal_places=places)
    return AccountStatement(
        account, from_minor(opening_minor, decimal_places=places), lines, closing
    )


def commodity_totals(*, as_of: date | None = None) -> dict[str, int]:
    """Sum of all postings per commodity in minor units: zero for every commodity, always."""
    postings = Posting.objects.all()
    if as_of is not None:
        postings = postings.filter(effective_date__lte=as_of)
    return dict(postings.values_list("commodity").annotate(total=Sum("amount_minor")))


def owner_balances_at(*, owner: str, through_sequence: int) -> dict[str, Decimal]:
    """Each account of one owner, on its normal side, counting entries up to a sequence number.

    The books as they stood when that entry was posted, whatever came after.
    """
    totals = dict(
        Posting.objects.filter(account__owner=owner, entry__sequence__lte=through_sequence)
        .values_list("account")
        .annotate(total=Sum("amount_minor"))
        .order_by()
    )
    accounts = Account.objects.select_related("commodity").filter(pk__in=totals)
    return {
        a.code: from_minor(a.sign * totals[a.pk], decimal_places=a.commodity.decimal_places)
        for a in accounts
    }
