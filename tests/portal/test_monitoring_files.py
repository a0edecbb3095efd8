"""The monitoring page takes CSV and XLSX, offers a template, and answers every refused row
with the page again (400), naming row and field in the user's language, storing nothing."""

import html
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from compensation.imports import TEMPLATE_HEADER
from compensation.models import Agreement, AgreementParty, MonitoringRecord
from config.roles import OPERATOR
from pilots.models import OperatorAssignment, Region
from tests.factories import DOWNSTREAM, UPSTREAM, UserFactory
from tests.inputs import FIELD, GOOD_ROW, REFUSED_ROWS, monitoring_csv

HEADER = ["section", "year", "pollutant", "mean_mg_per_l"]


@pytest.fixture
def page(client, programme):
    """The monitoring page of the Xin'an upstream region, its operator signed in."""
    agreement = Agreement.objects.create(
        programme=programme, name="新安江", rule=Agreement.Rule.WATER_QUALITY
    )
    upstream = Region.objects.get(code=UPSTREAM)
    AgreementParty.objects.create(
        agreement=agreement, region=upstream, side="upstream", section="街口"
    )
    AgreementParty.objects.create(
        agreement=agreement, region=Region.objects.get(code=DOWNSTREAM), side="downstream"
    )
    operator = UserFactory(username="operator", group=OPERATOR)
    OperatorAssignment.objects.create(user=operator, region=upstream)
    client.force_login(operator)
    return {"url": reverse("portal:monitoring", args=[UPSTREAM]), "agreement": agreement}


def post(client, page, name, data, language="en", **fields):
    return client.post(
        page["url"],
        {"agreement": page["agreement"].pk, "file": SimpleUploadedFile(name, data), **fields},
        headers={"accept-language": language},
    )


def text(response) -> str:
    return html.unescape(response.content.decode())


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


def stored() -> list[tuple]:
    return [
        (r.section, r.year, r.pollutant, str(r.value), r.unit)
        for r in MonitoringRecord.objects.order_by("year", "pollutant")
    ]


def test_the_page_offers_csv_and_xlsx_and_a_template(client, page):
    response = client.get(page["url"], headers={"accept-language": "en"})

    assert 'accept=".csv,.xlsx,' in response.content.decode()
    assert reverse("portal:monitoring-template", args=[UPSTREAM]) in response.content.decode()
    assert "annual means (CSV or XLSX)" in text(response)


def test_the_template_has_the_chinese_headers_and_is_accepted_once_filled_in(client, page):
    template = client.get(reverse("portal:monitoring-template", args=[UPSTREAM]))
    filled = template.content + "街口,2026,总磷,0.02,自动站\r\n".encode()

    response = post(client, page, "annual-means-template.csv", filled)

    assert template["Content-Type"] == "text/csv; charset=utf-8"
    assert template["Content-Disposition"] == ('attachment; filename="annual-means-template.csv"')
    assert template.content.decode("utf-8-sig") == ",".join(TEMPLATE_HEADER) + "\r\n"
    assert response.status_code == 302
    assert stored() == [("街口", 2026, "TP", "0.02000", "mg/L")]


def test_the_template_of_another_region_is_not_found(client, page):
    response = client.get(reverse("portal:monitoring-template", args=[DOWNSTREAM]))

    assert response.status_code == 404


def test_the_field_workbook_is_recorded(client, page):
    data = (FIELD / "15-monitoring-xlsx" / "jiekou_2026.xlsx").read_bytes()

    response = post(client, page, "jiekou_2026.xlsx", data)

    assert response.status_code == 302
    assert stored() == [
        ("街口", 2026, "CODMn", "1.90000", "mg/L"),
        ("街口", 2026, "NH3-N", "0.09000", "mg/L"),
    ]


def test_the_field_csv_in_full_width_digits_is_recorded(client, page):
    data = (FIELD / "17-monitoring-fullwidth-digits" / "jiekou_2028.csv").read_bytes()

    response = post(client, page, "jiekou_2028.csv", data)

    assert response.status_code == 302
    assert stored() == [
        ("街口", 2028, "CODMn", "1.85000", "mg/L"),
        ("街口", 2028, "NH3-N", "0.07600", "mg/L"),
    ]


def test_a_workbook_with_several_sheets_needs_one_chosen_on_the_form(client, page):
    rows = [HEADER, ["街口", 2027, "TP", 0.03]]
    data = workbook(("2026", rows), ("2027", rows))

    refused = post(client, page, "means.xlsx", data)
    chosen = post(client, page, "means.xlsx", data, sheet="2027")

    assert refused.status_code == 400
    assert "means.xlsx has 2 sheets (2026, 2027); choose the one to read by its name." in text(
        refused
    )
    assert chosen.status_code == 302
    assert stored() == [("街口", 2027, "TP", "0.03000", "mg/L")]


@pytest.mark.parametrize("case", REFUSED_ROWS)
def test_a_value_or_text_beyond_its_column_comes_back_on_the_page(client, page, case):
    row, message = REFUSED_ROWS[case]

    response = post(client, page, "means.csv", monitoring_csv(GOOD_ROW, row))

    assert response.status_code == 400
    assert f"row 2: {message}" in text(response)
    assert not MonitoringRecord.objects.exists()


def test_the_refusal_is_in_the_users_language(client, page):
    data = monitoring_csv(GOOD_ROW, "街口,2026年13月,TP,0.02", f"{'街' * 500},2026,TP,1e400")

    response = post(client, page, "means.csv", data, language="zh-hans")

    assert response.status_code == 400
    assert "行 2: 年份 '2026年13月' 不是年份，也不是日期。" in text(response)
    assert "行 3: 监测断面 长 500 个字符，最多 100 个。" in text(response)
    assert "行 3: 年均值 1e400 过大：整数部分最多 7 位。" in text(response)
    assert not MonitoringRecord.objects.exists()
