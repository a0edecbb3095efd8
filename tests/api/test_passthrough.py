"""Recipients, plans, payment evidence, matches and obligations over the API: the operator's
region only, personal details (holder, account) only for those who pay, another region's row
"not found"."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from config.roles import AUDITOR
from passthrough import payments
from passthrough.models import Payment, SubAllocationPlan
from pilots.models import Region
from tests.factories import UPSTREAM, RecipientFactory, UserFactory, villages_plan, voucher


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


def test_the_operator_lists_their_regions_recipients_with_details(client, world, households):
    _own, other = households
    client.force_login(world["users"]["operator"])

    listed = client.get("/api/v1/recipients/").json()["results"]

    assert [(r["code"], r["holder_name"], r["bank_account"]) for r in listed] == [
        ("HH-0001", "张三", "6222000011112222")
    ]
    assert client.get(f"/api/v1/recipients/{other.pk}/").status_code == 404


def test_an_auditor_sees_every_recipient_without_personal_details(client, world, households):
    client.force_login(UserFactory(username="reader", group=AUDITOR))

    listed = client.get("/api/v1/recipients/").json()["results"]

    assert [r["code"] for r in listed] == ["HH-0001", "V-OTHER"]
    assert all("holder_name" not in r and "bank_account" not in r for r in listed)


def test_an_operator_may_not_create_a_recipient_over_the_read_only_api(client, world):
    client.force_login(world["users"]["operator"])
    answer = client.post("/api/v1/recipients/", {"code": "X"}, content_type="application/json")
    assert answer.status_code == 405


def test_an_auditor_may_not_order_recipients_by_the_personal_details_hidden_from_them(
    client, world, households
):
    """Ordering by a hidden field would tell its values apart (whose account sorts first)."""
    RecipientFactory(
        region=Region.objects.get(code=UPSTREAM),
        kind="household",
        code="HH-0002",
        name="",
        holder_name="阿丁",
        bank_account="1000000000000000",
    )
    client.force_login(UserFactory(username="reader", group=AUDITOR))

    for field in ("bank_account", "holder_name", "-bank_account", "-holder_name"):
        listed = client.get("/api/v1/recipients/", {"ordering": field}).json()["results"]
        assert [r["code"] for r in listed] == ["HH-0001", "V-OTHER", "HH-0002"], field
    by_code = client.get("/api/v1/recipients/", {"ordering": "code"}).json()["results"]
    assert [r["code"] for r in by_code] == ["HH-0001", "HH-0002", "V-OTHER"]


APPROVED = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
EACH = Decimal("51087493.75")  # UPSTREAM's 204,349,975.00 CNY in four equal shares


@pytest.fixture
def paid_in_part(world):
    """A posted plan of UPSTREAM's receipts to V1–V4 due 2025-03-31; V1 paid on time, V2 in
    part, V3 late, V4 nothing; one voucher of DOWNSTREAM, which the operator never sees."""
    plan = villages_plan(world)
    SubAllocationPlan.objects.filter(pk=plan.pk).update(decided_at=APPROVED)
    voucher(world, "GK-1", date(2025, 3, 20), EACH, "V1", account="6222000011110000")
    voucher(world, "GK-2", date(2025, 3, 25), "1000000.00", "V2")
    voucher(world, "GK-3", date(2025, 5, 6), EACH, "V3")
    payments.record_payment(
        by=world["users"]["finance"],
        region=Region.objects.get(code=world["other"]),
        kind="bank",
        reference="HD-OTHER",
        paid_on=date(2025, 3, 1),
        amount=Decimal("10.00"),
        payee_code="X",
        payee_account="",
    )
    return plan


def test_the_operator_reads_their_regions_payments_matches_and_obligations(
    client, world, paid_in_part
):
    client.force_login(world["users"]["operator"])

    vouchers = client.get("/api/v1/payments/", {"ordering": "paid_on"}).json()["results"]
    matches = client.get("/api/v1/payment-matches/", {"ordering": "id"}).json()["results"]
    owed = client.get("/api/v1/obligations/", {"on": "2025-06-30"}).json()["results"]

    assert [(p["reference"], p["amount"], p["matched"], p["payee_account"]) for p in vouchers] == [
        ("GK-1", "51087493.75", "51087493.75", "6222000011110000"),
        ("GK-2", "1000000.00", "1000000.00", ""),
        ("GK-3", "51087493.75", "51087493.75", ""),
    ]
    assert [(m["reference"], m["recipient"], m["amount"], m["matched_by"]) for m in matches] == [
        ("GK-1", "V1", "51087493.75", None),
        ("GK-2", "V2", "1000000.00", None),
        ("GK-3", "V3", "51087493.75", None),
    ]
    assert [(o["recipient"], o["paid"], o["owed"], o["status"]) for o in owed] == [
        ("V1", "51087493.75", "0.00", "paid"),
        ("V2", "1000000.00", "50087493.75", "partial"),
        ("V3", "51087493.75", "0.00", "late"),
        ("V4", "0.00", "51087493.75", "withheld"),
    ]
    assert sum(Decimal(o["owed"]) + Decimal(o["paid"]) for o in owed) == paid_in_part.total
    other = Payment.objects.get(reference="HD-OTHER")
    assert client.get(f"/api/v1/payments/{other.pk}/").status_code == 404


def test_obligations_read_as_they_stood_on_a_date_and_a_bad_date_is_a_field_error(
    client, world, paid_in_part
):
    client.force_login(world["users"]["operator"])

    early = client.get("/api/v1/obligations/", {"on": "2025-03-26", "recipient": "V2"})
    april = client.get("/api/v1/obligations/", {"on": "2025-04-15"}).json()["results"]
    before_the_plan = client.get("/api/v1/obligations/", {"on": "2025-02-28"}).json()
    bad = client.get("/api/v1/obligations/", {"on": "2025-02-30"})

    assert [(o["status"], o["last_paid_on"]) for o in early.json()["results"]] == [
        ("open", "2025-03-25")
    ]
    # On 2025-04-15 V3 had been paid nothing yet (its voucher is of 2025-05-06).
    assert [(o["recipient"], o["paid"], o["status"]) for o in april] == [
        ("V1", "51087493.75", "paid"),
        ("V2", "1000000.00", "partial"),
        ("V3", "0.00", "withheld"),
        ("V4", "0.00", "withheld"),
    ]
    assert before_the_plan["results"] == []
    # The last day there is: read as the books stand now, not an overflow past it.
    last_day = client.get("/api/v1/obligations/", {"on": "9999-12-31"}).json()["results"]
    assert [o["status"] for o in last_day] == ["paid", "partial", "late", "withheld"]
    assert bad.status_code == 400
    assert "on" in str(bad.json())


def test_an_auditor_reads_every_regions_payments_without_the_payees_account(
    client, world, paid_in_part
):
    client.force_login(UserFactory(username="reader", group=AUDITOR))

    vouchers = client.get("/api/v1/payments/").json()["results"]

    assert sorted(p["reference"] for p in vouchers) == ["GK-1", "GK-2", "GK-3", "HD-OTHER"]
    assert all("payee_account" not in p for p in vouchers)
    assert "6222000011110000" not in client.get("/api/v1/payments/").content.decode()


def test_filtering_by_an_id_tells_nothing_of_rows_the_caller_does_not_see(
    client, world, paid_in_part
):
    """Another region's payment, or a run id that does not exist, answer as any id with no
    rows of the caller's: an empty list, not a 400 that would tell them apart."""
    client.force_login(world["users"]["operator"])
    other = Payment.objects.get(reference="HD-OTHER")

    answers = [
        client.get("/api/v1/payment-matches/", {"payment": other.pk}),
        client.get("/api/v1/payment-matches/", {"payment": 999999}),
        client.get("/api/v1/sub-allocation-plans/", {"run": 999999}),
        client.get("/api/v1/obligations/", {"plan": 999999}),
    ]

    assert [(a.status_code, a.json()["results"]) for a in answers] == [(200, [])] * 4
    assert client.get("/api/v1/payment-matches/", {"payment": "x"}).status_code == 400
