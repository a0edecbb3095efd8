"""Generated hostile values for every writable field of the API's JSON write serializers.

For each field of each serializer an endpoint reads, the strategy is built from the field's
type and bounds (api.fields; max_length, min/max_value): a JSON value of another type,
floats and numbers past 64 bits for ids, 0/1/-0 for booleans, numbers and control
characters and one character too many for text, wrong shapes for objects. Each value
replaces the field in a valid body: the answer is a 400 problem naming that field, and no
row of our apps is stored. Counts go to the "hostile input summary" (tests/hostile.py).
"""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework import serializers

from api.fields import Flag, Id, Text, Whole
from api.serializers.inputs import (
    RetireUnitsSerializer,
    StartRunSerializer,
    TransferUnitsSerializer,
)
from compensation.models import CreditHolder, IssuanceBatch
from config.roles import ECOLOGY
from tests.conftest import stored_rows
from tests.factories import UserFactory
from tests.hostile import TALLY

EXAMPLES_PER_FIELD = 12
NOT_TEXT = st.one_of(
    st.integers(), st.floats(), st.booleans(), st.just(None), st.lists(st.integers(), max_size=2)
)
CONTROL = st.sampled_from(["\x00", "\x01", "\x07", "\x1b", "\x7f"])
SHAPES = st.sampled_from([[], {}, [1, 2], {"a": {}}, [[1]]])
# Written as JSON text: 1e400 does not survive json.dumps. (NaN and Infinity are not JSON:
# the whole body is refused, tests/api/test_hostile_input.py.)
OVERFLOW = st.sampled_from(["1e400", "-1e400", "1e-400"])


def refused(field: serializers.Field) -> st.SearchStrategy:
    """JSON texts `field` must refuse, from its type and bounds."""
    as_json = st.builds(json.dumps, st.one_of(SHAPES, st.text(max_size=3)))
    if isinstance(field, Id | Whole):
        least = getattr(field, "min_value", None) or 1
        most = getattr(field, "max_value", None) or 2**63 - 1
        numbers = st.one_of(
            st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: x != int(x)),
            st.integers(max_value=least - 1),
            st.integers(min_value=most + 1),
            st.integers(min_value=1, max_value=10**6).map(lambda n: f"{n}.0"),
            st.booleans(),
        ).map(lambda v: v if isinstance(v, str) else json.dumps(v))
        return st.one_of(numbers, as_json, OVERFLOW)
    if isinstance(field, Flag):
        return st.one_of(st.sampled_from(["0", "1", "-0", "0.0", "null", '"true"']), as_json)
    if isinstance(field, Text):
        with_control = st.tuples(st.text(max_size=4), CONTROL, st.text(max_size=4)).map("".join)
        too_long = st.just("街" * ((field.max_length or 10_000) + 1))
        text = st.one_of(with_control, too_long).map(json.dumps)
        return st.one_of(text, NOT_TEXT.map(json.dumps), OVERFLOW)
    if isinstance(field, serializers.DateField):
        return st.one_of(
            st.sampled_from(['"2024-13-01"', '"2024-02-30"', '"0"', "20240101", "1e400"]),
            st.builds(json.dumps, SHAPES),
        )
    if isinstance(field, serializers.DictField):
        return st.one_of(
            st.builds(json.dumps, st.one_of(st.integers(), st.text(max_size=3), SHAPES)),
            st.sampled_from(
                [
                    '{"carbon_prices": ["CEA"]}',
                    '{"ratios": {"abc": {}}}',
                    '{"ratios": {"5": [1, 2]}}',
                    '{"ratios": {"5": {"530000": 7}}}',
                    '{"budget": "1e400"}',
                    '{"budget": 1e400}',
                    '{"budget": "NaN"}',
                    '{"carbon_weight": "-1"}',
                    '{"deficit_cap_share": "0.00001"}',
                    '{"nonsense": 1}',
                ]
            ),
        )
    raise AssertionError(f"no hostile values for {type(field).__name__}: add them")


@pytest.fixture
def writes(api, pilot, maker):
    """Each write: its URL, serializer and a valid body as JSON texts, with its caller."""
    eco = UserFactory(username="eco", group=ECOLOGY)
    batch = IssuanceBatch.objects.get().pk
    protector = str(CreditHolder.objects.get(kind="protector").pk)
    buyer = str(CreditHolder.objects.get(kind="buyer").pk)
    units = {"first_unit": "101", "last_unit": "150", "on": '"2024-08-01"'}
    return {
        "start run": (
            maker,
            "/api/v1/runs/",
            StartRunSerializer,
            {
                "programme": str(pilot.pk),
                "period": '"2024"',
                "scenario": "true",
                "name": '"试算"',
                "overrides": '{"budget": "1000.00"}',
                "reason": '"what if"',
            },
        ),
        "transfer units": (
            eco,
            f"/api/v1/credit-batches/{batch}/transfer/",
            TransferUnitsSerializer,
            {**units, "from_holder": protector, "to_holder": buyer},
        ),
        "retire units": (
            eco,
            f"/api/v1/credit-batches/{batch}/retire/",
            RetireUnitsSerializer,
            {**units, "holder": protector, "beneficiary": '"某公司"', "reason": '"offset"'},
        ),
    }


def writable(serializer_class) -> list[str]:
    return [name for name, field in serializer_class().fields.items() if not field.read_only]


CASES = [
    ("start run", name)
    for name in writable(StartRunSerializer)
    if name != "period"  # its own test: parse_period's messages
] + [
    (write, name)
    for write, serializer_class in (
        ("transfer units", TransferUnitsSerializer),
        ("retire units", RetireUnitsSerializer),
    )
    for name in writable(serializer_class)
]


@pytest.mark.parametrize("write, name", CASES, ids=[f"{w}: {n}" for w, n in CASES])
def test_a_generated_hostile_value_names_its_field_and_stores_nothing(api, writes, write, name):
    user, url, serializer_class, body = writes[write]
    api.force_authenticate(user)
    field = serializer_class().fields[name]
    before = stored_rows()

    @settings(
        max_examples=EXAMPLES_PER_FIELD,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(value=refused(field))
    def check(value):
        text = "{" + ", ".join(f'"{k}": {v}' for k, v in {**body, name: value}.items()) + "}"
        response = api.generic(
            "POST",
            url,
            text,
            content_type="application/json",
            headers={"Idempotency-Key": "generated", "Accept-Language": "en"},
        )
        after = stored_rows()
        TALLY.record("api fields", server_error=response.status_code >= 500, stored=after != before)
        assert response.status_code == 400, (value, response.content)
        assert name in response.json()["errors"], (value, response.json())
        assert after == before, value

    check()
