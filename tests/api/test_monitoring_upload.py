"""Operators submit monitoring data for their own region's agreements, all rows or none."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from compensation.models import Agreement, AgreementParty, MonitoringRecord
from pilots.models import Region
from tests.compensation.channels.conftest import DOWNSTREAM

BAD_INPUTS = Path(__file__).resolve().parent.parent / "data" / "bad-inputs"
GOOD = "section,year,pollutant,mean_mg_per_l\n街口,2025,TP,0.02\n街口,2025,TN,1.1\n".encode()


def upload(api, agreement, data, name="means.csv"):
    return api.post(
        "/api/v1/monitoring/",
        {"agreement": agreement.pk, "file": SimpleUploadedFile(name, data)},
        format="multipart",
        headers={"Accept-Language": "en"},
    )


@pytest.fixture
def operator(api, world):
    api.force_authenticate(world["users"]["operator"])
    return world["run"].programme.agreements.get()


def test_a_good_file_is_recorded_whole(api, operator):
    response = upload(api, operator, GOOD)

    assert response.status_code == 201
    assert [(r["pollutant"], r["value"]) for r in response.json()] == [
        ("TP", "0.02000"),
        ("TN", "1.10000"),
    ]
    assert MonitoringRecord.objects.filter(year=2025).count() == 2


def test_another_regions_agreement_is_not_offered(api, world, operator):
    theirs = Agreement.objects.create(programme=world["run"].programme, name="下游", rule="carbon")
    AgreementParty.objects.create(
        agreement=theirs, region=Region.objects.get(code=DOWNSTREAM), side="beneficiary"
    )

    response = upload(api, theirs, GOOD)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["agreement"]
    assert not MonitoringRecord.objects.filter(year=2025).exists()


def test_auditors_may_not_submit(api, world):
    api.force_authenticate(world["users"]["auditor"])
    response = upload(api, world["run"].programme.agreements.get(), GOOD)
    assert response.status_code == 403


def test_every_hostile_file_is_refused_with_problem_details(api, operator):
    corpus = [path for path in sorted(BAD_INPUTS.iterdir()) if path.suffix != ".md"]
    before = MonitoringRecord.objects.count()
    assert len(corpus) == 19

    for path in corpus:
        response = upload(api, operator, path.read_bytes(), name=path.name)

        assert response.status_code == 400, path.name
        assert response["Content-Type"] == "application/problem+json"
        body = response.json()
        assert body["type"].endswith("/invalid-request")
        assert body["errors"]["file"], path.name
    assert MonitoringRecord.objects.count() == before


def test_a_negative_concentration_is_named_with_its_row(api, operator):
    response = upload(api, operator, (BAD_INPUTS / "negative_concentration.csv").read_bytes())
    assert any(
        message.startswith("row ") and "is negative" in message
        for message in response.json()["errors"]["file"]
    )
