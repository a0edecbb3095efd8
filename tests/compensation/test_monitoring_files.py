"""Monitoring annual means from CSV and XLSX as departments hand them over: full-width digits,
µ or μ, dates where a year is expected, several sheets; numbers beyond the column and texts
beyond theirs are refused by row and field, and a refused file stores nothing.

The field files are copies of the shared field corpus (tests/data/field/)."""

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from compensation.imports import TEMPLATE_HEADER, import_monitoring
from compensation.models import Agreement, AgreementParty, MonitoringRecord
from compensation.tables import MAX_ROWS
from pilots.imports import ImportRejected
from pilots.models import Region
from tests.factories import DOWNSTREAM, UPSTREAM
from tests.inputs import FIELD, GOOD_ROW, REFUSED_ROWS, monitoring_csv

# Messages are read in English here (tests/fixtures.py); translations are checked on their own.
pytestmark = pytest.mark.usefixtures("english")

HEADER = ["section", "year", "pollutant", "mean_mg_per_l"]


@pytest.fixture
def agreement(programme):
    found = Agreement.objects.create(
        programme=programme, name="新安江", rule=Agreement.Rule.WATER_QUALITY
    )
    AgreementParty.objects.create(
        agreement=found, region=Region.objects.get(code=UPSTREAM), side="upstream", section="街口"
    )
    AgreementParty.objects.create(
        agreement=found, region=Region.objects.get(code=DOWNSTREAM), side="downstream"
    )
    return found


def workbook(*sheets: tuple[str, list[list]]) -> bytes:
    """An XLSX of these (title, rows) sheets; cells keep their type (number, text, date)."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def wide(text: str) -> str:
    """`text` with its printable ASCII in full-width forms, as Chinese input methods type it."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def stored() -> list[tuple]:
    return [
        (r.section, r.year, r.pollutant, str(r.value), r.unit, r.source)
        for r in MonitoringRecord.objects.order_by("year", "pollutant")
    ]


def refusal(agreement, name, data, **options) -> set[tuple]:
    with pytest.raises(ImportRejected) as rejected:
        import_monitoring(agreement=agreement, name=name, data=data, **options)
    return {(p.feature, p.message) for p in rejected.value.report.problems}


def test_the_field_workbook_gives_two_2026_means_exactly(agreement):
    data = (FIELD / "15-monitoring-xlsx" / "jiekou_2026.xlsx").read_bytes()

    records = import_monitoring(agreement=agreement, name="jiekou_2026.xlsx", data=data)

    assert [(r.pollutant, r.value) for r in records] == [
        ("CODMn", Decimal("1.9")),
        ("NH3-N", Decimal("0.09")),
    ]
    assert stored() == [
        ("街口", 2026, "CODMn", "1.90000", "mg/L", "SYNTHETIC"),
        ("街口", 2026, "NH3-N", "0.09000", "mg/L", "SYNTHETIC"),
    ]


def test_the_field_csv_in_full_width_digits_gives_2028_means_exactly(agreement):
    data = (FIELD / "17-monitoring-fullwidth-digits" / "jiekou_2028.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data

    records = import_monitoring(agreement=agreement, name="jiekou_2028.csv", data=data)

    assert [(r.year, r.pollutant, r.value, r.unit) for r in records] == [
        (2028, "CODMn", Decimal("1.85"), "mg/L"),
        (2028, "NH3-N", Decimal("0.076"), "mg/L"),
    ]
    assert stored() == [
        ("街口", 2028, "CODMn", "1.85000", "mg/L", "SYNTHETIC"),
        ("街口", 2028, "NH3-N", "0.07600", "mg/L", "SYNTHETIC"),
    ]


def test_number_text_and_date_cells_of_a_workbook_are_read_alike(agreement):
    data = workbook(
        (
            "年均值",
            [
                HEADER,
                ["街口", 2026, "CODMn", 1.9],
                ["街口", "2026年", "NH3-N", "0.09"],
                ["街口", date(2026, 3, 1), "TN", 2],
                ["街口", datetime(2026, 12, 31, 8, 30), "TP", 0.021],
            ],
        )
    )

    import_monitoring(agreement=agreement, name="means.xlsx", data=data)

    assert [(year, pollutant, value) for _, year, pollutant, value, _, _ in stored()] == [
        (2026, "CODMn", "1.90000"),
        (2026, "NH3-N", "0.09000"),
        (2026, "TN", "2.00000"),
        (2026, "TP", "0.02100"),
    ]


def test_a_float_cell_is_read_by_its_shortest_text_not_the_text_in_the_file(agreement):
    data = workbook(("年均值", [HEADER, ["街口", 2026, "TP", 0.07]]))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert b"<v>0.07000000000000001</v>" in archive.read("xl/worksheets/sheet1.xml")

    import_monitoring(agreement=agreement, name="means.xlsx", data=data)

    assert MonitoringRecord.objects.get().value == Decimal("0.07")


def test_a_computed_float_cell_is_refused_for_its_places_and_a_huge_one_for_its_size(agreement):
    data = workbook(("年均值", [HEADER, ["街口", 2026, "TP", 1 / 3], ["街口", 2026, "TN", 1e20]]))

    assert refusal(agreement, "means.xlsx", data) == {
        (1, "the annual mean 0.3333333333333333 has more than 5 decimal places; round it."),
        (2, "the annual mean 1e+20 is too large: at most 7 digits before the point fit."),
    }
    assert not MonitoringRecord.objects.exists()


def test_of_several_sheets_the_one_named_like_annual_means_is_read(agreement):
    data = workbook(
        ("说明", [["本表为街口断面水质年均值"]]),
        ("2026年均值", [HEADER, ["街口", 2026, "TP", 0.02]]),
        ("原始数据", [HEADER, ["街口", 2026, "TP", 0.5]]),
    )

    import_monitoring(agreement=agreement, name="means.xlsx", data=data)

    assert stored() == [("街口", 2026, "TP", "0.02000", "mg/L", "means.xlsx")]


def test_of_several_sheets_the_only_one_with_the_header_is_read(agreement):
    data = workbook(
        ("说明", [["本表为街口断面水质年均值"]]),
        ("数据", [[], HEADER, ["街口", 2026, "TP", 0.02]]),
    )

    import_monitoring(agreement=agreement, name="means.xlsx", data=data)

    assert stored() == [("街口", 2026, "TP", "0.02000", "mg/L", "means.xlsx")]


def test_a_sheet_chosen_by_name_is_read(agreement):
    data = workbook(
        ("2026", [HEADER, ["街口", 2026, "TP", 0.02]]),
        ("2027", [HEADER, ["街口", 2027, "TP", 0.03]]),
    )

    import_monitoring(agreement=agreement, name="means.xlsx", data=data, sheet="2027")

    assert stored() == [("街口", 2027, "TP", "0.03000", "mg/L", "means.xlsx")]


def test_several_sheets_and_none_chosen_are_refused_listing_the_sheets(agreement):
    data = workbook(
        ("说明", [["本表为街口断面水质年均值"]]),
        ("2026", [HEADER, ["街口", 2026, "TP", 0.02]]),
        ("2027", [HEADER, ["街口", 2027, "TP", 0.03]]),
    )

    assert refusal(agreement, "means.xlsx", data) == {
        (
            None,
            "means.xlsx has 3 sheets (说明, 2026, 2027); choose the one to read by its name.",
        )
    }
    assert refusal(agreement, "means.xlsx", data, sheet="2025") == {
        (None, "means.xlsx has no sheet named 2025; its sheets are 说明, 2026, 2027.")
    }
    assert not MonitoringRecord.objects.exists()


def test_files_that_are_not_workbooks_are_refused_by_name(agreement):
    assert refusal(agreement, "means.xlsx", b"section,year\n") == {
        (None, "means.xlsx cannot be opened as an Excel workbook (.xlsx).")
    }
    assert refusal(agreement, "means.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)) == {
        (None, "means.xls is an Excel 97-2003 workbook (.xls); save it as .xlsx or CSV.")
    }


def test_a_table_longer_than_the_row_limit_is_refused_blank_rows_counted(agreement):
    data = monitoring_csv(GOOD_ROW) + b"\n" * MAX_ROWS

    assert refusal(agreement, "m.csv", data) == {
        (None, f"m.csv has more than {MAX_ROWS} rows; split it.")
    }


def test_every_cell_is_normalised_with_nfkc_header_section_year_value_and_unit(agreement):
    header = ",".join(wide(c) for c in ("section", "year", "pollutant", "mean", "unit", "source"))
    rows = [
        ["街口（皖）", wide("2028") + "年", wide("CODMn"), wide("1.85"), wide("mg/L"), wide("SYN")],
        ["街口（皖）", wide("2028"), "ＮＨ₃－Ｎ", wide("76"), "µ" + wide("g/L"), wide("SYN")],
    ]
    data = "\r\n".join([header, *(",".join(r) for r in rows)]).encode("utf-8-sig")

    import_monitoring(agreement=agreement, name="wide.csv", data=data)

    assert stored() == [
        ("街口(皖)", 2028, "CODMn", "1.85000", "mg/L", "SYN"),
        ("街口(皖)", 2028, "NH3-N", "76.00000", "\u00b5g/L", "SYN"),
    ]


@pytest.mark.parametrize(
    ("header", "unit"),
    [
        ("section,year,pollutant,mean,unit", "\u00b5g/L"),  # micro sign
        ("section,year,pollutant,mean,unit", "\u03bcg/L"),  # Greek mu
        ("section,year,pollutant,mean_ug_per_l", ""),
        ("断面,年份,污染物,年均值(\u00b5g/L)", ""),
        ("断面,年份,污染物,年均值（\u03bcg/L）", ""),
    ],
)
def test_micrograms_written_with_micro_sign_or_greek_mu_are_stored_as_one_unit(
    agreement, header, unit
):
    data = f"{header}\n街口,2026,NH3-N,80{',' + unit if unit else ''}\n".encode()

    (record,) = import_monitoring(agreement=agreement, name="m.csv", data=data)

    assert MonitoringRecord.objects.get().unit == "\u00b5g/L" == MonitoringRecord.Unit.UG_L
    assert record.mg_l == Decimal("0.08")


@pytest.mark.parametrize(
    "year", ["2024", "2024年", "2024年3月", "2024年3月1日", "2024-03", "2024/3/1", "2024.3"]
)
def test_dates_give_their_year_where_a_year_is_expected(agreement, year):
    import_monitoring(
        agreement=agreement, name="m.csv", data=monitoring_csv(f"街口,{year},TP,0.02")
    )

    assert MonitoringRecord.objects.get().year == 2024


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("2024/2/30", "year '2024/2/30' is not a year or a date."),
        ("March 2024", "year 'March 2024' is not a year or a date."),
        ("24年", "year '24年' is not a year or a date."),
        ("二〇二四", "year '二〇二四' is not a year or a date."),
        ("1900年1月", "year 1900 is outside 1990..2100."),
    ],
)
def test_years_that_are_not_years_are_refused_naming_the_row_and_value(agreement, year, message):
    data = monitoring_csv(GOOD_ROW, f"街口,{year},TP,0.02")

    assert refusal(agreement, "m.csv", data) == {(2, message)}
    assert not MonitoringRecord.objects.exists()


@pytest.mark.parametrize("case", REFUSED_ROWS)
def test_values_and_texts_beyond_their_columns_are_refused_by_row_and_field(agreement, case):
    row, message = REFUSED_ROWS[case]

    assert refusal(agreement, "m.csv", monitoring_csv(GOOD_ROW, row)) == {(2, message)}
    assert not MonitoringRecord.objects.exists()


def test_the_bounds_come_from_the_column(agreement):
    field = MonitoringRecord._meta.get_field("value")
    largest = "9" * (field.max_digits - field.decimal_places) + "." + "9" * field.decimal_places

    import_monitoring(
        agreement=agreement, name="m.csv", data=monitoring_csv(f"街口,2026,TP,{largest}")
    )

    assert str(MonitoringRecord.objects.get().value) == "9999999.99999"


def test_the_template_header_is_read(agreement):
    data = ",".join(TEMPLATE_HEADER) + "\n街口,2026,总磷,0.02,自动站\n"

    import_monitoring(agreement=agreement, name="template.csv", data=data.encode())

    assert stored() == [("街口", 2026, "TP", "0.02000", "mg/L", "自动站")]


def test_the_command_reads_a_chosen_sheet_and_refuses_a_bad_row_cleanly(agreement, tmp_path):
    book = tmp_path / "means.xlsx"
    book.write_bytes(
        workbook(
            ("2026", [HEADER, ["街口", 2026, "TP", 0.02]]),
            ("2027", [HEADER, ["街口", 2027, "TP", "1e400"]]),
        )
    )

    with pytest.raises(CommandError) as refused:
        call_command("import_monitoring", str(book), agreement=agreement.pk, sheet="2027")
    assert str(refused.value) == (
        "means.xlsx was rejected; nothing was imported.\n1 problem(s) in 1 row(s):\n"
        "  row 1: the annual mean 1e400 is too large: at most 7 digits before the point fit."
    )
    assert not MonitoringRecord.objects.exists()

    call_command("import_monitoring", str(book), agreement=agreement.pk, sheet="2026")
    assert stored() == [("街口", 2026, "TP", "0.02000", "mg/L", "means.xlsx")]


@pytest.mark.parametrize("case", REFUSED_ROWS)
def test_the_command_refuses_each_bad_row_with_its_message_and_stores_nothing(
    agreement, tmp_path, case
):
    path = tmp_path / "means.csv"
    path.write_bytes(monitoring_csv(GOOD_ROW, REFUSED_ROWS[case][0]))

    with pytest.raises(CommandError) as refused:
        call_command("import_monitoring", str(path), agreement=agreement.pk)

    assert f"  row 2: {REFUSED_ROWS[case][1]}" in str(refused.value)
    assert not MonitoringRecord.objects.exists()
