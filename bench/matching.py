"""Matching payment evidence to plan lines (核销): `passthrough.payments.auto_match`.

A synthetic national pass-through: REGIONS counties, each with one posted
sub-allocation plan of LINES_PER_REGION lines to as many recipients (codes
R0001… in every county, so a payee code means something only within its
region); SIZES vouchers, each paying one line in full by its recipient's code,
with amounts that differ line to line. Timed, in turns, on the same stored
vouchers (matches deleted between turns):

- `auto_match(payments)`: the service, which decides line by line as the
  rules of passthrough/payments.py say (several lines to one payee, partial
  payments, what is left) and stores the matches;
- baseline: one hand-written `INSERT … SELECT` joining vouchers to lines by
  region, payee code and equal amount, the same matches for these vouchers.

Goal (issue 23): the service at ≥ 25% of the baseline's rate at 100,000.
"""

import statistics
from datetime import date
from decimal import Decimal

from django.db import connection, transaction

from bench.harness import timed
from bench.settle_national import counties, finance_user
from compensation.models import SettlementRun
from ledger.services import EntrySpec, Leg, open_account, post_entry
from passthrough.models import (
    Payment,
    PaymentMatch,
    Recipient,
    SubAllocationLine,
    SubAllocationPlan,
)
from passthrough.payments import auto_match
from pilots.models import PilotProgramme

SIZES = (10_000, 100_000)
LINES_PER_REGION = 100
REPEATS = 3
DUE = date(2025, 3, 31)
PAID_ON = date(2025, 3, 20)
BASELINE = """
INSERT INTO passthrough_paymentmatch (payment_id, line_id, amount, matched_at)
SELECT p.id, l.id, p.amount, now()
FROM passthrough_payment p
JOIN passthrough_recipient r ON r.region_id = p.region_id AND r.code = p.payee_code
JOIN passthrough_suballocationline l ON l.recipient_id = r.id AND l.amount = p.amount
JOIN passthrough_suballocationplan s ON s.id = l.plan_id AND s.status = 'posted'
WHERE p.id = ANY(%s)
"""


def run(report):
    lines = _plans(max(SIZES) // LINES_PER_REGION)
    for size in SIZES:
        vouchers = _vouchers(lines[:size])
        ids = [v.pk for v in vouchers]
        service, sql = [], []
        for _ in range(REPEATS):
            service.append(timed(lambda vouchers=vouchers: auto_match(vouchers)))
            made = PaymentMatch.objects.filter(payment_id__in=ids).count()
            _unmatch(ids)
            sql.append(timed(lambda ids=ids: _baseline(ids)))
            joined = PaymentMatch.objects.filter(payment_id__in=ids).count()
            _unmatch(ids)
            if made != size or joined != size:
                raise AssertionError(f"matched {made} and {joined} of {size} vouchers")
        baseline = report.add(
            "hand-written SQL join, same matches",
            size=size,
            seconds=statistics.median(sql),
            unit="matches/s",
        )
        row = report.add(
            "auto_match (passthrough.payments)",
            size=size,
            seconds=statistics.median(service),
            unit="matches/s",
            baseline=baseline,
        )
        report.note(f"auto_match at {size}: {row.ratio:.1%} of one SQL join (goal >= 25%)")
        Payment.objects.filter(pk__in=ids).delete()


def _plans(regions_wanted) -> list[SubAllocationLine]:
    """One posted plan per county, LINES_PER_REGION lines each; the lines, county by county."""
    regions = counties(regions_wanted)
    maker, checker = finance_user("match-maker"), finance_user("match-checker")
    programme = PilotProgramme.objects.create(
        name="核销基准", start_date=date(2024, 1, 1), end_date=date(2026, 12, 31)
    )
    run = SettlementRun.objects.create(
        programme=programme,
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
        started_by=maker,
    )
    entry = _entry()
    plans = SubAllocationPlan.objects.bulk_create(
        [
            SubAllocationPlan(
                run=run,
                region=region,
                method=SubAllocationPlan.Method.SHARES,
                status=SubAllocationPlan.Status.POSTED,
                total=Decimal("1.00"),
                proposed_by=maker,
                decided_by=checker,
                entry=entry,
            )
            for region in regions
        ]
    )
    recipients = Recipient.objects.bulk_create(
        [
            Recipient(region=region, kind=Recipient.Kind.HOUSEHOLD, code=f"R{n:04d}")
            for region in regions
            for n in range(LINES_PER_REGION)
        ],
        batch_size=5000,
    )
    return SubAllocationLine.objects.bulk_create(
        [
            SubAllocationLine(
                plan=plans[i // LINES_PER_REGION],
                recipient=recipient,
                weight=Decimal(1),
                amount=Decimal(1000 + i) + Decimal("0.25"),
                due_date=DUE,
                account=f"cny:recipient:{recipient.pk}:bench",
            )
            for i, recipient in enumerate(recipients)
        ],
        batch_size=5000,
    )


def _entry():
    """A journal entry for the plans to name (what they post is not what is measured)."""
    for code in ("bench:match:from", "bench:match:to"):
        open_account(code=code, name=code, type="asset", commodity="CNY")
    return post_entry(
        spec=EntrySpec(
            idempotency_key="bench:matching",
            effective_date=DUE,
            description="bench",
            legs=[Leg.debit("bench:match:to", "1.00"), Leg.credit("bench:match:from", "1.00")],
        )
    )


def _vouchers(lines) -> list[Payment]:
    user = finance_user("match-maker")
    return Payment.objects.bulk_create(
        [
            Payment(
                region_id=line.plan.region_id,
                kind=Payment.Kind.VOUCHER,
                reference=f"GK-{i:06d}",
                paid_on=PAID_ON,
                amount=line.amount,
                payee_code=line.recipient.code,
                source="bench",
                entered_by=user,
            )
            for i, line in enumerate(lines)
        ],
        batch_size=5000,
    )


def _baseline(ids) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(BASELINE, [ids])


def _unmatch(ids) -> None:
    PaymentMatch.objects.filter(payment_id__in=ids).delete()
