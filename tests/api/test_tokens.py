"""Systems obtain a token with a password and revoke it; a revoked token is refused."""

from config.roles import FINANCE
from tests.factories import UserFactory


def test_obtain_use_and_revoke(api, db):
    UserFactory(username="system", group=FINANCE)

    obtained = api.post(
        "/api/v1/auth/token/", {"username": "system", "password": "pw-system-2026"}, format="json"
    )
    token = obtained.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    assert obtained.status_code == 200 and len(token) == 40
    assert api.get("/api/v1/runs/").status_code == 200
    assert api.delete("/api/v1/auth/token/").status_code == 204
    assert api.get("/api/v1/runs/").status_code == 401


def test_wrong_password_is_a_problem(api, db):
    UserFactory(username="system", group=FINANCE)
    response = api.post(
        "/api/v1/auth/token/",
        {"username": "system", "password": "nope"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "Unable to log in" in response.json()["detail"]
