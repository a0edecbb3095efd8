"""Payment evidence: a full path from a posted run to households paid by voucher, matched
automatically where one line only can be meant, partly, or by hand; and the import refusing
bad files and rows whole.

UPSTREAM (黄山市) receives 204,349,975.00 CNY in the Xin'an run; the plan gives shares
1 : 1 : 2 to households HH-1, HH-2 and village V1: 51,087,493.75, 51,087,493.75, 102,174,987.50.
"""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from config import failpoints
from config.roles import OPERATOR
from passthrough import payments, plans
from passthrough.models import Payment, PaymentMatch
from passthrough.payments import PaymentRefused
from pilots.imports import ImportRejected
from pilots.models import OperatorAssignment, Region
from tests.conftest import committing, race
from tests.factories import UPSTREAM, RecipientFactory, UserFactory
from tests.inputs import ALL_FILES, corpus

pytestmark = pytest.mark.usefixtures("english")

HEADER = "kind,reference,paid_on,amount,payee_code,payee_account"


@pytest.fixture
def posted_plan(world):
    upstream = Region.objects.get(code=UPSTREAM)
    people = [
        RecipientFactory(
            region=upstream, kind="household", code="HH-1", name="", bank_account="6222000000000001"
        ),
        RecipientFactory(
            region=upstream, kind="household", code="HH-2", name="", bank_account="6222000000000002"
        ),
        RecipientFactory(region=upstream, code="V1"),
    ]
    plan = plans.propose_plan(
        run=world["run"],
        region=upstream,
        method="shares",
        lines=[
            plans.LineSpec(recipient=r, due_date=timezone.localdate(), weight=Decimal(w))
            for r, w in zip(people, (1, 1, 2), strict=True)
        ],
        by=world["users"]["operator"],
    )
    return plans.approve_plan(plan, by=world["users"]["finance"])


def _csv(*rows):
    return "\n".join((HEADER, *rows, "")).encode()


def _owed(plan):
    return {
        line.recipient.code: (line.paid, line.amount - line.paid)
        for line in payments.lines_with_paid().filter(plan=plan)
    }


def test_vouchers_and_a_receipt_settle_the_households_and_the_village(world, posted_plan):
    today = timezone.localdate().isoformat()
    imported = payments.import_payments(
        by=world["users"]["operator"],
        region=posted_plan.region,
        name="vouchers.csv",
        data=_csv(
            f"国库集中支付凭证,GK-001,{today},51087493.75,HH-1,",
            f"银行回单,YH-001,{today},20000000.00,,6222000000000002",
            f"voucher,GK-002,{today},102174987.50,V1,",
        ),
    )

    matches = PaymentMatch.objects.filter(payment__in=imported.payments).order_by("payment_id")
    assert imported.matched == 3
    assert all(m.matched_by is None and m.matched_at is not None for m in matches)
    assert [(m.payment.reference, m.line.recipient.code, m.amount) for m in matches] == [
        ("GK-001", "HH-1", Decimal("51087493.75")),
        ("YH-001", "HH-2", Decimal("20000000.00")),
        ("GK-002", "V1", Decimal("102174987.50")),
    ]
    assert _owed(posted_plan) == {
        "HH-1": (Decimal("51087493.75"), Decimal("0.00")),
        "HH-2": (Decimal("20000000.00"), Decimal("31087493.75")),
        "V1": (Decimal("102174987.50"), Decimal("0.00")),
    }


@committing
def test_two_payments_recorded_at_once_do_not_both_settle_the_line(world, posted_plan, monkeypatch):
    """Each pays HH-1 in full: the first settles its line; the second, which waited for the
    first's locks, finds nothing owed and waits for a hand (a refund or another line)."""
    monkeypatch.setitem(failpoints.POINTS, "passthrough.auto_match", 0.5)
    today = timezone.localdate()

    results = race(
        lambda i: payments.record_payment(
            by=world["users"]["operator"],
            region=posted_plan.region,
            kind="voucher",
            reference=f"GK-{i}",
            paid_on=today,
            amount=Decimal("51087493.75"),
            payee_code="HH-1",
            payee_account="",
        )
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    assert PaymentMatch.objects.filter(line__recipient__code="HH-1").count() == 1
    assert _owed(posted_plan)["HH-1"] == (Decimal("51087493.75"), Decimal("0.00"))


def test_a_payment_to_nobody_of_the_plan_waits_and_is_matched_by_hand(world, posted_plan):
    operator = world["users"]["operator"]
    payment = payments.record_payment(
        by=operator,
        region=posted_plan.region,
        kind="voucher",
        reference="GK-009",
        paid_on=timezone.localdate(),
        amount=Decimal("1000.00"),
        payee_code="UNKNOWN",
        payee_account="",
    )
    assert not payment.matches.exists()
    line = posted_plan.lines.get(recipient__code="HH-2")

    with pytest.raises(PaymentRefused, match=r"at most 1000\.00 CNY"):
        payments.match_manually(payment=payment, line=line, amount=Decimal("1000.01"), by=operator)
    match = payments.match_manually(
        payment=payment, line=line, amount=Decimal("1000.00"), by=operator
    )

    assert (match.matched_by, match.amount) == (operator, Decimal("1000.00"))
    assert _owed(posted_plan)["HH-2"] == (Decimal("1000.00"), Decimal("51086493.75"))


def test_an_operator_of_another_region_may_not_record_or_match(world, posted_plan):
    stranger = UserFactory(username="stranger", group=OPERATOR)
    OperatorAssignment.objects.create(user=stranger, region=Region.objects.get(code=world["other"]))

    with pytest.raises(PaymentRefused, match="your own regions"):
        payments.import_payments(
            by=stranger,
            region=posted_plan.region,
            name="v.csv",
            data=_csv("voucher,GK-1,2026-12-01,1.00,HH-1,"),
        )
    assert not Payment.objects.exists()


@pytest.fixture
def clerk(huangshan):
    user = UserFactory(username="clerk", group=OPERATOR)
    OperatorAssignment.objects.create(user=user, region=huangshan)
    return user


@pytest.mark.parametrize("file_name", ALL_FILES)
def test_the_import_refuses_each_bad_file_and_writes_nothing(huangshan, clerk, file_name):
    name, data = corpus(file_name)

    with pytest.raises(ImportRejected) as rejected:
        payments.import_payments(by=clerk, region=huangshan, name=name, data=data)

    messages = [p.message for p in rejected.value.report.problems]
    assert any("is not payment evidence" in m for m in messages), messages
    assert not Payment.objects.exists()


BAD_ROWS = {
    "NaN": ("voucher,GK-2,2026-12-01,NaN,HH-1,", "amount 'NaN' is not a number."),
    "1e400": (
        "voucher,GK-2,2026-12-01,1e400,HH-1,",
        "amount 1e400 is too large: at most 14 digits before the point fit.",
    ),
    "a third place": (
        "voucher,GK-2,2026-12-01,0.005,HH-1,",
        "amount 0.005 has more than 2 decimal places; round it.",
    ),
    "negative": ("voucher,GK-2,2026-12-01,-5.00,HH-1,", "the amount -5.00 is not positive."),
    "no such day": (
        "voucher,GK-2,2026-02-30,5.00,HH-1,",
        "the date '2026-02-30' is not a date (YYYY-MM-DD).",
    ),
    "unknown kind": ("cheque,GK-2,2026-12-01,5.00,HH-1,", "kind 'cheque' is not voucher"),
    "NUL in the reference": ("voucher,GK\x002,2026-12-01,5.00,HH-1,", "contains a NUL character."),
    "65-character reference": (
        f"voucher,{'G' * 65},2026-12-01,5.00,HH-1,",
        "reference is 65 characters long; at most 64 fit.",
    ),
    "no payee": ("voucher,GK-2,2026-12-01,5.00,,", "give the payee's recipient code or account."),
    "the same reference twice": (
        "voucher,GK-1,2026-12-02,5.00,HH-1,",
        "reference GK-1 is also on row 1.",
    ),
    "a field beyond the header": (
        "voucher,GK-2,2026-12-01,5.00,HH-1,,extra",
        "a field is beyond the columns of the header.",
    ),
}


@pytest.mark.parametrize("case", BAD_ROWS)
def test_one_bad_row_refuses_the_file_naming_row_2(huangshan, clerk, case):
    row, words = BAD_ROWS[case]

    with pytest.raises(ImportRejected) as rejected:
        payments.import_payments(
            by=clerk,
            region=huangshan,
            name="v.csv",
            data=_csv("voucher,GK-1,2026-12-01,5.00,HH-1,", row),
        )

    problems = rejected.value.report.problems
    assert any(p.feature == 2 and words in p.message for p in problems), problems
    assert not Payment.objects.exists()
    assert not PaymentMatch.objects.exists()


def test_the_database_keeps_matches_within_the_payment_and_the_line_and_never_changes_one(
    world, posted_plan
):
    """passthrough/sql/0006: a writer that bypasses the service is refused; nothing stays."""
    operator = world["users"]["operator"]
    payment = payments.record_payment(
        by=operator,
        region=posted_plan.region,
        kind="voucher",
        reference="GK-X",
        paid_on=timezone.localdate(),
        amount=Decimal("1000.00"),
        payee_code="NOBODY",
        payee_account="",
    )
    hh1, hh2 = (posted_plan.lines.get(recipient__code=c) for c in ("HH-1", "HH-2"))
    insert = (
        "INSERT INTO passthrough_paymentmatch (payment_id, line_id, amount, matched_at) "
        "VALUES (%s, %s, %s, now())"
    )

    with (
        pytest.raises(IntegrityError, match=f"payment {payment.pk} of 1000.00 is matched"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(insert, [payment.pk, hh1.pk, Decimal("600.00")])
        cursor.execute(insert, [payment.pk, hh2.pk, Decimal("400.01")])
    big = payments.record_payment(
        by=operator,
        region=posted_plan.region,
        kind="voucher",
        reference="GK-Y",
        paid_on=timezone.localdate(),
        amount=Decimal("99999999.00"),
        payee_code="NOBODY",
        payee_account="",
    )
    with (
        pytest.raises(IntegrityError, match=f"line {hh1.pk} of 51087493.75 is matched"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(insert, [big.pk, hh1.pk, Decimal("51087493.76")])
    match = payments.match_manually(payment=payment, line=hh1, amount=Decimal("10.00"), by=operator)
    with pytest.raises(IntegrityError, match="a match is never changed"), transaction.atomic():
        PaymentMatch.objects.filter(pk=match.pk).update(amount=Decimal("5.00"))
    assert list(PaymentMatch.objects.values_list("amount", flat=True)) == [Decimal("10.00")]
