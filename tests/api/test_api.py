"""The API's first endpoints: the UI's permissions and region scoping, problem-details errors,
an OpenAPI schema and offline Swagger UI."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

ROLES = ["finance", "ecology", "auditor", "operator"]


@pytest.fixture
def api():
    return APIClient()


def codes(response, key="code"):
    return {row[key] for row in response.json()["results"]}


@pytest.mark.parametrize("role", ROLES)
def test_every_role_sees_its_regions_and_nothing_else(api, world, role):
    api.force_authenticate(world["users"][role])
    own, other = world["own"], world["other"]
    operator = role == "operator"

    regions = api.get("/api/v1/regions/")
    assert regions.status_code == 200
    assert own in codes(regions) and (other in codes(regions)) is not operator
    assert api.get(f"/api/v1/regions/{other}/").status_code == (404 if operator else 200)

    zones = api.get("/api/v1/zones/").json()
    assert zones["type"] == "FeatureCollection"
    zone_regions = {f["properties"]["region"] for f in zones["features"]}
    assert own in zone_regions and (other in zone_regions) is not operator

    statements = api.get("/api/v1/statements/").json()["results"]
    assert {s["region"] for s in statements} == ({own} if operator else {own, other, None})
    theirs = world["run"].statements.get(region__code=other)
    assert api.get(f"/api/v1/statements/{theirs.pk}/").status_code == (404 if operator else 200)

    # A run spans regions: operators hold no permission on runs at all.
    run = api.get(f"/api/v1/runs/{world['run'].pk}/")
    assert run.status_code == (403 if operator else 200)
    if not operator:
        assert run.json()["progress"] == {"done": 3, "total": 3}


def test_auditors_get_403_on_every_write(api, world):
    api.force_authenticate(world["users"]["auditor"])
    zone = api.get("/api/v1/zones/").json()["features"][0]

    for method, url in (
        ("post", "/api/v1/zones/"),
        ("put", f"/api/v1/zones/{zone['id']}/"),
        ("patch", f"/api/v1/zones/{zone['id']}/"),
        ("delete", f"/api/v1/zones/{zone['id']}/"),
        ("post", "/api/v1/statements/"),
        ("post", "/api/v1/runs/"),
    ):
        response = getattr(api, method)(url, {}, format="json")
        assert response.status_code == 403, (method, url)
        assert response["Content-Type"] == "application/problem+json"


def test_errors_are_problem_details_in_the_requests_language(api, world):
    anonymous = api.get("/api/v1/regions/", HTTP_ACCEPT_LANGUAGE="en")
    assert anonymous.status_code in (401, 403)
    body = anonymous.json()
    assert set(body) == {"type", "title", "status", "detail", "errors"}
    assert body["status"] == anonymous.status_code
    assert "credentials were not provided" in body["detail"]

    api.force_authenticate(world["users"]["operator"])
    missing = api.get(f"/api/v1/regions/{world['other']}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert missing.json()["type"].endswith("/not-found")
    assert missing.json()["detail"] != "Not found."  # translated


def test_tokens_authenticate_and_can_be_revoked(api, world):
    token = Token.objects.create(user=world["users"]["finance"])
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/runs/").status_code == 200

    token.delete()
    assert api.get("/api/v1/runs/").status_code == 401


def test_schema_and_offline_swagger_ui(client, world):
    client.force_login(world["users"]["auditor"])

    schema = client.get("/api/schema/?format=json")
    docs = client.get("/api/docs/")

    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/api/v1/regions/", "/api/v1/zones/", "/api/v1/runs/", "/api/v1/statements/"} <= set(
        paths
    )
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "drf_spectacular_sidecar" in page
    assert "cdn" not in page.lower() and "unpkg" not in page.lower()


def test_filters_and_etags(api, world):
    api.force_authenticate(world["users"]["auditor"])
    run = world["run"]

    filtered = api.get(f"/api/v1/statements/?run={run.pk}&region__code={world['other']}")
    assert [s["region"] for s in filtered.json()["results"]] == [world["other"]]
    assert api.get("/api/v1/runs/?status=draft").json()["results"] == []
    assert len(api.get("/api/v1/runs/?status=posted").json()["results"]) == 1

    first = api.get(f"/api/v1/runs/{run.pk}/")
    etag = first["ETag"]
    again = api.get(f"/api/v1/runs/{run.pk}/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert api.get("/api/v1/runs/?status=nonsense").status_code == 400
