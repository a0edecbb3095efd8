"""The recipients' and plans' admin: region scoping, personal details for those who pay only,
proposing on a page of its own and deciding on the plan's page."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from config.roles import AUDITOR
from passthrough import payments
from passthrough.models import LocalRule, LocalRuleShare, Payment, Recipient, SubAllocationPlan
from pilots.models import Region
from tests.factories import UPSTREAM, RecipientFactory, UserFactory

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def households(world):
    own = RecipientFactory(
        region=Region.objects.get(code=UPSTREAM),
        kind="household",
        code="HH-0001",
        name="",
        holder_name="张三",
        bank_account="6222000011112222",
    )
    other = RecipientFactory(region=Region.objects.get(code=world["other"]), code="V-OTHER")
    return own, other


def test_an_operator_lists_and_opens_only_their_regions_recipients(client, world, households):
    _own, other = households
    client.force_login(world["users"]["operator"])

    listed = client.get(reverse("admin:passthrough_recipient_changelist"))
    assert "HH-0001" in listed.text
    assert "V-OTHER" not in listed.text
    page = reverse("admin:passthrough_recipient_change", args=[other.pk])
    assert client.get(page).status_code == 404


def test_personal_details_show_to_the_operator_and_finance_not_to_an_auditor(
    client, world, households
):
    own, _other = households
    page = reverse("admin:passthrough_recipient_change", args=[own.pk])
    for user, shown in (
        (world["users"]["operator"], True),
        (world["users"]["finance"], True),
        (UserFactory(username="reader", group=AUDITOR), False),
        (world["users"]["ecology"], False),
    ):
        client.force_login(user)
        answer = client.get(page)
        assert answer.status_code == 200
        assert ("6222000011112222" in answer.text, "张三" in answer.text) == (shown, shown), user


def test_an_operator_cannot_add_a_recipient_to_another_region(client, world):
    client.force_login(world["users"]["operator"])
    other = Region.objects.get(code=world["other"])

    answer = client.post(
        reverse("admin:passthrough_recipient_add"),
        {"region": other.pk, "kind": "village", "code": "V9", "name": "村九", "active": "on"},
    )

    assert answer.status_code == 200
    assert not Recipient.objects.filter(code="V9").exists()


def test_a_household_with_a_name_is_refused_in_the_users_language(client, world):
    client.force_login(world["users"]["operator"])
    answer = client.post(
        reverse("admin:passthrough_recipient_add"),
        {
            "region": Region.objects.get(code=UPSTREAM).pk,
            "kind": "household",
            "code": "HH-2",
            "name": "李四",
            "active": "on",
        },
    )

    assert "A household is named by its code only" in answer.text
    assert not Recipient.objects.filter(code="HH-2").exists()


def test_the_operator_proposes_and_finance_approves_through_the_admin(client, world):
    upstream = Region.objects.get(code=UPSTREAM)
    RecipientFactory(region=upstream, code="V1")
    RecipientFactory(region=upstream, code="V2")
    client.force_login(world["users"]["operator"])

    refused = client.post(
        reverse("admin:passthrough_suballocationplan_propose"),
        {
            "run": world["run"].pk,
            "region": upstream.pk,
            "method": "shares",
            "lines": "V1; 2025-03-31; 1\nNOPE; 31/03/2025",
        },
    )
    assert "Line 2: write a recipient code of the region" in refused.text
    assert not SubAllocationPlan.objects.exists()

    client.post(
        reverse("admin:passthrough_suballocationplan_propose"),
        {
            "run": world["run"].pk,
            "region": upstream.pk,
            "method": "shares",
            "lines": "V1; 2025-03-31; 1\nV2; 2025-06-30; 4",
        },
    )
    plan = SubAllocationPlan.objects.get()
    assert [line.amount for line in plan.lines.order_by("id")] == [
        Decimal("40869995.00"),
        Decimal("163479980.00"),
    ]
    decide = reverse("admin:passthrough_suballocationplan_decide", args=[plan.pk])
    assert client.post(decide, {"action": "approve"}).status_code == 403

    client.force_login(world["users"]["finance"])
    client.post(decide, {"action": "approve"})

    plan.refresh_from_db()
    assert plan.status == "posted"
    assert plan.decided_by == world["users"]["finance"]
    page = client.get(reverse("admin:passthrough_suballocationplan_change", args=[plan.pk]))
    assert "Reverse the posted plan" in page.text and "Approve and post" not in page.text

    refused = client.post(decide, {"action": "reverse", "reason": ""}, follow=True)
    assert "Say why the plan is reversed." in refused.text
    client.post(decide, {"action": "reverse", "reason": "V2's share was keyed wrong"})

    plan.refresh_from_db()
    assert (plan.status, plan.reversal_reason) == ("reversed", "V2's share was keyed wrong")


def test_the_import_page_shows_the_report_of_a_refused_file_and_stores_nothing(client, world):
    client.force_login(world["users"]["operator"])
    upstream = Region.objects.get(code=UPSTREAM)
    page = reverse("admin:passthrough_payment_import")
    bad = SimpleUploadedFile(
        "v.csv", b"kind,reference,paid_on,amount,payee_code\nvoucher,GK-1,2025-02-30,5.00,V1\n"
    )

    answer = client.post(page, {"region": upstream.pk, "file": bad})

    assert answer.status_code == 400
    assert "Row 1" in answer.text
    assert "the date &#x27;2025-02-30&#x27; is not a date (YYYY-MM-DD)." in answer.text
    assert not Payment.objects.exists()

    good = SimpleUploadedFile(
        "v.csv", b"kind,reference,paid_on,amount,payee_code\nvoucher,GK-1,2025-02-28,5.00,V1\n"
    )
    assert client.post(page, {"region": upstream.pk, "file": good}).status_code == 302
    assert Payment.objects.get().amount == Decimal("5.00")


def test_an_auditor_may_not_open_the_import_page(client, world):
    client.force_login(UserFactory(username="reader", group=AUDITOR))
    assert client.get(reverse("admin:passthrough_payment_import")).status_code == 403


def test_a_payments_account_shows_to_the_operator_and_finance_not_to_an_auditor(client, world):
    payment = payments.record_payment(
        by=world["users"]["operator"],
        region=Region.objects.get(code=UPSTREAM),
        kind="bank",
        reference="HD-1",
        paid_on="2025-03-01",
        amount=Decimal("5.00"),
        payee_code="",
        payee_account="6222000033334444",
    )
    page = reverse("admin:passthrough_payment_change", args=[payment.pk])
    for user, shown in (
        (world["users"]["operator"], True),
        (world["users"]["finance"], True),
        (UserFactory(username="reader", group=AUDITOR), False),
        (world["users"]["ecology"], False),
    ):
        client.force_login(user)
        answer = client.get(page)
        assert answer.status_code == 200
        assert "HD-1" in answer.text
        assert ("6222000033334444" in answer.text) == shown, user


def test_a_plan_proposed_by_a_published_rule_which_the_admin_no_longer_edits(client, world):
    upstream = Region.objects.get(code=UPSTREAM)
    RecipientFactory(region=upstream, code="V1")
    RecipientFactory(region=upstream, code="V2")
    rule = LocalRule.objects.create(
        region=upstream, name="分配办法", source="黄政办〔2024〕12号", basis="equal", published=True
    )
    LocalRuleShare.objects.create(rule=rule, kind="village", weight=Decimal(1))
    client.force_login(world["users"]["operator"])

    client.post(
        reverse("admin:passthrough_suballocationplan_propose"),
        {
            "run": world["run"].pk,
            "region": upstream.pk,
            "method": "rule",
            "rule": rule.pk,
            "lines": "V1; 2025-03-31\nV2; 2025-03-31",
        },
    )

    plan = SubAllocationPlan.objects.get()
    assert (plan.rule, [line.amount for line in plan.lines.order_by("id")]) == (
        rule,
        [Decimal("102174987.50"), Decimal("102174987.50")],
    )
    client.force_login(world["users"]["finance"])
    page = client.get(reverse("admin:passthrough_localrule_change", args=[rule.pk])).text
    assert 'name="name"' not in page and "黄政办〔2024〕12号" in page
