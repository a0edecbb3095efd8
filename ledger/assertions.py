"""Balance assertions (余额核对): an account's balance at the end of a day as a source
outside the books gives it, such as a bank statement or the treasury's account statement.

    check(account, as_of, expected, source, by)  -> None, or raises
    record(account, as_of, expected, source, by) -> BalanceAssertion
    failures()                                   -> [AssertionFailure], by account and day
    with_books_balance(qs) / books_balance(row)  -> the books' balance on each day, one query
    expected_balance(row)                        -> the expected balance in the account's places

`expected` is a Decimal on the account's normal side (as account balances are shown), in
the account's commodity with at most its places (ledger.commodities.PLACES). The balance
the books give is the sum of the account's postings dated up to and including `as_of`.
Who may record one is config.roles (BUTTON assert_balance). verify_ledger reports every
failure; the verify_ledger command exits non-zero on one.

Errors: BalanceAssertionRefused, with a message in the user's language.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, QuerySet, Subquery, Sum
from django.utils.translation import gettext as _

from config.roles import may
from ledger.amounts import from_minor, to_minor
from ledger.exceptions import BalanceAssertionRefused, InvalidAmount
from ledger.models import Account, BalanceAssertion, Posting


@dataclass(frozen=True)
class AssertionFailure:
    account: str
    as_of: date
    expected: Decimal
    found: Decimal
    source: str

    def __str__(self):
        return _(
            "%(account)s at the end of %(day)s: %(source)s gives %(expected)s, the books "
            "give %(found)s."
        ) % {
            "account": self.account,
            "day": self.as_of.isoformat(),
            "source": self.source,
            "expected": self.expected,
            "found": self.found,
        }


def check(*, account: Account, as_of: date, expected, source: str, by) -> None:
    """Raise BalanceAssertionRefused unless `by` may record this assertion as given: the
    role may not, the source is blank, or the amount has more places than the account's
    commodity."""
    if not may(by, "assert_balance"):
        raise BalanceAssertionRefused(_("Your role may not record balances."))
    if not source.strip():
        raise BalanceAssertionRefused(_("Say where the balance comes from."))
    places = account.commodity.decimal_places
    try:
        to_minor(expected, decimal_places=places)
    except InvalidAmount:
        raise BalanceAssertionRefused(
            _("%(account)s is kept in %(commodity)s to %(places)d decimal places.")
            % {"account": account.code, "commodity": account.commodity_id, "places": places}
        ) from None


def record(*, account: Account, as_of: date, expected, source: str, by) -> BalanceAssertion:
    """Store that `account`'s balance at the end of `as_of` is `expected`, per `source`.

    Raises BalanceAssertionRefused as check() does, or when the account already has a
    balance for that day; nothing is stored then.
    """
    check(account=account, as_of=as_of, expected=expected, source=source, by=by)
    try:
        with transaction.atomic():
            return BalanceAssertion.objects.create(
                account=account,
                as_of=as_of,
                expected=expected,
                source=source.strip(),
                entered_by=by,
            )
    except IntegrityError:
        raise BalanceAssertionRefused(
            _("This account already has a balance for that day.")
        ) from None


def with_books_balance(assertions: QuerySet) -> QuerySet:
    """`assertions` annotated with `found_minor`: the sum of the account's postings dated up
    to and including the assertion's day, in minor units, debit positive (None: none)."""
    posted = (
        Posting.objects.filter(account=OuterRef("account"), effective_date__lte=OuterRef("as_of"))
        .values("account")
        .annotate(total=Sum("amount_minor"))
        .values("total")
    )
    return assertions.select_related("account__commodity").annotate(found_minor=Subquery(posted))


def books_balance(row: BalanceAssertion) -> Decimal:
    """The books' balance on the account's normal side for a row of with_books_balance()."""
    account = row.account
    return from_minor(
        account.sign * (row.found_minor or 0), decimal_places=account.commodity.decimal_places
    )


def expected_balance(row: BalanceAssertion) -> Decimal:
    """The row's expected balance with its account's commodity's places (CNY: 2)."""
    return row.expected.quantize(Decimal(1).scaleb(-row.account.commodity.decimal_places))


def failures() -> list[AssertionFailure]:
    """Every assertion the postings do not give, by account code and day (one query)."""
    rows = with_books_balance(BalanceAssertion.objects.order_by("account__code", "as_of"))
    found = []
    for row in rows:
        balance = books_balance(row)
        if balance != row.expected:
            found.append(
                AssertionFailure(
                    row.account.code, row.as_of, expected_balance(row), balance, row.source
                )
            )
    return found
