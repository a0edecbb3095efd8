"""Schemathesis against the live schema: every operation, as an official and as an operator.

Examples are bounded per operation (SCHEMATHESIS_EXAMPLES, default 5) and
derandomised, so the run is the same on every machine and fits CI's time.
Every response must be a non-5xx that the schema documents: its status,
content type and body.
"""

import os
from collections import Counter
from contextlib import contextmanager

import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "5"))


def run_every_operation(schema, token) -> Counter:
    """Status classes of the responses (2xx, 4xx); fails with every operation's failures."""
    app = WSGIHandler()
    headers = {"Authorization": f"Token {token}"}
    failures, seen = [], Counter()
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case):
            response = case.call(app=app, base_url="http://testserver", headers=headers)
            seen[f"{response.status_code // 100}xx"] += 1
            case.validate_response(response, checks=CHECKS)

        try:
            with sharing_the_test_transaction():
                check()
        except (Exception, BaseExceptionGroup) as exc:  # report every operation's failures at once
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
    return seen


@contextmanager
def sharing_the_test_transaction():
    """The app must not close the test's connection after each request (as django.test.Client)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_schema_holds_for_officials_and_operators(client, world):
    client.force_login(world["users"]["finance"])
    schema = schemathesis.openapi.from_dict(client.get("/api/schema/?format=json").json())
    assert len(list(schema.get_all_operations())) >= 50

    seen = {}
    for role in ("finance", "operator"):
        token = Token.objects.create(user=world["users"][role])
        seen[role] = run_every_operation(schema, token.key)

    # Both roles got answers and refusals; officials read what operators may not.
    assert seen["finance"]["2xx"] > seen["operator"]["2xx"] > 0
    assert seen["operator"]["4xx"] > seen["finance"]["4xx"] > 0
    assert set(seen["finance"]) | set(seen["operator"]) == {"2xx", "4xx"}
