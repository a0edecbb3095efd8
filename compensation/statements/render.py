"""Statement content rendered as CSV (UTF-8 with BOM), XLSX (typed, frozen header) and PDF (A4).

CSV is a pure function of the content and digest, so the same ledger gives the
same bytes. Labels are Chinese first with the English after them.
"""

import csv
import io
import json
from datetime import date
from decimal import Decimal

from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.styles import Font

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
        money_columns = "G"
    for cell in sheet[1]:
        cell.font = bold
    sheet.freeze_panes = "A2"
    for column in money_columns:
        for cell in sheet[column][1:]:
            cell.number_format = "#,##0.00"
    if content["region"] is not None:
        _tonnes_sheet(workbook.create_sheet("碳汇 Tonnes"), content["tonnes"], bold)
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


def pdf_bytes(content: dict, digest: str) -> bytes:
    """A4, Noto CJK, page numbers; the digest and ledger hash in every page's footer."""
    from weasyprint import HTML

    html = render_to_string(
        "statements/statement.html",
        {
            "content": content,
            "digest": digest,
            "channels": CHANNEL_NAMES,
            "directions": DIRECTIONS,
            "by_channel": _by_channel(content),
        },
    )
    return HTML(string=html).write_pdf()


def _by_channel(content: dict):
    if content["region"] is None:
        return []
    grouped = []
    for channel, label in CHANNEL_NAMES.items():
        rows = [
            {**t, "inputs_text": _inputs_lines(t["inputs"])}
            for t in content["transfers"]
            if t["channel"] == channel
        ]
        if rows:
            grouped.append((label, rows))
    return grouped


def _inputs_lines(inputs: dict) -> list[str]:
    lines = []
    for key, value in sorted(inputs.items()):
        if isinstance(value, (dict, list)):
            value = json.dumps(value, ensure_ascii=False, sort_keys=True)
        lines.append(f"{key} = {value}")
    return lines
