"""Every new endpoint × role × own and other region: operators get 404 for another region's
objects (or 403 where their role reads nothing of the kind), auditors get 403 on every write."""

from datetime import date

import pytest

from compensation.models import (
    Agreement,
    AgreementParty,
    CreditProject,
    IssuanceBatch,
    MethodologyVersion,
    MonitoringRecord,
    SinkVerification,
)
from pilots.models import Region
from tests.factories import DOWNSTREAM, UPSTREAM, add_cover, albers_rectangle, protected_zone

# endpoint -> (queryset-like callable of (own object id, other object id))
REGION_SCOPED = ["pilots", "land-cover", "monitoring", "transfers", "credit-projects"]
OFFICIALS_ONLY = [
    "methodologies",
    "methodology-versions",
    "prices",
    "valuations",
    "agreements",
    "credit-holders",
    "credit-batches",
    "credit-blocks",
    "ledger/accounts",
    "ledger/entries",
    "ledger/postings",
]


@pytest.fixture
def regional(world):
    """One object of each region-bound kind in the operator's region and in the other one."""
    upstream, downstream = (Region.objects.get(code=c) for c in (UPSTREAM, DOWNSTREAM))
    run = world["run"]
    shared = run.programme.agreements.get()
    theirs = Agreement.objects.create(programme=run.programme, name="下游内部协议", rule="carbon")
    AgreementParty.objects.create(agreement=theirs, region=downstream, side="beneficiary")
    record = lambda agreement: MonitoringRecord.objects.create(  # noqa: E731
        agreement=agreement, year=2023, section="S", pollutant="TP", value="0.02", source="t"
    )
    project = CreditProject.objects.get(code="XAJ001")
    other_project = CreditProject.objects.create(
        programme=run.programme,
        region=downstream,
        code="XAJ002",
        name="淳安林业碳汇",
        methodology_version=MethodologyVersion.objects.filter(published=True).first(),
        crediting_start=date(2021, 1, 1),
        crediting_end=date(2030, 12, 31),
    )
    other_project.zones.add(protected_zone(downstream))
    transfers = run.transfers.filter(payer_region="")
    return {
        "pilots": (run.programme_id, None),
        "land-cover": tuple(
            add_cover(r, "03", albers_rectangle(r, 0, 0, 500, 500)).pk
            for r in (upstream, downstream)
        ),
        "monitoring": (record(shared).pk, record(theirs).pk),
        "transfers": (
            transfers.filter(payee_region=UPSTREAM).first().pk,
            transfers.filter(payee_region=DOWNSTREAM).first().pk,
        ),
        "credit-projects": (project.pk, other_project.pk),
    }


def ids(response):
    body = response.json()
    rows = body["features"] if "features" in body else body["results"]
    return {row["id"] for row in rows}


@pytest.mark.parametrize("role", ["finance", "ecology", "auditor", "operator"])
def test_region_scoped_endpoints(api, world, regional, role):
    api.force_authenticate(world["users"][role])
    for endpoint, (own, other) in regional.items():
        listing = api.get(f"/api/v1/{endpoint}/")
        assert listing.status_code == 200, (role, endpoint)
        assert own in ids(listing), (role, endpoint)
        assert api.get(f"/api/v1/{endpoint}/{own}/").status_code == 200, (role, endpoint)
        if other is None:
            continue
        detail = api.get(f"/api/v1/{endpoint}/{other}/")
        if role == "operator":
            assert other not in ids(listing), endpoint
            assert detail.status_code == 404, endpoint
            assert detail["Content-Type"] == "application/problem+json"
        else:
            assert other in ids(listing), (role, endpoint)
            assert detail.status_code == 200, (role, endpoint)


def test_a_pilot_shows_operators_their_own_member_regions_only(api, world):
    api.force_authenticate(world["users"]["operator"])
    pilot = api.get(f"/api/v1/pilots/{world['run'].programme_id}/").json()
    assert pilot["regions"] == [UPSTREAM]


@pytest.mark.parametrize("role", ["finance", "auditor", "operator"])
def test_endpoints_spanning_regions_are_for_officials(api, world, role):
    api.force_authenticate(world["users"][role])
    for endpoint in OFFICIALS_ONLY:
        listing = api.get(f"/api/v1/{endpoint}/")
        assert listing.status_code == (403 if role == "operator" else 200), (role, endpoint)
        if role != "operator":
            assert listing.json()["results"], endpoint
    owner = f"region:{UPSTREAM}"
    balances = api.get(f"/api/v1/ledger/balances/?owner={owner}&commodity=CNY&as_of=2024-12-31")
    assert balances.status_code == (403 if role == "operator" else 200)


def test_write_endpoints_refuse_auditors_and_operators(api, world):
    run = world["run"]
    project = CreditProject.objects.get(code="XAJ001")
    batch = IssuanceBatch.objects.get(project=project)
    writes = [
        "/api/v1/runs/",
        f"/api/v1/runs/{run.pk}/approve/",
        f"/api/v1/runs/{run.pk}/post/",
        f"/api/v1/credit-projects/{project.pk}/issue/",
        f"/api/v1/credit-batches/{batch.pk}/transfer/",
        f"/api/v1/credit-batches/{batch.pk}/retire/",
        "/api/v1/monitoring/",
        "/api/v1/sink-verifications/",
        "/api/v1/sink-verifications/1/approve/",
        "/api/v1/sink-verifications/1/reject/",
    ]
    transitions = run.transitions.count()
    for role in ("auditor", "operator"):
        api.force_authenticate(world["users"][role])
        for url in writes:
            if role == "operator" and url == "/api/v1/monitoring/":
                continue  # operators submit monitoring data (test_monitoring_upload)
            response = api.post(url, {}, format="json", headers={"Idempotency-Key": "k"})
            assert response.status_code == 403, (role, url)
            assert response.json()["type"].endswith("/forbidden")
    assert run.transitions.count() == transitions
    assert IssuanceBatch.objects.count() == 1
    assert not SinkVerification.objects.exists()
