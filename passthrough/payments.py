"""Payment evidence (支付凭证) and matching it to the plan lines it settles (核销).

Evidence is a treasury payment voucher or a bank receipt: region, kind,
reference, date paid, amount (CNY, to the fen), and the payee as a recipient
code or an account. It is entered in the admin or imported from CSV/XLSX
(`import_payments`: all or nothing, a report per row, the cells read as every
import reads them, compensation/tables.py).

Matching: a line of a posted plan is owed its amount until matches cover it.
`auto_match` matches a payment where only one line can be meant: the lines of
its region's posted plans whose recipient is the payee (by code, or by bank
account) and still owed; if there are several, the one owed exactly what is
left of the payment. (A payment dated before the plan's approval may settle
it: counties often pay on the agreed plan before the paperwork is approved.) A payment larger
than the line settles the line and keeps the rest; a smaller one is a partial
payment. Everything else waits for `match_manually` by an official.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from compensation.imports import decimal_cell, text_problem
from compensation.tables import read_table
from config import bulk, failpoints
from config.roles import may
from ledger.fields import MoneyField
from passthrough.exceptions import PassThroughError
from passthrough.models import Payment, PaymentMatch, SubAllocationLine, SubAllocationPlan
from pilots.access import can_view_region, scoped
from pilots.imports import ImportRejected, ImportReport
from pilots.readers import FileRejected

ZERO = Decimal("0.00")
MONEY = MoneyField()
# Header names of each column, as they read after NFKC, lower-casing and without spaces.
COLUMN_NAMES = {
    "kind": "kind",
    "类型": "kind",
    "凭证类型": "kind",
    "reference": "reference",
    "凭证号": "reference",
    "编号": "reference",
    "paid_on": "paid_on",
    "支付日期": "paid_on",
    "日期": "paid_on",
    "amount": "amount",
    "金额": "amount",
    "金额(元)": "amount",
    "payee_code": "payee_code",
    "收款人编码": "payee_code",
    "payee_account": "payee_account",
    "收款账号": "payee_account",
}
KIND_NAMES = {
    "voucher": Payment.Kind.VOUCHER,
    "国库集中支付凭证": Payment.Kind.VOUCHER,
    "支付凭证": Payment.Kind.VOUCHER,
    "bank": Payment.Kind.BANK,
    "银行回单": Payment.Kind.BANK,
    "回单": Payment.Kind.BANK,
}
REQUIRED = {"kind", "reference", "paid_on", "amount"}


class PaymentRefused(PassThroughError):
    """A payment or a match is refused: wrong region or user, more than is left, not posted."""


def _paid(field: str, matches=None):
    """Σ matched amount of the row's `matches` (all by default; 0.00 for none), as a
    subquery on `field`."""
    matches = PaymentMatch.objects.all() if matches is None else matches
    return Coalesce(
        Subquery(
            matches.filter(**{field: OuterRef("pk")})
            .values(field)
            .annotate(total=Sum("amount"))
            .values("total")
        ),
        Value(ZERO),
        output_field=MONEY,
    )


def lines_with_paid(matches=None) -> QuerySet:
    """Lines of posted plans, each with `paid` (Σ of its `matches`, all by default; CNY) and
    `owed` (amount − paid)."""
    return (
        SubAllocationLine.objects.filter(plan__status=SubAllocationPlan.Status.POSTED)
        .annotate(paid=_paid("line", matches))
        .annotate(owed=ExpressionWrapper(F("amount") - F("paid"), output_field=MONEY))
        .select_related("plan", "recipient")
    )


def payments_with_matched() -> QuerySet:
    """Payments, each with `matched` (Σ of its matches, CNY)."""
    return Payment.objects.annotate(matched=_paid("payment")).select_related("region")


def payments_visible_to(user) -> QuerySet:
    return scoped(payments_with_matched(), user, "region__code")


def _require(user, region) -> None:
    if not may(user, "record_payments") or not can_view_region(user, region.code):
        raise PaymentRefused(_("You may record payments of your own regions only."))


MATCH_COLUMNS = ["payment_id", "line_id", "amount", "matched_at"]
CHUNK = 10_000  # ids per IN list: within SQLite's bound on parameters of one statement


def _chunks(ids: list[int]):
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _payees(rows) -> Q:
    """Lines of posted plans of these payments' regions whose recipient's code or account is
    a payee of one of them (a superset: a code of one region may match in another); for
    more payees than CHUNK, every posted line of the regions."""
    regions, codes, accounts = set(), set(), set()
    for _pk, region, code, account, _left in rows:
        regions.add(region)
        if code:
            codes.add(code)
        if account:
            accounts.add(account)
    lines = Q(plan__status=SubAllocationPlan.Status.POSTED, plan__region__in=regions)
    if len(codes) + len(accounts) > CHUNK:
        return lines
    return lines & (Q(recipient__code__in=codes) | Q(recipient__bank_account__in=accounts))


def _lock_and_read(ids: list[int]):
    """Lock the payments `ids`, then every posted line they may settle, each in pk order;
    then read what each payment has left and what each line is owed.

    All payments before any line, as match_manually (payment, then line) does, so
    auto_match and match_manually wait for each other rather than deadlock; lines in
    pk order, so two auto_matches over the same lines queue rather than deadlock. The
    figures are read after the locks, in statements of their own, so they include any
    concurrent match committed meanwhile.

    Returns the payments as (pk, region id, payee code, payee account, left), in pk
    order, and the lines as {(region id, "code" or "account", value): [[owed, due date,
    pk], ...]}, each list oldest due first.
    """
    for chunk in _chunks(ids):
        list(
            Payment.objects.select_for_update()
            .filter(pk__in=chunk)
            .order_by("pk")
            .values_list("pk")
        )
    rows = []
    for chunk in _chunks(ids):
        read = payments_with_matched().filter(pk__in=chunk).order_by("pk")
        for pk, region, code, account, amount, matched in read.values_list(
            "pk", "region_id", "payee_code", "payee_account", "amount", "matched"
        ):
            rows.append((pk, region, code, account, amount - matched))
    if not rows:
        return rows, {}
    lines = _payees(rows)
    list(
        SubAllocationLine.objects.select_for_update(of=("self",))
        .filter(lines)
        .order_by("pk")
        .values_list("pk")
    )
    by_payee = {}
    read = lines_with_paid().filter(lines).order_by("due_date", "pk")
    for pk, region, due, owed, code, account in read.values_list(
        "pk", "plan__region_id", "due_date", "owed", "recipient__code", "recipient__bank_account"
    ):
        line = [owed, due, pk]
        by_payee.setdefault((region, "code", code), []).append(line)
        if account:
            by_payee.setdefault((region, "account", account), []).append(line)
    return rows, by_payee


def auto_match(payments) -> int:
    """Match each payment where one line only can be meant; returns how many matches it made.

    In pk order, each payment's candidates are the lines of its region's posted plans
    whose recipient is its payee (by code, or by account) and still owed, oldest due
    first; of several, those owed exactly what the payment has left. One candidate:
    the payment settles min(left, owed) of it, and the next payment sees the line
    owed that much less. The payments and lines are locked first (_lock_and_read);
    the matches are stored together (config.bulk: COPY on PostgreSQL).
    """
    with transaction.atomic():
        rows, by_payee = _lock_and_read(sorted({p.pk for p in payments}))
        made, now = [], timezone.now()
        for pk, region, code, account, left in rows:
            if left <= 0:
                continue
            found = by_payee.get((region, "code", code), []) if code else []
            if account:
                found = found + by_payee.get((region, "account", account), [])
            candidates = sorted({id(c): c for c in found if c[0] > 0}.values(), key=_due_first)
            if len(candidates) > 1:
                candidates = [c for c in candidates if c[0] == left]
            if len(candidates) != 1:
                continue
            line = candidates[0]
            amount = min(left, line[0])
            line[0] -= amount
            made.append((pk, line[2], amount, now))
        if made:
            failpoints.pause("passthrough.auto_match")
            bulk.insert_values(PaymentMatch, MATCH_COLUMNS, made)
        return len(made)


def _due_first(line):
    _owed, due, pk = line
    return due, pk


def check_match(*, payment: Payment, line: SubAllocationLine | None, amount, by) -> None:
    """Refuse a manual match `by` may not make; the admin form asks before match_manually.

    Raises PaymentRefused (no permission or region, line of another region or
    not posted, amount not above 0 or above what the payment has left or the
    line is owed).
    """
    if not may(by, "match_payments") or not can_view_region(by, payment.region.code):
        raise PaymentRefused(_("You may match payments of your own regions only."))
    payment = payments_with_matched().get(pk=payment.pk)
    line = lines_with_paid().filter(pk=getattr(line, "pk", None)).first()
    if line is None or line.plan.region_id != payment.region_id:
        raise PaymentRefused(_("Match a payment to a line of a posted plan of the same region."))
    most = min(payment.amount - payment.matched, line.amount - line.paid)
    if amount is None or not ZERO < amount <= most:
        raise PaymentRefused(
            _(
                "Match more than 0 and at most %(most)s CNY (what the payment has left and "
                "the line is owed)."
            )
            % {"most": most}
        )


def match_manually(*, payment: Payment, line: SubAllocationLine, amount: Decimal, by):
    """Match `amount` of `payment` to `line`, by an official of the payment's region.

    Both rows are locked, then check_match decides; raises PaymentRefused as it
    does, or for a payment already matched to this line; nothing is stored then.
    """
    with transaction.atomic():
        Payment.objects.select_for_update().filter(pk=payment.pk).exists()
        SubAllocationLine.objects.select_for_update().filter(pk=line.pk).exists()
        check_match(payment=payment, line=line, amount=amount, by=by)
        try:
            with transaction.atomic():
                return PaymentMatch.objects.create(
                    payment=payment, line=line, amount=amount, matched_by=by
                )
        except IntegrityError:
            raise PaymentRefused(_("This payment is already matched to this line.")) from None


def record_payment(*, by, region, **fields) -> Payment:
    """Store one payment entered by hand (admin) and match it if unambiguous.

    `fields`: kind, reference, paid_on, amount, payee_code, payee_account.
    Raises PaymentRefused, or ValidationError (the model's own checks).
    """
    _require(by, region)
    payment = Payment(region=region, entered_by=by, source="admin", **fields)
    payment.full_clean()
    with transaction.atomic():
        payment.save()
        auto_match([payment])
    return payment


@dataclass
class Imported:
    payments: list[Payment]
    matched: int  # how many matches auto_match made


def _is_header(cells: list[str]) -> bool:
    return {COLUMN_NAMES.get("".join(c.lower().split())) for c in cells} >= REQUIRED


def _date(text: str, report, row) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        report.add(row, _("the date %(text)r is not a date (YYYY-MM-DD).") % {"text": text[:40]})
        return None


def import_payments(*, by, region, name: str, data: bytes, sheet: str = "") -> Imported:
    """Vouchers and bank receipts of `region` from CSV or XLSX; refused whole on any problem.

    Columns (English or Chinese): kind (voucher / 国库集中支付凭证, bank / 银行回单),
    reference (凭证号), paid_on (支付日期, YYYY-MM-DD), amount (金额, CNY to the
    fen), payee_code (收款人编码) and/or payee_account (收款账号). Rows counted
    from 1 below the header. Raises PaymentRefused (user or region) or
    ImportRejected (report per row); nothing is stored then. Returns the
    payments and how many matches were made automatically.
    """
    _require(by, region)
    report = ImportReport(item="row")
    try:
        table = read_table(name=name, data=data, sheet=sheet, is_header=_is_header)
    except FileRejected as exc:
        report.add(None, str(exc))
        raise ImportRejected(report) from None
    report.notes.extend(table.notes)
    header, *rows = table.rows or [[]]
    if not _is_header(header):
        report.add(
            None,
            _(
                "%(name)s is not payment evidence: it needs the columns kind, reference, paid_on "
                "and amount, or in Chinese 类型, 凭证号, 支付日期 and 金额."
            )
            % {"name": name},
        )
        raise ImportRejected(report)
    columns = {}
    for index, cell in enumerate(header):
        column = COLUMN_NAMES.get("".join(cell.lower().split()))
        if column is not None:
            columns.setdefault(column, index)
    amount_field = Payment._meta.get_field("amount")
    payments, seen = [], {}
    for number, cells in enumerate(rows, start=1):
        report.features = number
        if any(cell for i, cell in enumerate(cells) if i >= len(header)):
            report.add(number, _("a field is beyond the columns of the header."))
            continue
        row = {c: cells[i] if i < len(cells) else "" for c, i in columns.items()}
        kind = KIND_NAMES.get(row["kind"].lower())
        if kind is None:
            report.add(
                number,
                _("kind %(kind)r is not voucher (国库集中支付凭证) or bank (银行回单).")
                % {"kind": row["kind"][:40]},
            )
        texts = {}
        for column in ("reference", "payee_code", "payee_account"):
            text = row.get(column, "")
            texts[column] = None if text_problem(text, column, report, number, Payment) else text
        if texts["reference"] == "":
            report.add(number, _("the reference is missing."))
        if not (row.get("payee_code") or row.get("payee_account")):
            report.add(number, _("give the payee's recipient code or account."))
        paid_on = _date(row["paid_on"], report, number)
        amount = decimal_cell(row["amount"], _("amount"), report, number, amount_field)
        if amount is not None and amount <= 0:
            report.add(number, _("the amount %(amount)s is not positive.") % {"amount": amount})
            amount = None
        if None in (kind, paid_on, amount) or None in texts.values() or not texts["reference"]:
            continue
        identity = (kind, texts["reference"])
        if identity in seen:
            report.add(
                number,
                _("reference %(ref)s is also on row %(row)s.")
                % {"ref": texts["reference"], "row": seen[identity]},
            )
            continue
        seen[identity] = number
        if Payment.objects.filter(region=region, kind=kind, reference=texts["reference"]).exists():
            report.add(
                number,
                _("reference %(ref)s is already recorded.") % {"ref": texts["reference"]},
            )
            continue
        payments.append(
            Payment(
                region=region,
                kind=kind,
                reference=texts["reference"],
                paid_on=paid_on,
                amount=amount,
                payee_code=texts["payee_code"],
                payee_account=texts["payee_account"],
                source=name[:200],
                entered_by=by,
            )
        )
    if not report.problems and not payments:
        report.add(None, _("%(name)s has no rows.") % {"name": name})
    if report.problems:
        raise ImportRejected(report)
    try:
        with transaction.atomic():
            stored = Payment.objects.bulk_create(payments)
            return Imported(payments=stored, matched=auto_match(stored))
    except (IntegrityError, ValidationError):
        report.add(None, _("Another import stored some of these references first; try again."))
        raise ImportRejected(report) from None
