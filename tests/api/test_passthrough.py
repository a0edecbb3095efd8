"""Recipients and sub-allocation plans over the API: the operator's region only, personal details
only for those who pay, another region's recipient "not found"."""

import pytest

from config.roles import AUDITOR
from pilots.models import Region
from tests.factories import UPSTREAM, RecipientFactory, UserFactory


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
