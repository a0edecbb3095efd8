"""The schema documents every operation with examples, its errors, and the Idempotency-Key."""

from config.roles import AUDITOR
from tests.factories import UserFactory

IDEMPOTENT = {
    ("post", "/api/v1/runs/"),
    ("post", "/api/v1/runs/{id}/approve/"),
    ("post", "/api/v1/runs/{id}/post/"),
    ("post", "/api/v1/credit-projects/{id}/issue/"),
    ("post", "/api/v1/credit-batches/{id}/transfer/"),
    ("post", "/api/v1/credit-batches/{id}/retire/"),
    ("post", "/api/v1/sink-verifications/"),
    ("post", "/api/v1/sink-verifications/{id}/approve/"),
    ("post", "/api/v1/sink-verifications/{id}/reject/"),
}


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            if path.startswith("/api/v1/"):
                yield method, path, operation


def test_every_operation_has_examples_and_documented_errors(client, db):
    client.force_login(UserFactory(username="auditor", group=AUDITOR))
    schema = client.get("/api/schema/?format=json").json()
    seen = set()

    for method, path, operation in operations(schema):
        responses = operation["responses"]
        documented = {
            code
            for code, response in responses.items()
            if any("examples" in content for content in response.get("content", {}).values())
        }
        if method != "delete":
            assert any(code.startswith("2") for code in documented), (method, path)
        assert {"400", "401", "403", "404"} <= documented, (method, path)
        assert "application/problem+json" in responses["404"]["content"]
        body = operation.get("requestBody", {}).get("content", {})
        if method == "post":
            assert any("examples" in content for content in body.values()), path
        headers = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "header"}
        if (method, path) in IDEMPOTENT:
            seen.add((method, path))
            assert headers["Idempotency-Key"]["required"] is True
            assert "409" in responses and "429" in responses
        else:
            assert "Idempotency-Key" not in headers, (method, path)
    assert seen == IDEMPOTENT
