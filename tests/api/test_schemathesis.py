"""Schemathesis against the live schema: every operation, for every role and anonymously.

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

from compensation.models import Statement
from ledger.models import Account
from tests.hostile import TALLY

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
ROLES = ("finance", "ecology", "operator", "auditor", None)  # None: anonymous
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "5"))


def run_every_operation(schema, token) -> Counter:
    """Status classes of the responses (2xx, 4xx); fails with every operation's failures.

    `token`: the caller's API token, or None for an anonymous caller."""
    app = WSGIHandler()
    headers = {"Authorization": f"Token {token}"} if token else {}
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
            TALLY.record("api schemathesis", server_error=response.status_code >= 500)
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


def test_schema_holds_for_every_role(client, world):
    client.force_login(world["users"]["finance"])
    schema = schemathesis.openapi.from_dict(client.get("/api/schema/?format=json").json())
    assert len(list(schema.get_all_operations())) >= 50

    seen = {}
    for role in ROLES:
        token = Token.objects.create(user=world["users"][role]).key if role else None
        seen[role] = run_every_operation(schema, token)

    # Every role got answers and refusals; officials read what operators may not.
    assert seen["finance"]["2xx"] > seen["operator"]["2xx"] > 0
    assert seen["operator"]["4xx"] > seen["finance"]["4xx"] > 0
    assert seen[None]["2xx"] == 0 and seen[None]["4xx"] > 0
    assert all(set(counts) <= {"2xx", "4xx"} for counts in seen.values())


def test_what_was_sent_matches_the_schema_where_it_once_did_not(client, world):
    """Money as decimal strings, balances an object, a statement without region, GeoJSON pages."""
    client.force_login(world["users"]["finance"])
    schema = schemathesis.openapi.from_dict(client.get("/api/schema/?format=json").json())
    token = Token.objects.create(user=world["users"]["finance"]).key
    account = Account.objects.filter(postings__isnull=False).first()
    statement = Statement.objects.filter(region__isnull=True).first()
    calls = [
        ("/api/v1/ledger/postings/", {}, {}),
        ("/api/v1/ledger/entries/", {}, {}),
        ("/api/v1/ledger/accounts/{code}/", {"code": account.code}, {}),
        ("/api/v1/ledger/balances/", {}, {"owner": account.owner, "commodity": "CNY"}),
        ("/api/v1/statements/", {}, {}),
        ("/api/v1/statements/{id}/", {"id": statement.pk}, {}),
        ("/api/v1/zones/", {}, {}),
        ("/api/v1/land-cover/", {}, {}),
    ]
    app = WSGIHandler()
    with sharing_the_test_transaction():
        for path, path_parameters, query in calls:
            case = schema[path]["GET"].Case(path_parameters=path_parameters, query=query)
            response = case.call(
                app=app, base_url="http://testserver", headers={"Authorization": f"Token {token}"}
            )
            assert response.status_code == 200, path
            assert response.json(), path
            case.validate_response(response, checks=CHECKS)
