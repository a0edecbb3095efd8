"""Obligations and alerts: a line withheld, partially paid, paid late, and a payment to someone
else are each raised once as a supervision alert with the amounts, and shown on the region page.

The plan gives UPSTREAM's 204,349,975.00 CNY to V1, V2, V3 and V4 in equal shares:
51,087,493.75 each, due 2025-03-31 (past, read today).
"""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from passthrough import obligations, payments
from pilots.models import Region
from supervision.alerts import describe, evaluate_rules
from supervision.models import Alert, AlertRule
from tests.factories import PASS_THROUGH_DUE, UPSTREAM, villages_plan, voucher

pytestmark = pytest.mark.usefixtures("english")

DUE = PASS_THROUGH_DUE
EACH = Decimal("51087493.75")


@pytest.fixture
def rules(db):
    return {
        kind: AlertRule.objects.create(name=f"pass-through {kind}", kind=kind)
        for kind in ("withheld", "partial", "late", "paid_elsewhere")
    }


@pytest.fixture
def due_plan(world):
    """A posted plan whose lines fell due on 2025-03-31."""
    return villages_plan(world)


def test_each_kind_is_raised_once_with_its_amounts_and_shown_on_the_region_page(
    client, world, rules, due_plan
):
    voucher(world, "GK-1", date(2025, 3, 20), EACH, "V1")  # on time: no alert
    voucher(world, "GK-2", date(2025, 3, 25), "1000000.00", "V2")  # partial
    voucher(world, "GK-3", date(2025, 5, 6), EACH, "V3")  # late
    voucher(world, "GK-4", date(2025, 3, 1), "500.00", "X-99")  # nobody of the region
    upstream = Region.objects.get(code=UPSTREAM)

    raised = evaluate_rules(upstream)
    again = evaluate_rules(upstream)

    assert again == []
    assert sorted((a.rule.kind, a.fingerprint.split(":")[0], a.measured) for a in raised) == [
        ("late", "line", Decimal("51087493.7500")),
        ("paid_elsewhere", "payment", Decimal("500.0000")),
        ("partial", "line", Decimal("50087493.7500")),
        ("withheld", "line", Decimal("51087493.7500")),
    ]
    texts = {a.rule.kind: describe(a) for a in Alert.objects.filter(region=upstream)}
    assert texts == {
        "withheld": "51,087,493.75 CNY due to V4 on 2025-03-31 has not been paid (withheld).",
        "partial": "Of 51,087,493.75 CNY due to V2 on 2025-03-31, 1,000,000.00 CNY was paid; "
        "50,087,493.75 CNY is outstanding.",
        "late": "51,087,493.75 CNY due to V3 on 2025-03-31 was paid in full only on 2025-05-06.",
        "paid_elsewhere": "Payment GK-4 of 500.00 CNY on 2025-03-01 went to X-99, who is not a "
        "recipient of the region.",
    }
    client.force_login(world["users"]["operator"])
    page = client.get(reverse("portal:region", args=[UPSTREAM])).content.decode()
    for text in texts.values():
        assert text in page


def test_a_payment_to_an_unknown_account_is_told_by_its_last_four_digits_only(client, world, rules):
    upstream = Region.objects.get(code=UPSTREAM)
    payments.record_payment(
        by=world["users"]["operator"],
        region=upstream,
        kind="bank",
        reference="HD-9",
        paid_on=date(2025, 3, 1),
        amount=Decimal("500.00"),
        payee_code="",
        payee_account="6222000099998888",
    )

    (alert,) = evaluate_rules(upstream)

    assert describe(alert) == (
        "Payment HD-9 of 500.00 CNY on 2025-03-01 went to ************8888, who is not a "
        "recipient of the region."
    )
    assert "6222000099998888" not in str(alert.facts)
    client.force_login(world["users"]["ecology"])
    page = client.get(reverse("portal:region", args=[UPSTREAM])).content.decode()
    assert "************8888" in page
    assert "6222000099998888" not in page


def test_each_rule_raises_only_beyond_its_threshold(world, due_plan):
    """Withheld and partially paid: days past the due date; late: days late; paid to someone
    else: CNY. A rule at the measured figure stays quiet, one just below it raises."""
    voucher(world, "GK-2", date(2025, 3, 25), "1000000.00", "V2")  # partial
    voucher(world, "GK-3", date(2025, 5, 6), EACH, "V3")  # 36 days late
    voucher(world, "GK-4", date(2025, 3, 1), "500.00", "X-99")  # nobody of the region
    voucher(world, "GK-5", date(2025, 3, 1), EACH, "V1")  # on time
    since_due = (timezone.localdate() - DUE).days
    figures = {
        "withheld": Decimal(since_due),
        "partial": Decimal(since_due),
        "late": Decimal(36),
        "paid_elsewhere": Decimal("500.00"),
    }
    for kind, figure in figures.items():
        AlertRule.objects.create(name=f"{kind} at", kind=kind, threshold=figure)
        AlertRule.objects.create(name=f"{kind} below", kind=kind, threshold=figure - 1)

    raised = evaluate_rules(Region.objects.get(code=UPSTREAM))

    assert sorted(a.rule.name for a in raised) == [
        "late below",
        "paid_elsewhere below",
        "partial below",
        "withheld below",
    ]


def test_the_evaluation_of_the_due_year_shows_what_was_paid_and_what_is_late(
    client, world, due_plan
):
    voucher(world, "GK-1", date(2025, 3, 20), EACH, "V1")  # on time
    voucher(world, "GK-2", date(2025, 3, 25), "1000000.00", "V2")  # partial
    voucher(world, "GK-3", date(2025, 5, 6), EACH, "V3")  # late
    upstream = Region.objects.get(code=UPSTREAM)

    summary = obligations.due_in_year(upstream, 2025, on=timezone.localdate())
    client.force_login(world["users"]["operator"])
    region_page = client.get(reverse("portal:region", args=[UPSTREAM])).content.decode()
    page = client.get(reverse("supervision:evaluation", args=[UPSTREAM, 2025])).content.decode()

    assert (summary.due, summary.paid, summary.owed) == (
        Decimal("204349975.00"),
        Decimal("103174987.50"),
        Decimal("101174987.50"),
    )
    assert summary.lines == {"open": 0, "paid": 1, "withheld": 1, "partial": 1, "late": 1}
    assert reverse("supervision:evaluation", args=[UPSTREAM, 2025]) in region_page
    assert "Passed on to recipients, due in 2025 (CNY)" in page
    for figure in ("204,349,975.00", "103,174,987.50", "101,174,987.50"):
        assert figure in page
    assert obligations.due_in_year(upstream, 2024, on=timezone.localdate()).count == 0
