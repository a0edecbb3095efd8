"""Statement rendering: a national run's summary as PDF (pages/s), CSV and XLSX (rows/s).

A synthetic national pilot (bench/settle_national.py) of SIZES counties is
calculated, approved and posted with the settlement services; its summary
statement lists every county's net per channel, so its length grows with the
pilot. The PDF is timed through `compensation.statements.issue.render`, reading
the content from the ledger as issuing does; CSV and XLSX are timed from that
content (reading it costs the same for every format). Baselines, in the same
run, on the same rows:

- PDF: WeasyPrint laying out and writing a plain HTML table of the same
  rows (same font and page margins; no template, no page counters, no ledger
  read): the cost of the renderer itself. Rates are pages/s of each document.
- CSV: `csv.writer` writing the same rows as plain tuples.
- XLSX: openpyxl's write-only workbook with the same rows, no styles.
"""

import csv
import io
import statistics
import subprocess
import tempfile
import time
from html import escape

from openpyxl import Workbook

from bench.harness import timed
from bench.settle_national import counties, finance_user, national_pilot
from compensation.models import Statement
from compensation.periods import Period
from compensation.settlement import planning, posting, states
from compensation.statements.issue import render
from compensation.statements.render import csv_bytes, xlsx_bytes

SIZES = (60, 240)
REPEATS = 3  # CSV and XLSX; a PDF takes seconds a page, so it is rendered once
YEAR = 2024
PLAIN_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>
@page { size: A4; margin: 18mm 15mm 24mm 15mm; }
body { font-family: "Noto Sans CJK SC", sans-serif; font-size: 9pt; }
table { border-collapse: collapse; width: 100%; }
td { border: 0.4pt solid #999; padding: 1.2mm 1.5mm; }
</style></head><body><table>{rows}</table></body></html>"""


def run(report):
    regions = counties(max(SIZES))
    maker = finance_user("bench-maker")
    checker = finance_user("bench-checker")
    _plain_pdf([("000000", "vertical", "0", "", "")])  # fonts are loaded once, before any timing
    for size in SIZES:
        statement = _posted_summary(regions[:size], maker, checker)
        started = time.perf_counter()
        rendered = render(statement, formats=("pdf",))
        pdf_seconds = time.perf_counter() - started
        rows = _rows(rendered.content)
        plain_pages, plain_seconds = _plain_pdf(rows)
        baseline = report.add(
            "WeasyPrint plain table, same rows",
            size=plain_pages,
            unit="pg/s",
            seconds=plain_seconds,
        )
        pages = _pages(rendered.files["pdf"])
        report.add(
            "statement PDF: ledger read, template, PDF",
            size=pages,
            unit="pg/s",
            baseline=baseline,
            seconds=pdf_seconds,
        )
        for fmt, plain, writer in (
            ("csv", _plain_csv, csv_bytes),
            ("xlsx", _plain_xlsx, xlsx_bytes),
        ):
            baseline = report.add(
                f"plain {fmt.upper()} writer, same rows",
                size=len(rows),
                unit="r/s",
                seconds=_median(lambda plain=plain, rows=rows: plain(rows)),
            )
            report.add(
                f"statement {fmt.upper()} from its content",
                size=len(rows),
                unit="r/s",
                baseline=baseline,
                seconds=_median(lambda writer=writer, r=rendered: writer(r.content, r.digest)),
            )
        print(f"  {size} counties: {len(rows)} summary rows, {pages} PDF pages", flush=True)


def _median(work) -> float:
    return statistics.median(timed(work) for _ in range(REPEATS))


def _posted_summary(regions, maker, checker) -> Statement:
    programme = national_pilot(regions, len(regions))
    run = planning.start_run(programme=programme, period=Period.year(YEAR), by=maker)
    run = planning.calculate(run, by=maker, inline=True)
    run = states.approve(run, by=checker)
    run = posting.post(run, by=checker)
    if run.status != "posted":
        raise RuntimeError(f"bench run is {run.status}: {run.error}")
    return Statement.objects.create(run=run)


def _rows(content) -> list[tuple]:
    """The summary's rows, as the CSV and XLSX writers see them."""
    return [
        (code, channel, values["net"], values["previous"] or "", values["difference"] or "")
        for code, channels in sorted(content["regions"].items())
        for channel, values in sorted(channels.items())
    ]


def _pages(pdf: bytes) -> int:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        info = subprocess.run(["pdfinfo", file.name], check=True, capture_output=True, text=True)
    (pages,) = (line.split()[1] for line in info.stdout.splitlines() if line.startswith("Pages:"))
    return int(pages)


def _plain_pdf(rows) -> tuple[int, float]:
    """Pages and seconds for WeasyPrint to lay out and write a plain table of `rows`."""
    from weasyprint import HTML

    html = PLAIN_PAGE.replace(
        "{rows}",
        "".join(
            "<tr>" + "".join(f"<td>{escape(str(value))}</td>" for value in row) + "</tr>"
            for row in rows
        ),
    )
    started = time.perf_counter()
    document = HTML(string=html).render()
    document.write_pdf()
    return len(document.pages), time.perf_counter() - started


def _plain_csv(rows) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode()


def _plain_xlsx(rows) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
