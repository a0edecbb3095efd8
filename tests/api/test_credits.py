"""Credit units through the API: transfer and retire call compensation.credits."""

import pytest

from compensation.models import CreditBlock, CreditHolder, CreditOperation, IssuanceBatch
from config.roles import ECOLOGY
from ledger.models import Account
from tests.factories import UserFactory


@pytest.fixture
def registry(api, pilot):
    api.force_authenticate(UserFactory(username="eco", group=ECOLOGY))
    batch = IssuanceBatch.objects.get()
    return {
        "batch": batch,
        "protector": CreditHolder.objects.get(kind="protector"),
        "buyer": CreditHolder.objects.get(kind="buyer"),
    }


def post(api, url, body, key):
    return api.post(
        url, body, format="json", headers={"Idempotency-Key": key, "Accept-Language": "en"}
    )


def test_transfer_moves_units_between_holders(api, registry):
    batch = registry["batch"]
    response = post(
        api,
        f"/api/v1/credit-batches/{batch.pk}/transfer/",
        {
            "first_unit": 101,
            "last_unit": 150,
            "from_holder": registry["protector"].pk,
            "to_holder": registry["buyer"].pk,
            "on": "2024-08-01",
        },
        "t1",
    )

    assert response.status_code == 201
    assert response.json()["units"] == 50 and response.json()["kind"] == "transfer"
    held = CreditBlock.objects.filter(batch=batch, holder=registry["buyer"], status="active")
    assert [(b.first_unit, b.last_unit) for b in held] == [(1, 150)]


def test_retire_books_the_tonnes(api, registry):
    batch = registry["batch"]
    response = post(
        api,
        f"/api/v1/credit-batches/{batch.pk}/retire/",
        {
            "first_unit": 1,
            "last_unit": 10,
            "holder": registry["buyer"].pk,
            "beneficiary": "电厂",
            "reason": "2024 offset",
            "on": "2024-09-01",
        },
        "r1",
    )

    retired = Account.objects.get(code="t:region:341000:2024:retired")
    assert response.status_code == 201
    assert response.json()["beneficiary"] == "电厂"
    assert response.json()["beneficiary_published"] is False
    assert str(retired.balance) == "10.000"


def _retire(api, registry, key, **extra):
    body = {
        "first_unit": 1,
        "last_unit": 10,
        "holder": registry["buyer"].pk,
        "beneficiary": "电厂",
        "reason": "2024 offset",
        "on": "2024-09-01",
    }
    return post(api, f"/api/v1/credit-batches/{registry['batch'].pk}/retire/", body | extra, key)


def test_the_holder_chooses_to_publish_the_beneficiary(api, registry):
    response = _retire(api, registry, "r3", publish_beneficiary=True)

    assert response.status_code == 201
    assert response.json()["beneficiary_published"] is True
    assert CreditOperation.objects.get(pk=response.json()["id"]).beneficiary_published


def test_a_publication_choice_that_is_not_true_or_false_is_refused(api, registry):
    operations = CreditOperation.objects.count()

    response = _retire(api, registry, "r4", publish_beneficiary="yes")

    assert response.status_code == 400
    assert response.json()["errors"]["publish_beneficiary"] == ["Give true or false."]
    assert CreditOperation.objects.count() == operations


def test_units_held_by_someone_else_are_refused_and_nothing_moves(api, registry):
    batch = registry["batch"]
    operations = CreditOperation.objects.count()
    response = post(
        api,
        f"/api/v1/credit-batches/{batch.pk}/retire/",
        {
            "first_unit": 1,
            "last_unit": 10,
            "holder": registry["protector"].pk,
            "beneficiary": "x",
            "reason": "y",
            "on": "2024-09-01",
        },
        "r2",
    )
    assert response.status_code == 400
    assert "are held by 电厂" in response.json()["detail"]
    assert CreditOperation.objects.count() == operations
