"""Published tables: a name that would run as a formula is text in CSV and XLSX, as is in JSON."""

import io
import json

from openpyxl import load_workbook

from disclosure.tables import render

NAME = '=HYPERLINK("http://x","y")'


def test_a_formula_like_name_is_text_in_csv_and_xlsx_and_unchanged_in_json():
    columns, rows = ["code", "name", "total_cny"], [["341000", NAME, "-12.50"]]

    table = render(columns, rows, "csv", title="t").decode("utf-8-sig")
    sheet = load_workbook(io.BytesIO(render(columns, rows, "xlsx", title="t"))).active
    data = json.loads(render(columns, rows, "json", title="t"))

    assert table.splitlines()[1] == """341000,"'=HYPERLINK(""http://x"",""y"")",-12.50"""
    assert [c.value for c in sheet[2]] == ["341000", "'" + NAME, "-12.50"]
    assert data == [{"code": "341000", "name": NAME, "total_cny": "-12.50"}]
