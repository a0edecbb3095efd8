"""Every example of api/examples.py is in the schema the API serves, and is valid against
the schema of the body it illustrates there (request or response, per status and media type).

The OpenAPI 3.0 schema objects are turned into JSON Schema by schemathesis (its converter
knows `nullable`) and checked with jsonschema.
"""

import pytest
from drf_spectacular.utils import OpenApiExample
from jsonschema import Draft4Validator
from schemathesis.specs.openapi.converter import to_json_schema

from api import examples
from config.roles import AUDITOR
from tests.factories import UserFactory

DEFINED = {
    value.name: value for value in vars(examples).values() if isinstance(value, OpenApiExample)
}


@pytest.fixture
def schema(client, db):
    client.force_login(UserFactory(username="auditor", group=AUDITOR))
    return client.get("/api/schema/?format=json").json()


def _illustrated(schema):
    """(where, example, body schema) of every example the schema shows; the example's
    name is its summary, or its key where the two are the same."""
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            bodies = [("request", operation.get("requestBody", {}))]
            bodies += [(code, r) for code, r in operation.get("responses", {}).items()]
            for code, body in bodies:
                for media_type, content in body.get("content", {}).items():
                    for name, example in content.get("examples", {}).items():
                        where = (method.upper(), path, code, media_type)
                        named = {"summary": name, **example}
                        yield where, named, content.get("schema", {})


def _validator(schema, body_schema, *, response: bool) -> Draft4Validator:
    """A request body may not carry read-only fields, a response no write-only ones."""

    def converted(definition):
        return to_json_schema(definition, nullable_keyword="nullable", is_response_schema=response)

    components = {
        name: converted(definition) for name, definition in schema["components"]["schemas"].items()
    }
    return Draft4Validator({**converted(body_schema), "components": {"schemas": components}})


def test_every_example_is_shown_by_some_operation(schema):
    shown = {example["summary"] for _, example, _ in _illustrated(schema)}

    assert set(DEFINED) - shown == set()


def test_every_example_shown_validates_against_its_body_schema(schema):
    invalid = []
    checked = 0
    for where, example, body_schema in _illustrated(schema):
        if example["summary"] not in DEFINED:
            continue
        checked += 1
        validator = _validator(schema, body_schema, response=where[2] != "request")
        for error in validator.iter_errors(example["value"]):
            at = "/".join(str(p) for p in error.absolute_path)
            invalid.append(f"{' '.join(where)} {example['summary']!r} at /{at}: {error.message}")

    assert checked >= len(DEFINED)
    assert invalid == [], "\n".join(invalid)
