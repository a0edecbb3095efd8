"""Writes and token requests are limited per user and per address; the 429 is problem details."""

import pytest
from django.core.cache import cache

from config.roles import AUDITOR, FINANCE
from tests.factories import UserFactory


@pytest.fixture
def rates(settings):
    """Real limits for this test, counted from zero (the counts live in this suite's Redis)."""
    cache.clear()

    def set_rates(**rates):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {
                "write-user": "1000/min",
                "write-ip": "1000/min",
                "auth-user": "1000/min",
                "auth-ip": "1000/min",
                **{scope.replace("_", "-"): rate for scope, rate in rates.items()},
            },
        }

    yield set_rates
    cache.clear()


def test_writes_per_user(api, db, rates):
    rates(write_user="2/min")
    api.force_authenticate(UserFactory(username="finance", group=FINANCE))

    # Counted after the permission check, before the work: a refused body counts too.
    codes = [api.post("/api/v1/runs/", {}, format="json").status_code for _ in range(3)]
    read = api.get("/api/v1/runs/")

    assert codes == [400, 400, 429]
    assert read.status_code == 200  # reads are not limited
    last = api.post("/api/v1/runs/", {}, format="json", headers={"Accept-Language": "en"})
    assert last["Content-Type"] == "application/problem+json"
    assert last.json()["type"].endswith("/throttled")
    assert last.json()["status"] == 429
    assert "throttled" in last.json()["detail"]
    assert int(last["Retry-After"]) > 0


def test_writes_per_address(api, db, rates):
    rates(write_ip="2/min")
    codes = []
    for name in ("a1", "a2", "a3"):
        api.force_authenticate(UserFactory(username=name, group=FINANCE))
        codes.append(api.post("/api/v1/runs/", {}, format="json").status_code)
    assert codes == [400, 400, 429]


def test_token_requests_per_username_and_per_address(api, db, rates):
    rates(auth_user="2/min", auth_ip="4/min")
    UserFactory(username="auditor", group=AUDITOR)

    def ask(username, password):
        return api.post("/api/v1/auth/token/", {"username": username, "password": password})

    same_user = [ask("auditor", "wrong").status_code for _ in range(3)]
    others = [ask(name, "wrong").status_code for name in ("x1", "x2")]

    assert same_user == [400, 400, 429]
    assert others == [400, 429]  # the address has used its 4
