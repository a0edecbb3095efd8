"""Operators submit monitoring data for their own region's agreements, all rows or none."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from compensation.models import Agreement, AgreementParty, MonitoringRecord
from pilots.models import Region
from tests.factories import DOWNSTREAM
from tests.inputs import BAD_INPUTS, FIELD, GOOD_ROW, REFUSED_ROWS, monitoring_csv

ZH_TOO_LARGE = "第 2 行：年均值 1e400 过大：整数部分最多 7 位。"
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


def workbook(*sheets) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_field_workbook_is_recorded_with_its_exact_means(api, operator):
    data = (FIELD / "15-monitoring-xlsx" / "jiekou_2026.xlsx").read_bytes()

    response = upload(api, operator, data, name="jiekou_2026.xlsx")

    assert response.status_code == 201
    assert [(r["year"], r["pollutant"], r["value"], r["unit"]) for r in response.json()] == [
        (2026, "CODMn", "1.90000", "mg/L"),
        (2026, "NH3-N", "0.09000", "mg/L"),
    ]


def test_a_sheet_is_chosen_by_name_and_without_one_the_sheets_are_listed(api, operator):
    rows = [["section", "year", "pollutant", "mean_mg_per_l"], ["街口", 2027, "TP", 0.03]]
    data = workbook(("说明", [["说明"]]), ("2026", rows), ("2027", rows))

    refused = upload(api, operator, data, name="means.xlsx")
    chosen = api.post(
        "/api/v1/monitoring/",
        {"agreement": operator.pk, "file": SimpleUploadedFile("means.xlsx", data), "sheet": "2027"},
        format="multipart",
    )

    assert refused.status_code == 400
    assert refused.json()["errors"] == {
        "file": ["means.xlsx has 3 sheets (说明, 2026, 2027); choose the one to read by its name."]
    }
    assert chosen.status_code == 201
    assert [(r["year"], r["value"]) for r in chosen.json()] == [(2027, "0.03000")]


@pytest.mark.parametrize("case", REFUSED_ROWS)
def test_a_value_or_text_beyond_its_column_is_a_400_naming_row_and_field(api, operator, case):
    row, message = REFUSED_ROWS[case]
    before = MonitoringRecord.objects.count()

    response = upload(api, operator, monitoring_csv(GOOD_ROW, row))

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == {"file": [f"row 2: {message}"]}
    assert MonitoringRecord.objects.count() == before


def test_refusals_are_in_the_callers_language(api, operator):
    response = api.post(
        "/api/v1/monitoring/",
        {
            "agreement": operator.pk,
            "file": SimpleUploadedFile("m.csv", monitoring_csv(GOOD_ROW, REFUSED_ROWS["1e400"][0])),
        },
        format="multipart",
        headers={"Accept-Language": "zh-hans"},
    )

    assert response.json()["errors"]["file"] == [ZH_TOO_LARGE]
