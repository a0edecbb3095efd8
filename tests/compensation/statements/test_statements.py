"""Statements: PDF with Chinese text, totals and digest; byte-identical CSV; verification."""

import io
import subprocess
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import load_workbook

from compensation.models import Statement
from compensation.statements.issue import issue_statements, render
from compensation.statements.render import statement_number, verification_url
from compensation.statements.verify import pdf_text, verify_file
from compensation.tasks import render_statements
from formats.numbers import capital_yuan
from tests.conftest import committing, race
from tests.factories import DOWNSTREAM, UPSTREAM, posted_run


def statement(run, code):
    return (
        Statement.objects.get(run=run, region__code=code)
        if code
        else run.statements.get(region=None)
    )


def test_every_region_and_a_summary_get_three_formats(issued):
    assert issued.status == "statements"
    assert issued.statements.count() == 3
    for s in issued.statements.all():
        assert s.status == "issued" and len(s.digest) == 64
        assert s.pdf.name.endswith(".pdf") and s.csv.name.endswith(".csv")
        assert s.ledger_hash == s.data["ledger"]["last_hash"]
    assert issued.transitions.last().to_status == "statements"


def test_pdf_names_the_region_in_chinese_with_totals_and_digest(issued):
    upstream = statement(issued, UPSTREAM)

    text = pdf_text(upstream.pdf.read())

    assert "黄山市（341000）" in text
    assert "4,341,975.00" in text and "200,000,000.00" in text
    assert upstream.digest in text.replace("\n", "")
    assert "第 1 / " in text
    summary = pdf_text(statement(issued, None).pdf.read())
    assert "5,341,975.00 CNY" in summary


def test_csv_regenerates_byte_for_byte_with_the_same_digest(issued):
    downstream = statement(issued, DOWNSTREAM)

    again = render(downstream, formats=("csv",))

    assert again.files["csv"] == downstream.csv.read()
    assert again.digest == downstream.digest
    lines = again.files["csv"].decode("utf-8-sig").splitlines()
    assert again.files["csv"].startswith(b"\xef\xbb\xbf")
    assert lines[0].startswith("记录 record,结算 run,地区 region")
    assert lines[-1].startswith(f"digest,{issued.pk},{DOWNSTREAM}")


def test_xlsx_has_typed_cells_and_a_frozen_header(issued):
    upstream = statement(issued, UPSTREAM)

    workbook = load_workbook(io.BytesIO(upstream.xlsx.read()))

    sheet = workbook["转移 Transfers"]
    assert sheet.freeze_panes == "A2"
    amounts = [row[6].value for row in sheet.iter_rows(min_row=2)]
    assert Decimal("4341975") in amounts
    assert all(isinstance(a, int | float | Decimal) for a in amounts)
    assert workbook["核验 Verification"]["B5"].value == upstream.digest


def test_issued_files_verify(issued):
    for s in issued.statements.all():
        for fmt in ("pdf", "csv", "xlsx"):
            result = verify_file(f"x.{fmt}", getattr(s, fmt).read())
            assert result.matches, result.summary()
            assert f"Matches run {issued.pk}" in result.summary()


def test_a_csv_edited_by_one_byte_fails_and_names_the_line(issued):
    data = bytearray(statement(issued, UPSTREAM).csv.read())
    position = data.index(b"4341975.00")
    data[position] = ord("5")

    result = verify_file("edited.csv", bytes(data))

    assert not result.matches
    assert "differs from statement" in result.summary()
    assert "5341975.00" in result.summary() and "4341975.00" in result.summary()


def test_a_pdf_edited_by_one_byte_fails_verification(issued):
    data = bytearray(statement(issued, UPSTREAM).pdf.read())
    data[len(data) // 2] ^= 0x01

    result = verify_file("edited.pdf", bytes(data))

    assert not result.matches
    assert result.summary()


def test_an_edited_xlsx_names_the_cell(issued):
    upstream = statement(issued, UPSTREAM)
    workbook = load_workbook(io.BytesIO(upstream.xlsx.read()))
    workbook["转移 Transfers"]["G2"] = 1
    out = io.BytesIO()
    workbook.save(out)

    result = verify_file("edited.xlsx", out.getvalue())

    assert not result.matches
    assert "cell G2 holds 1" in result.summary()


def test_command_verifies_and_refuses(issued, tmp_path):
    good = tmp_path / "good.csv"
    good.write_bytes(statement(issued, UPSTREAM).csv.read())
    out = io.StringIO()
    call_command("verify_statement", str(good), stdout=out)
    assert f"Matches run {issued.pk}, 黄山市 (341000)" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"not,a,statement\n")
    with pytest.raises(CommandError, match="no statement trailer row"):
        call_command("verify_statement", str(bad))


def test_pdf_page_renders_to_png(issued, tmp_path):
    pdf = tmp_path / "s.pdf"
    pdf.write_bytes(statement(issued, UPSTREAM).pdf.read())
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    assert (tmp_path / "page-1.png").stat().st_size > 10_000


@committing
def test_two_issuers_at_once_create_each_statement_once(pilot, maker, checker):
    run = posted_run(pilot, maker, checker)

    results = race(lambda i: issue_statements(run, by=checker))

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(run.statements.values_list("region__code", flat=True), key=str) == [
        DOWNSTREAM,
        UPSTREAM,
        None,
    ]


def test_pdf_is_an_official_document(issued):
    """Number, Beijing times, 大写, signatures, named counterparties, labelled inputs, QR."""
    upstream = statement(issued, UPSTREAM)
    text = pdf_text(upstream.pdf.read())
    flat = text.replace("\n", "")

    assert statement_number(upstream.data) in text
    assert upstream.data["run"]["id"] and "碳补结〔2024〕" in text
    assert capital_yuan(Decimal(upstream.data["balances"]["closing"])) in flat
    for transition in issued.transitions.filter(to_status__in=["draft", "approved", "posted"]):
        assert timezone.localtime(transition.at).strftime("%Y-%m-%d %H:%M:%S") in text
    assert "+00:00" not in text
    assert "经办" in text and "复核" in text and "审核记账" in text and "（盖章）" in text
    assert issued.started_by.get_username() in text and issued.approved_by.get_username() in text
    assert verification_url(upstream.digest) in flat.replace(" ", "")
    assert "standard_met" not in text and "达标 standard met" in text
    assert "cny:" not in text
    summary = statement(issued, None)
    summary_text = pdf_text(summary.pdf.read()).replace("\n", "")
    assert "黄山市（341000）" in summary_text
    for amounts in summary.data["totals"].values():
        assert capital_yuan(Decimal(amounts["CNY"])) in summary_text


def test_a_render_batch_issues_its_statements_and_a_retried_batch_changes_nothing(
    pilot, maker, checker
):
    run = posted_run(pilot, maker, checker)
    issue_statements(run, by=checker)  # queued on commit, which this test never reaches
    pending = list(run.statements.order_by("pk").values_list("pk", flat=True))

    render_statements(pending)
    first = dict(run.statements.values_list("pk", "digest"))
    render_statements(pending)  # the broker delivered the batch again

    assert len(pending) == 3
    assert set(run.statements.values_list("status", flat=True)) == {"issued"}
    assert dict(run.statements.values_list("pk", "digest")) == first
    run.refresh_from_db()
    assert run.status == "statements"


def test_a_name_that_would_run_as_a_formula_is_text_in_the_csv_and_the_workbook(
    pilot, maker, checker
):
    pilot.agreements.update(name='=HYPERLINK("http://x","y")')
    run = issue_statements(posted_run(pilot, maker, checker), by=checker, inline=True)
    upstream = statement(run, UPSTREAM)

    data = upstream.csv.read()
    table = data.decode("utf-8-sig")
    sheet = load_workbook(io.BytesIO(upstream.xlsx.read()))["转移 Transfers"]

    assert """'=HYPERLINK(""http://x"",""y"")""" in table
    descriptions = [c.value for c in sheet["H"][1:] if "HYPERLINK" in str(c.value)]
    assert descriptions and all(d.startswith("'=HYPERLINK(") for d in descriptions)
    assert verify_file("x.csv", data).matches
