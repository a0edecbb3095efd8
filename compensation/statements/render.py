"""Statement content rendered as CSV (UTF-8 with BOM), XLSX (typed, frozen header) and PDF (A4).

CSV is a pure function of the content and digest, so the same ledger gives the
same bytes. Labels are Chinese first with the English after them.
"""

import base64
import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import urlencode

import qrcode
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook
from openpyxl.styles import Font
from qrcode.image.svg import SvgPathImage

from compensation.accounts import CNY
from compensation.models import SettlementRun
from compensation.statements.inputs import LABELS, input_lines
from formats import cells
from formats.numbers import capital_yuan

SettlementStatus = SettlementRun.Status

CHANNEL_NAMES = {
    "vertical": "纵向 vertical",
    "horizontal": "横向 horizontal",
    "market": "市场 market",
}
DIRECTIONS = {"received": "收入 received", "paid": "支出 paid", "moved": "转记 moved"}
REGION_COLUMNS = [
    "记录 record",
    "结算 run",
    "地区 region",
    "分录 entry",
    "渠道 channel",
    "方向 direction",
    "账户 account",
    "对方 counterparty",
    "单位 commodity",
    "金额 amount",
    "摘要 description",
    "公式输入 inputs",
]
SUMMARY_COLUMNS = [
    "记录 record",
    "结算 run",
    "地区 region",
    "渠道 channel",
    "净额 net (CNY)",
    "上期 previous",
    "差额 difference",
]


def _inputs(inputs: dict) -> str:
    return json.dumps(inputs, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def csv_bytes(content: dict, digest: str) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    run_id = content["run"]["id"]
    ledger_hash = content["ledger"]["last_hash"]
    if content["region"] is None:
        writer.writerow(SUMMARY_COLUMNS)
        for code, channels in sorted(content["regions"].items()):
            for channel, values in sorted(channels.items()):
                writer.writerow(
                    [
                        "net",
                        run_id,
                        code,
                        channel,
                        values["net"],
                        values["previous"] or "",
                        values["difference"] or "",
                    ]
                )
        writer.writerow(["digest", run_id, "", "", digest, ledger_hash, ""])
    else:
        code = content["region"]["code"]
        writer.writerow(REGION_COLUMNS)
        for t in content["transfers"]:
            writer.writerow(
                cells.row(
                    [
                        "transfer",
                        run_id,
                        code,
                        t["entry"],
                        t["channel"],
                        t["direction"],
                        t["account"],
                        t["counterparty"],
                        t["commodity"],
                        t["amount"],
                        t["description"],
                        _inputs(t["inputs"]),
                    ]
                )
            )
        writer.writerow(["digest", run_id, code, "", "", "", "", "", "", "", digest, ledger_hash])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def xlsx_bytes(content: dict, digest: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    bold = Font(bold=True)
    if content["region"] is None:
        sheet.title = "汇总 Summary"
        sheet.append(SUMMARY_COLUMNS[2:])
        for code, channels in sorted(content["regions"].items()):
            for channel, values in sorted(channels.items()):
                sheet.append(
                    [
                        code,
                        channel,
                        Decimal(values["net"]),
                        Decimal(values["previous"]) if values["previous"] else None,
                        Decimal(values["difference"]) if values["difference"] else None,
                    ]
                )
        money_columns = "CDE"
    else:
        sheet.title = "转移 Transfers"
        sheet.append(REGION_COLUMNS[3:])
        for t in content["transfers"]:
            sheet.append(
                cells.row(
                    [
                        t["entry"],
                        CHANNEL_NAMES[t["channel"]],
                        DIRECTIONS[t["direction"]],
                        t["account"],
                        t["counterparty"],
                        t["commodity"],
                        Decimal(t["amount"]),
                        t["description"],
                        _inputs(t["inputs"]),
                    ]
                )
            )
        money_columns = "G"
    for cell in sheet[1]:
        cell.font = bold
    sheet.freeze_panes = "A2"
    for column in money_columns:
        for cell in sheet[column][1:]:
            cell.number_format = "#,##0.00"
    if content["region"] is not None:
        _tonnes_sheet(workbook.create_sheet("碳汇 Tonnes"), content["tonnes"], bold)
        tables = allocation_tables(content, {})
        if tables:
            _allocation_sheet(workbook.create_sheet("分配表 Allocation"), tables, bold)
    check = workbook.create_sheet("核验 Verification")
    for label, value in (
        ("结算 run", content["run"]["id"]),
        ("地区 region", content["region"]["code"] if content["region"] else "summary"),
        ("期间开始 period start", date.fromisoformat(content["run"]["period_start"])),
        ("期间结束 period end", date.fromisoformat(content["run"]["period_end"])),
        ("内容摘要 SHA-256 digest", digest),
        ("账簿哈希 ledger hash", content["ledger"]["last_hash"]),
        ("最后分录 last entry", content["ledger"]["last_entry"]),
    ):
        check.append([label, value])
    check["C3"].number_format = check["C4"].number_format = "yyyy-mm-dd"
    workbook.properties.creator = "Tanhui"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _tonnes_sheet(sheet, tonnes, bold):
    columns = [
        "vintage",
        "verified",
        "available",
        "claimed_vertical",
        "claimed_horizontal",
        "claimed_market",
        "buffer",
        "retired",
        "cancelled",
    ]
    sheet.append(columns)
    for row in tonnes:
        sheet.append([row["vintage"], *(Decimal(row[c]) for c in columns[1:])])
    for cell in sheet[1]:
        cell.font = bold
    sheet.freeze_panes = "A2"


def _allocation_sheet(sheet, tables, bold):
    """One block per cascade tier the region pays: method and facts, then a row per recipient."""
    for table in tables:
        sheet.append(
            [f"分级转移分配表 第 {table['level']} 级 cascade allocation, level {table['level']}"]
        )
        sheet.cell(sheet.max_row, 1).font = bold
        sheet.append(["分配办法 method", cells.cell(table["method"])])
        for label, value in table["facts"]:
            sheet.append([label, Decimal(value)])
            sheet.cell(sheet.max_row, 2).number_format = "#,##0.00"
        sheet.append(
            [
                "地区 region",
                *table["factors"],
                LABELS["assessment_adjustment"],
                LABELS["allocation"],
                LABELS["paid"],
            ]
        )
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for row in table["rows"]:
            values = [*row["amounts"], row["adjustment"], row["allocation"], row["paid"]]
            sheet.append([row["region"], *(Decimal(v) if v else None for v in values)])
            for cell in sheet[sheet.max_row][1:]:
                cell.number_format = "#,##0.00"
        sheet.append([])


def statement_number(content: dict) -> str:
    """The statement's number, printed on it: 碳补结〔2024〕000012-341000号 (year, run, region).

    Derived from the content, so the same statement always carries the same number;
    the summary of a run has 000000 as its region.
    """
    year = content["run"]["period_end"][:4]
    region = content["region"]["code"] if content["region"] else "000000"
    return f"碳补结〔{year}〕{content['run']['id']:06d}-{region}号"


def verification_url(digest: str) -> str:
    """Where a reader of the paper checks it online: the verification page, digest in the query."""
    path = reverse("admin:compensation_statement_verify")
    return f"{settings.TANHUI_SITE_URL.rstrip('/')}{path}?{urlencode({'digest': digest})}"


def _qr_svg(text: str) -> str:
    """A QR code (error correction M) as an SVG data URI, drawn without Pillow."""
    image = qrcode.make(
        text, image_factory=SvgPathImage, error_correction=qrcode.constants.ERROR_CORRECT_M
    )
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()


def _local(iso: str) -> str:
    """An ISO timestamp as Beijing time (settings.TIME_ZONE): 2026-11-30 21:44:14."""
    return timezone.localtime(datetime.fromisoformat(iso)).strftime("%Y-%m-%d %H:%M:%S")


SIGNATURES = (
    ("经办 Prepared by", SettlementStatus.DRAFT),
    ("复核 Checked by", SettlementStatus.APPROVED),
    ("审核记账 Posted by", SettlementStatus.POSTED),
)


def _signatures(history: list[dict]) -> list[tuple[str, str]]:
    """(role, name) of who started, approved and posted the run, from its history."""
    people = {}
    for step in history:
        people.setdefault(step["status"], step["name"] or step["by"])
    return [(label, people.get(status, "")) for label, status in SIGNATURES]


def pdf_bytes(content: dict, digest: str, names: dict | None = None) -> bytes:
    """A4, Noto CJK, page numbers; the digest and ledger hash in every page's footer.

    An official document: statement number, Beijing times, totals in 大写, the
    经办/复核/审核 signature block with space for the seal, and a QR code of the
    verification address with the digest. `names` labels account codes and
    region codes (compensation.parties.labels); a code without a label is printed as is.
    """
    from weasyprint import HTML

    names = names or {}
    history = [{**step, "at": _local(step["at"])} for step in content["history"]]
    with translation.override("zh-hans"):
        html = render_to_string(
            "statements/statement.html",
            {
                "content": content,
                "digest": digest,
                "number": statement_number(content),
                "history": history,
                "signatures": _signatures(content["history"]),
                "verify_url": verification_url(digest),
                "qr": _qr_svg(verification_url(digest)),
                "channels": CHANNEL_NAMES,
                "directions": DIRECTIONS,
                "by_channel": _by_channel(content, names),
                "allocations": allocation_tables(content, names),
                "totals": _totals(content),
                "regions": _region_rows(content, names),
            },
        )
    return HTML(string=html).write_pdf()


def _totals(content: dict) -> list[dict]:
    """The summary's money per channel, in figures and 大写 (tonnes have no 大写)."""
    if content["region"] is not None:
        return []
    rows = []
    for channel, label in CHANNEL_NAMES.items():
        for commodity, amount in content["totals"].get(channel, {}).items():
            rows.append(
                {
                    "channel": label,
                    "commodity": commodity,
                    "amount": amount,
                    "capital": capital_yuan(amount) if commodity == CNY else "",
                }
            )
    return rows


def _region_rows(content: dict, names: dict) -> list[dict]:
    if content["region"] is not None:
        return []
    return [
        {
            "code": code,
            "name": names.get(code, ""),
            "channel": CHANNEL_NAMES.get(channel, channel),
            **values,
        }
        for code, channels in sorted(content["regions"].items())
        for channel, values in sorted(channels.items())
    ]


def _by_channel(content: dict, names: dict):
    if content["region"] is None:
        return []
    grouped = []
    for channel, label in CHANNEL_NAMES.items():
        rows = [
            {
                **t,
                "counterparty_name": names.get(t["counterparty"], ""),
                "inputs_text": input_lines(t["inputs"]),
            }
            for t in content["transfers"]
            if t["channel"] == channel
        ]
        if rows:
            grouped.append((label, rows))
    return grouped


def allocation_tables(content: dict, names: dict) -> list[dict]:
    """The vertical cascade tiers a region's statement shows it paying, one table each.

    A province (or prefecture) that passes its vertical money on to its counties gets, per
    tier it pays, what a provincial finance bureau's 分配表 holds: the method, budget,
    what it received and passed on, what it kept and the shortfall against its method,
    and one row per recipient with each factor's amount (CNY), the ΔEI adjustment, the
    method's allocation and what was paid. Read from the transfers' inputs only, so the
    content and its digest are unchanged; [] for any other statement.
    """
    if content["region"] is None:
        return []
    tiers: dict = {}
    for t in content["transfers"]:
        inputs = t["inputs"]
        if t["channel"] != "vertical" or t["direction"] != "paid" or "tier" not in inputs:
            continue
        tiers.setdefault(inputs["tier"], []).append(
            {**inputs, "name": names.get(t["counterparty"], "")}
        )
    tables = []
    for rows in tiers.values():
        first = rows[0]
        kinds = sorted(
            {k.removeprefix("factor:") for r in rows for k in r if k.startswith("factor:")}
        )
        tables.append(
            {
                "level": first["level"],
                "method": first["method"],
                "illustrative": first.get("illustrative") == "true",
                "facts": [
                    (LABELS[key], first[key])
                    for key in ("budget", "received", "passed_on", "unallocated", "shortfall")
                    if key in first
                ],
                "factors": [LABELS.get(f"factor:{kind}", kind) for kind in kinds],
                "rows": [
                    {
                        "region": r["region"],
                        "name": r["name"],
                        "amounts": [
                            r.get(f"factor:{kind}", {}).get("amount", "") for kind in kinds
                        ],
                        "adjustment": r.get("assessment_adjustment", ""),
                        "allocation": r["allocation"],
                        "paid": r["paid"],
                    }
                    for r in sorted(rows, key=lambda r: r["region"])
                ],
            }
        )
    return sorted(tables, key=lambda table: table["level"])
