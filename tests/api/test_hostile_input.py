"""Hostile values from issue 28 on the API's writes: each a 400 naming the field, nothing stored."""

import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token

from api.models import IdempotencyRecord
from compensation.models import (
    CreditBlock,
    CreditHolder,
    CreditOperation,
    IssuanceBatch,
    SettlementRun,
)
from config.roles import ECOLOGY, FINANCE
from tests.conftest import stored_rows
from tests.factories import UserFactory
from tests.hostile import TALLY

RAW_HEADERS = {"Idempotency-Key": "hostile", "Accept-Language": "en"}


def post_raw(api, url, text, content_type="application/json"):
    """Send `text` as the body unchanged: JSON such as `1e400` that Python cannot write.

    Counted in the hostile input summary: a 5xx, or a row stored although refused."""
    before = stored_rows()
    response = api.generic("POST", url, text, content_type=content_type, headers=RAW_HEADERS)
    refused = response.status_code >= 400
    TALLY.record(
        "api hand-made",
        server_error=response.status_code >= 500,
        stored=refused and stored_rows() != before,
    )
    return response


def raw_json(**values: str) -> str:
    """A JSON object from already written JSON values: `raw_json(programme="1e400")`."""
    return "{" + ", ".join(f'"{name}": {value}' for name, value in values.items()) + "}"


def stored():
    return (
        SettlementRun.objects.count(),
        IdempotencyRecord.objects.count(),
        CreditOperation.objects.count(),
        list(CreditBlock.objects.order_by("pk").values_list("holder", "first_unit", "last_unit")),
    )


@pytest.fixture
def finance(api, pilot, maker):
    api.force_authenticate(maker)
    return pilot


RUN_BODIES = {
    "programme 1e400": ('{"programme": 1e400, "period": "2024"}', "programme"),
    "programme 1.5": ('{"programme": %(pilot)s.5, "period": "2024"}', "programme"),
    "programme as a string": ('{"programme": "%(pilot)s", "period": "2024"}', "programme"),
    "programme true": ('{"programme": true, "period": "2024"}', "programme"),
    "scenario -0": ('{"programme": %(pilot)s, "period": "2024", "scenario": -0}', "scenario"),
    "scenario 1": ('{"programme": %(pilot)s, "period": "2024", "scenario": 1}', "scenario"),
    "reason 1e400": ('{"programme": %(pilot)s, "period": "2024", "reason": 1e400}', "reason"),
    "name with NUL": (
        '{"programme": %(pilot)s, "period": "2024", "name": "a\\u0000b"}',
        "name",
    ),
    "name with a control character": (
        '{"programme": %(pilot)s, "period": "2024", "name": "a\\u001bb"}',
        "name",
    ),
    "carbon_prices a list": (
        '{"programme": %(pilot)s, "period": "2024", "scenario": true,'
        ' "overrides": {"carbon_prices": ["CEA"]}}',
        "overrides",
    ),
    "ratios keyed by text": (
        '{"programme": %(pilot)s, "period": "2024", "scenario": true,'
        ' "overrides": {"ratios": {"abc": {}}}}',
        "overrides",
    ),
    "ratios a list": (
        '{"programme": %(pilot)s, "period": "2024", "scenario": true,'
        ' "overrides": {"ratios": {"5": [1, 2]}}}',
        "overrides",
    ),
    "ratio pair a number": (
        '{"programme": %(pilot)s, "period": "2024", "scenario": true,'
        ' "overrides": {"ratios": {"5": {"530000": 7}}}}',
        "overrides",
    ),
    "budget 1e400 as a string": (
        '{"programme": %(pilot)s, "period": "2024", "scenario": true,'
        ' "overrides": {"budget": "1e400"}}',
        "overrides",
    ),
    "budget with three places": (
        '{"programme": %(pilot)s, "period": "2024", "scenario": true,'
        ' "overrides": {"budget": "100.125"}}',
        "overrides",
    ),
}


@pytest.mark.parametrize("body, field", RUN_BODIES.values(), ids=RUN_BODIES.keys())
def test_a_hostile_run_request_names_the_field_and_starts_nothing(api, finance, body, field):
    before = stored()

    response = post_raw(api, "/api/v1/runs/", body % {"pilot": finance.pk})

    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == [field]
    assert not re.search(r"%\(|\{\w+\}", response.json()["detail"]), "a placeholder left"
    assert stored() == before


@pytest.mark.parametrize(
    "language, value, message",
    [
        ("en", "1.5", "Give the id as a JSON integer, not a decimal number."),
        ("en", '"7"', "Give the id as a JSON integer, not a string."),
        ("zh-hans", "1.5", "请以 JSON 整数给出 ID，而不是小数。"),
        ("zh-hans", "[7]", "请以 JSON 整数给出 ID，而不是列表。"),
    ],
)
def test_a_refused_id_says_what_was_sent_in_the_users_language(
    api, finance, language, value, message
):
    response = api.generic(
        "POST",
        "/api/v1/runs/",
        f'{{"programme": {value}, "period": "2024"}}',
        content_type="application/json",
        headers={**RAW_HEADERS, "Accept-Language": language},
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"programme": [message]}


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json(api, finance, literal):
    response = post_raw(api, "/api/v1/runs/", f'{{"programme": {literal}, "period": "2024"}}')

    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]
    assert SettlementRun.objects.count() == 0


def test_overrides_in_a_form_are_refused_not_dropped(api, finance):
    response = post_raw(
        api,
        "/api/v1/runs/",
        f"programme={finance.pk}&period=2024&scenario=true&overrides=%7B%22budget%22%3A%221%22%7D",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 415
    assert response["Content-Type"] == "application/problem+json"
    assert SettlementRun.objects.count() == 0


def test_a_valid_scenario_still_starts(api, finance):
    response = post_raw(
        api,
        "/api/v1/runs/",
        raw_json(
            programme=str(finance.pk),
            period='"2024"',
            scenario="true",
            overrides='{"budget": "1000000.50", "ratios": {"5": {"530000": ["0.5", 1]}}}',
        ),
    )

    assert response.status_code == 202, response.content
    assert SettlementRun.objects.get().kind == "scenario"


def test_posting_a_posted_run_again_is_a_conflict(api, world):
    run = world["run"]
    api.force_authenticate(world["users"]["finance"])
    SettlementRun.objects.filter(pk=run.pk).update(status="posted")

    response = api.post(
        f"/api/v1/runs/{run.pk}/post/", {"reason": "again"}, format="json", headers=RAW_HEADERS
    )

    assert response.status_code == 409
    assert f"Run {run.pk} is already posted" in response.json()["detail"]
    assert IdempotencyRecord.objects.count() == 0


@pytest.fixture
def registry(api, pilot):
    api.force_authenticate(UserFactory(username="eco", group=ECOLOGY))
    return {
        "batch": IssuanceBatch.objects.get().pk,
        "protector": CreditHolder.objects.get(kind="protector").pk,
        "buyer": CreditHolder.objects.get(kind="buyer").pk,
    }


TRANSFERS = {
    "from_holder 5.5": ("%(protector)s.5", "%(buyer)s", "from_holder"),
    "to_holder 3.9": ("%(protector)s", "%(buyer)s.9", "to_holder"),
    "from_holder 1e400": ("1e400", "%(buyer)s", "from_holder"),
    "to_holder 1e400": ("%(protector)s", "1e400", "to_holder"),
    "to_holder beyond bigint": ("%(protector)s", "99999999999999999999", "to_holder"),
    "from_holder as a string": ('"%(protector)s"', "%(buyer)s", "from_holder"),
}


@pytest.mark.parametrize("holder, to_holder, field", TRANSFERS.values(), ids=TRANSFERS.keys())
def test_a_hostile_holder_names_the_field_and_moves_nothing(
    api, registry, holder, to_holder, field
):
    body = (
        '{"first_unit": 101, "last_unit": 150, "on": "2024-08-01", '
        f'"from_holder": {holder}, "to_holder": {to_holder}}}'
    ) % registry
    before = stored()

    response = post_raw(api, f"/api/v1/credit-batches/{registry['batch']}/transfer/", body)

    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == [field]
    assert stored() == before


def test_a_transfer_to_the_holder_itself_is_refused(api, registry):
    before = stored()
    holder = str(registry["protector"])
    body = raw_json(
        first_unit="101", last_unit="150", on='"2024-08-01"', from_holder=holder, to_holder=holder
    )

    response = post_raw(api, f"/api/v1/credit-batches/{registry['batch']}/transfer/", body)

    assert response.status_code == 400
    assert "not to the one holding them" in response.json()["detail"]
    assert stored() == before


def test_a_number_for_a_retirement_reason_is_refused(api, registry):
    before = stored()
    body = raw_json(
        first_unit="1",
        last_unit="10",
        on='"2024-08-01"',
        holder=str(registry["protector"]),
        beneficiary='"某公司"',
        reason="1e400",
    )

    response = post_raw(api, f"/api/v1/credit-batches/{registry['batch']}/retire/", body)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["reason"]
    assert stored() == before


@pytest.mark.parametrize("body", ['"system"', "42", '["system", "pw-system-2026"]', "null"])
def test_a_token_request_that_is_not_an_object_is_a_400(api, db, body):
    UserFactory(username="system", group=FINANCE)

    response = api.generic(
        "POST", "/api/v1/auth/token/", body, content_type="application/json", headers=RAW_HEADERS
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert Token.objects.count() == 0


@pytest.mark.parametrize("body", ['"system"', "42", "[1, 2]"])
def test_revoking_with_any_body_revokes(api, db, body):
    api.force_authenticate(UserFactory(username="system", group=FINANCE))
    Token.objects.create(user=User.objects.get(username="system"))

    response = api.generic("DELETE", "/api/v1/auth/token/", body, content_type="application/json")

    assert response.status_code == 204
    assert Token.objects.count() == 0


def test_a_10000_character_username_is_a_400_naming_it(api, db):
    response = api.post(
        "/api/v1/auth/token/",
        {"username": "u" * 10_000, "password": "x"},
        format="json",
        headers=RAW_HEADERS,
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["username"]
    assert AccessAttempt.objects.count() == 0


NUL_PATHS = [
    "/api/v1/regions/5300%00/",
    "/api/v1/ledger/accounts/a%00b/",
    "/api/v1/runs/1%00/",
    "/api/v1/runs/abc/",
    "/api/v1/runs/1.5/",
    "/api/v1/runs/99999999999999999999/",
]


@pytest.mark.parametrize("path", NUL_PATHS)
def test_a_malformed_path_is_a_problem_404(api, world, path):
    api.force_authenticate(world["users"]["finance"])

    response = api.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_a_nul_in_an_action_path_stores_no_idempotency_record(api, world):
    api.force_authenticate(world["users"]["finance"])

    response = api.post(
        f"/api/v1/runs/{world['run'].pk}%00/approve/",
        {"reason": "x"},
        format="json",
        headers=RAW_HEADERS,
    )

    assert response.status_code == 404
    assert IdempotencyRecord.objects.count() == 0


BAD_QUERIES = {
    "/api/v1/transfers/?limit=AAA": "limit",
    "/api/v1/transfers/?limit=0": "limit",
    "/api/v1/transfers/?limit=1001": "limit",
    "/api/v1/transfers/?offset=-1": "offset",
    "/api/v1/transfers/?limit=" + "9" * 5000: "limit",
    "/api/v1/ledger/postings/?page_size=AAA": "page_size",
    "/api/v1/zones/?page_size=0.5": "page_size",
    "/api/v1/valuations/?year=0.5": "year",
    "/api/v1/valuations/?year=2024.0": "year",
    "/api/v1/runs/?programme=%EF%BC%91": "programme",
    "/api/v1/monitoring/?year=0.5": "year",
    "/api/v1/alerts/?year=1e3": "year",
    "/api/v1/runs/?status=nonsense": "status",
    "/api/v1/runs/?programme=1.5": "programme",
    "/api/v1/ledger/postings/?entry=1.5": "entry",
    "/api/v1/ledger/postings/?account=a%00b": "account",
    "/api/v1/statements/?status=nonsense": "status",
}


@pytest.mark.parametrize(
    "url, parameter",
    BAD_QUERIES.items(),
    ids=[url[:60] for url in BAD_QUERIES],
)
def test_a_bad_query_parameter_is_a_400_naming_it(api, world, url, parameter):
    api.force_authenticate(world["users"]["finance"])

    response = api.get(url)

    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == [parameter]


def test_good_query_parameters_still_answer(api, world):
    api.force_authenticate(world["users"]["finance"])

    assert api.get("/api/v1/transfers/?limit=2&offset=1").status_code == 200
    assert api.get("/api/v1/valuations/?year=2024").status_code == 200
    assert api.get("/api/v1/runs/?status=statements").status_code == 200
