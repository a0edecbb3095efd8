"""Changes made through the API name the official in the audit trail, as the admin's do."""

from auditlog.models import LogEntry
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from compensation.models import SinkVerification
from config.roles import ECOLOGY
from tests.factories import UPSTREAM, UserFactory, make_valuation


def test_a_token_authenticated_request_is_logged_with_its_official(programme):
    valuation = make_valuation(programme, 2024, {UPSTREAM: ("5000", "1000")})
    maker = UserFactory(username="eco-maker", group=ECOLOGY)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=maker).key}")

    asked = client.post(
        "/api/v1/sink-verifications/",
        {"valuation": valuation.pk, "reason": "survey"},
        format="json",
        headers={"Idempotency-Key": "actor-1"},
    )

    assert asked.status_code == 201, asked.json()
    logged = LogEntry.objects.get_for_object(SinkVerification.objects.get())
    assert [(entry.action, entry.actor) for entry in logged] == [(LogEntry.Action.CREATE, maker)]
