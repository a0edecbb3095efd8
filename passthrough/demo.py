"""The pass-through part of the demo: 黄山市 passes its 2024 receipts on to one township and
three village collectives by its published local rule (乡镇 2, 村集体 3 in equal parts: so
2 : 1 : 1 : 1, due 2025-03-31); two vouchers and a bank receipt are paid on time and matched
automatically, the third village is paid late.

Names and figures are illustrative, not real payments.
"""

from datetime import date
from decimal import Decimal

from django.db import transaction

from passthrough import payments, plans
from passthrough.models import LocalRule, LocalRuleShare, Recipient, SubAllocationPlan
from pilots.models import Region

REGION = "341000"
DUE = date(2025, 3, 31)
RECIPIENTS = [
    # code, kind, name
    ("T-01", Recipient.Kind.TOWNSHIP, "汤口镇"),
    ("V-01", Recipient.Kind.VILLAGE, "翡翠村村民委员会"),
    ("V-02", Recipient.Kind.VILLAGE, "芳村村民委员会"),
    ("V-03", Recipient.Kind.VILLAGE, "山岔村村民委员会"),
]
RULE = {
    "name": "黄山市生态保护补偿资金分配办法（演示）",
    "source": "演示文件，非正式发布",
    "shares": {Recipient.Kind.TOWNSHIP: Decimal(2), Recipient.Kind.VILLAGE: Decimal(3)},
}
# reference, kind, recipient code, paid on: on time but for V-03, paid late.
PAYMENTS = [
    ("GK-2025-0001", "voucher", "V-01", date(2025, 3, 20)),
    ("GK-2025-0002", "voucher", "V-02", date(2025, 3, 28)),
    ("YH-2025-0001", "bank", "T-01", date(2025, 3, 25)),
    ("GK-2025-0003", "voucher", "V-03", date(2025, 5, 12)),
]


def load_passthrough_demo(*, run, operator, approver) -> SubAllocationPlan:
    """Idempotent: the recipients, the plan (proposed by `operator`, approved by `approver`)
    and its payments once; returns the posted plan."""
    region = Region.objects.get(code=REGION)
    with transaction.atomic():
        people = {
            code: Recipient.objects.get_or_create(
                region=region, code=code, defaults={"kind": kind, "name": name}
            )[0]
            for code, kind, name in RECIPIENTS
        }
        rule, made = LocalRule.objects.get_or_create(
            region=region,
            name=RULE["name"],
            version=1,
            defaults={"source": RULE["source"], "basis": LocalRule.Basis.EQUAL},
        )
        if made:
            LocalRuleShare.objects.bulk_create(
                LocalRuleShare(rule=rule, kind=kind, weight=weight)
                for kind, weight in RULE["shares"].items()
            )
            rule.published = True
            rule.save(update_fields=["published"])
        plan = SubAllocationPlan.objects.filter(
            run=run, region=region, status=SubAllocationPlan.Status.POSTED
        ).first()
        if plan is not None:
            return plan
        plan = plans.propose_plan(
            run=run,
            region=region,
            method=SubAllocationPlan.Method.RULE,
            rule=rule,
            lines=[
                plans.LineSpec(recipient=people[code], due_date=DUE)
                for code, _kind, _name in RECIPIENTS
            ],
            by=operator,
            reason="按本市分配办法：乡镇 2 份，村集体 3 份平均分配（演示）",
        )
        plan = plans.approve_plan(plan, by=approver, reason="已核对（演示）")
        owed = {line.recipient.code: line.amount for line in plan.lines.all()}
        for reference, kind, code, paid_on in PAYMENTS:
            payments.record_payment(
                by=operator,
                region=region,
                kind=kind,
                reference=reference,
                paid_on=paid_on,
                amount=owed[code],
                payee_code=code,
                payee_account="",
            )
        return plan
