"""The vertical cascade's inputs through the API: methods, tiers, indicators; officials only."""

from decimal import Decimal

import pytest

from compensation.models import AllocationMethod, CascadeTier, MethodFactor, RegionIndicator
from config.roles import AUDITOR, FINANCE, OPERATOR
from pilots.models import Region
from tests.factories import UPSTREAM, UserFactory

ANHUI = "340000"
ROUTES = ("allocation-methods", "cascade-tiers", "region-indicators")


@pytest.fixture
def cascade(pilot):
    """安徽省 pays 黄山市 by a published method of two factors; a second version is a draft."""
    anhui = Region.objects.get(code=ANHUI)
    method = AllocationMethod.objects.create(
        name="安徽省分配办法（示意）",
        version=1,
        issuer=anhui,
        budget_cap=Decimal("60000000.00"),
        illustrative=True,
        source="演示用示意数值",
    )
    method.factors.create(kind=MethodFactor.Kind.WATER_QUALITY, basis="share", weight="0.4")
    method.factors.create(kind=MethodFactor.Kind.FIXED, basis="rate", weight="1000000")
    method.adjustments.create(change="slight-worse", percent=Decimal("-10"))
    method.published = True
    method.save()
    draft = AllocationMethod.objects.create(name="安徽省分配办法（示意）", version=2, source="草案")
    tier = CascadeTier.objects.create(
        programme=pilot, year=2025, level=2, payer=anhui, method=method
    )
    tier.recipients.set(Region.objects.filter(code__in=[UPSTREAM]))
    RegionIndicator.objects.create(
        region=Region.objects.get(code=UPSTREAM),
        year=2025,
        kind="fiscal-gap",
        value=Decimal("1250000000"),
        source="安徽省财政厅",
    )
    return method, draft, tier


def test_officials_read_methods_with_their_factors_tiers_and_indicators(api, cascade):
    method, draft, tier = cascade
    api.force_authenticate(UserFactory(username="fin", group=FINANCE))

    methods = api.get("/api/v1/allocation-methods/", {"published": "true"}).json()["results"]
    tiers = api.get("/api/v1/cascade-tiers/", {"year": 2025, "payer__code": ANHUI}).json()
    indicators = api.get("/api/v1/region-indicators/", {"region__code": UPSTREAM}).json()

    assert [(m["id"], m["issuer"], m["budget_cap"], m["illustrative"]) for m in methods] == [
        (method.pk, ANHUI, "60000000.00", True)
    ]
    assert methods[0]["factors"] == [
        {"kind": "fixed", "basis": "rate", "weight": "1000000.000000", "source": ""},
        {"kind": "water-quality", "basis": "share", "weight": "0.400000", "source": ""},
    ]
    assert methods[0]["adjustments"] == [{"change": "slight-worse", "percent": "-10.00"}]
    assert tiers["results"] == [
        {
            "id": tier.pk,
            "programme": tier.programme_id,
            "year": 2025,
            "level": 2,
            "payer": ANHUI,
            "method": method.pk,
            "recipients": [UPSTREAM],
        }
    ]
    assert [(i["region"], i["kind"], i["value"]) for i in indicators["results"]] == [
        (UPSTREAM, "fiscal-gap", "1250000000.0000")
    ]
    one = api.get(f"/api/v1/allocation-methods/{draft.pk}/").json()
    assert (one["published"], one["issuer"], one["factors"]) == (False, None, [])


def test_an_auditor_reads_and_an_operator_is_refused(api, cascade):
    api.force_authenticate(UserFactory(username="aud", group=AUDITOR))
    assert all(api.get(f"/api/v1/{route}/").status_code == 200 for route in ROUTES)

    api.force_authenticate(UserFactory(username="op", group=OPERATOR))
    assert [api.get(f"/api/v1/{route}/").status_code for route in ROUTES] == [403, 403, 403]
    api.force_authenticate(None)
    assert [api.get(f"/api/v1/{route}/").status_code for route in ROUTES] == [401, 401, 401]


@pytest.mark.parametrize(
    ("route", "query"),
    [
        ("cascade-tiers", {"year": "2025.0"}),
        ("cascade-tiers", {"programme": "x"}),
        ("region-indicators", {"kind": "gdp"}),
        ("allocation-methods", {"published": "maybe"}),
        # every boolean filter of the API is as strict (django-filter ignored such a value)
        ("valuations", {"current": "yes please"}),
        ("methodology-versions", {"published": "2"}),
    ],
)
def test_a_bad_filter_is_a_400_naming_it(api, cascade, route, query):
    api.force_authenticate(UserFactory(username="fin", group=FINANCE))

    response = api.get(f"/api/v1/{route}/", query)

    assert response.status_code == 400
    assert set(query) <= set(response.json()["errors"])


def test_writing_is_not_offered(api, cascade):
    method, _draft, _tier = cascade
    api.force_authenticate(UserFactory(username="fin", group=FINANCE))

    response = api.patch(f"/api/v1/allocation-methods/{method.pk}/", {"budget_cap": "1.00"})

    assert response.status_code == 405
    method.refresh_from_db()
    assert method.budget_cap == Decimal("60000000.00")
