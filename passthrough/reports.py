"""Pass-through reports: a recipient statement and a region's reconciliation for a period.

    recipient_content(recipient, as_of)           -> dict: what was due, paid, outstanding
    reconciliation_content(region, start, end, as_of)
                                                  -> dict: booked vs evidenced, unmatched
    render(content, fmt)                          -> bytes of "csv" | "xlsx" | "pdf"

A report is read as it stood at the end of `as_of` (Beijing time, settings.TIME_ZONE):
plans posted, payments entered and matches made after it are not counted, a plan
reversed after it still is (passthrough.plans.reverse_plan), and each
line's status is passthrough.obligations.status on `as_of`. Plans, payments and
matches are never changed once stored, so once `as_of` is over, the same arguments give
the same content and the same digest whenever the report is made again (a report for
today may still change until midnight). Content is plain JSON, amounts
as strings in CNY to the fen (ledger.commodities.PLACES); its SHA-256 (`digest_of`, as
for settlement statements) is printed on every file, with each plan's ledger entry
(sequence and chain hash), so a reader can tie the report to the books.

The content holds codes, not names (names are printed beside the codes when a file is
made, render()), and no personal details: a household is its code, a payee account its
last four characters (passthrough.recipients.masked_account). Text cells that a
spreadsheet would read as a formula are written as text. Labels are Chinese first
with the English after them, as on settlement statements.
"""

import csv
import io
from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Font

from compensation.statements.content import digest_of
from formats import cells
from formats.numbers import capital_yuan, grouped
from ledger.commodities import CNY, PLACES
from passthrough import obligations
from passthrough.models import (
    Payment,
    PaymentMatch,
    Recipient,
    SubAllocationLine,
    SubAllocationPlan,
)
from passthrough.recipients import masked_account
from pilots.models import Region

RECIPIENT_FORMAT = "tanhui-recipient-statement/1"
RECONCILIATION_FORMAT = "tanhui-reconciliation/1"
FORMATS = ("pdf", "csv", "xlsx")
CENT = Decimal(1).scaleb(-PLACES[CNY])
ZERO = Decimal(0).quantize(CENT)
STATUS_NAMES = {
    obligations.OPEN: "未到期 open",
    obligations.PAID: "已付清 paid",
    obligations.WITHHELD: "未支付 withheld",
    obligations.PARTIAL: "部分支付 partially paid",
    obligations.LATE: "逾期支付 paid late",
}
KIND_NAMES = {
    Payment.Kind.VOUCHER: "国库集中支付凭证 voucher",
    Payment.Kind.BANK: "银行回单 bank receipt",
}
LINE_COLUMNS = [
    "分配明细 line",
    "分配方案 plan",
    "记账分录 entry",
    "受偿主体 recipient",
    "到期日 due date",
    "应付 due (CNY)",
    "已付 paid (CNY)",
    "未付 outstanding (CNY)",
    "状态 status",
]
MATCH_COLUMNS = [
    "凭证号 reference",
    "凭证类型 kind",
    "支付日期 paid on",
    "分配明细 line",
    "核销金额 matched (CNY)",
    "核销方式 matched by",
]
EVIDENCE_COLUMNS = [
    "凭证号 reference",
    "凭证类型 kind",
    "支付日期 paid on",
    "收款人 payee",
    "金额 amount (CNY)",
    "已核销 matched (CNY)",
    "未核销 unmatched (CNY)",
]


def _money(value) -> str:
    return str(Decimal(value).quantize(CENT))


def _lines(lines_filter: Q, as_of: date) -> list[dict]:
    """Lines of plans posted by the end of `as_of` and not reversed by then, each with what
    matches made by then paid."""
    end = obligations.end_of(as_of)
    rows = list(
        SubAllocationLine.objects.filter(
            lines_filter,
            Q(plan__status=SubAllocationPlan.Status.POSTED)
            | Q(plan__status=SubAllocationPlan.Status.REVERSED, plan__reversed_at__gt=end),
            plan__decided_at__lte=end,
        )
        .select_related("plan__entry", "recipient")
        .order_by("due_date", "pk")
    )
    paid, last = defaultdict(lambda: ZERO), {}
    for line_id, amount, paid_on in PaymentMatch.objects.filter(
        line__in=[r.pk for r in rows], matched_at__lte=end, payment__entered_at__lte=end
    ).values_list("line_id", "amount", "payment__paid_on"):
        paid[line_id] += amount
        last[line_id] = max(last.get(line_id, paid_on), paid_on)
    found = []
    for row in rows:
        row.paid, row.last_paid_on = paid[row.pk], last.get(row.pk)
        found.append(
            {
                "line": row.pk,
                "plan": row.plan_id,
                "entry": row.plan.entry.sequence,
                "entry_hash": row.plan.entry.hash,
                "recipient": row.recipient.code,
                "due_date": row.due_date.isoformat(),
                "amount": _money(row.amount),
                "paid": _money(row.paid),
                "owed": _money(row.amount - row.paid),
                "status": obligations.status(row, on=as_of),
            }
        )
    return found


def _matches(match_filter: Q, as_of: date) -> list[dict]:
    end = obligations.end_of(as_of)
    return [
        {
            "reference": reference,
            "kind": kind,
            "paid_on": paid_on.isoformat(),
            "line": line,
            "amount": _money(amount),
            "manual": by is not None,
        }
        for reference, kind, paid_on, line, amount, by in PaymentMatch.objects.filter(
            match_filter, matched_at__lte=end, payment__entered_at__lte=end
        )
        .order_by("payment__paid_on", "payment__reference", "payment_id", "line_id")
        .values_list(
            "payment__reference",
            "payment__kind",
            "payment__paid_on",
            "line_id",
            "amount",
            "matched_by_id",
        )
    ]


def _total(rows, field) -> str:
    return _money(sum((Decimal(r[field]) for r in rows), ZERO))


def recipient_content(recipient, *, as_of: date) -> dict:
    """What `recipient` was due, was paid and is owed at the end of `as_of`, line by line,
    with the payments matched to its lines. Amounts in CNY, 2 places, as strings."""
    lines = _lines(Q(recipient=recipient), as_of)
    region = recipient.region
    return {
        "format": RECIPIENT_FORMAT,
        "as_of": as_of.isoformat(),
        "region": {"code": region.code},
        "recipient": {"code": recipient.code},
        "lines": lines,
        "matches": _matches(Q(line__recipient=recipient), as_of),
        "totals": {
            "due": _total(lines, "amount"),
            "paid": _total(lines, "paid"),
            "outstanding": _total(lines, "owed"),
        },
    }


def reconciliation_content(region, *, start: date, end: date, as_of: date) -> dict:
    """`region`'s reconciliation for `start`–`end` at the end of `as_of`: the lines due in
    the period (booked) and the payments made in it (evidenced), each with what is matched
    and what is not, the matches between them, and the totals. CNY, 2 places, strings."""
    day_end = obligations.end_of(as_of)
    booked = _lines(Q(plan__region=region, due_date__range=(start, end)), as_of)
    payments = list(
        Payment.objects.filter(
            region=region, paid_on__range=(start, end), entered_at__lte=day_end
        ).order_by("paid_on", "reference", "pk")
    )
    matched = defaultdict(lambda: ZERO)
    for payment_id, amount in PaymentMatch.objects.filter(
        payment__in=payments, matched_at__lte=day_end
    ).values_list("payment_id", "amount"):
        matched[payment_id] += amount
    evidence = [
        {
            "reference": p.reference,
            "kind": p.kind,
            "paid_on": p.paid_on.isoformat(),
            "payee": p.payee_code or masked_account(p.payee_account),
            "amount": _money(p.amount),
            "matched": _money(matched[p.pk]),
            "unmatched": _money(p.amount - matched[p.pk]),
        }
        for p in payments
    ]
    between = Q(payment__in=payments) | Q(line__in=[line["line"] for line in booked])
    return {
        "format": RECONCILIATION_FORMAT,
        "as_of": as_of.isoformat(),
        "region": {"code": region.code},
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "booked": booked,
        "evidence": evidence,
        "matches": _matches(between, as_of),
        "totals": {
            "booked": _total(booked, "amount"),
            "booked_matched": _total(booked, "paid"),
            "booked_unmatched": _total(booked, "owed"),
            "evidenced": _total(evidence, "amount"),
            "evidence_matched": _total(evidence, "matched"),
            "evidence_unmatched": _total(evidence, "unmatched"),
        },
    }


def file_name(content: dict, fmt: str) -> str:
    """recipient-341000-V-01-2026-12-01.pdf, reconciliation-341000-2025-01-01-2025-12-31.csv"""
    code = content["region"]["code"]
    if content["format"] == RECIPIENT_FORMAT:
        return f"recipient-{code}-{content['recipient']['code']}-{content['as_of']}.{fmt}"
    period = content["period"]
    return f"reconciliation-{code}-{period['start']}-{period['end']}.{fmt}"


def render(content: dict, fmt: str) -> bytes:
    """The report as `fmt` ("csv": UTF-8 with BOM; "xlsx"; "pdf": A4); the digest in each.

    The names printed beside the codes (region, recipients, kinds) are read when the file
    is made, as settlement statements label their codes: the digest covers the codes and
    figures, which never change, not the names, which officials may correct.
    """
    digest = digest_of(content)
    names = _names(content)
    return {"csv": _csv, "xlsx": _xlsx, "pdf": _pdf}[fmt](content, digest, names)


def _names(content: dict) -> dict:
    """{"region": its name, "recipients": {code: "name（kind，code）"}} for the report's codes."""
    code = content["region"]["code"]
    region = Region.objects.get(code=code)
    with translation.override("zh-hans"):
        recipients = {
            r.code: f"{r.name or r.code}（{r.get_kind_display()}，{r.code}）"
            for r in Recipient.objects.filter(region=region)
        }
    return {"region": f"{region.name}（{code}）", "recipients": recipients}


def _line_row(line, names) -> list:
    return [
        line["line"],
        line["plan"],
        line["entry"],
        names["recipients"].get(line["recipient"], line["recipient"]),
        line["due_date"],
        line["amount"],
        line["paid"],
        line["owed"],
        STATUS_NAMES[line["status"]],
    ]


def _match_row(match) -> list:
    return [
        match["reference"],
        KIND_NAMES[match["kind"]],
        match["paid_on"],
        match["line"],
        match["amount"],
        "人工 by hand" if match["manual"] else "自动 automatic",
    ]


def _evidence_row(payment) -> list:
    return [
        payment["reference"],
        KIND_NAMES[payment["kind"]],
        payment["paid_on"],
        payment["payee"],
        payment["amount"],
        payment["matched"],
        payment["unmatched"],
    ]


def _sections(content: dict, names: dict) -> list[tuple[str, list[str], list[list]]]:
    """(title, columns, rows) of each table of the report, in print order."""
    matches = ("核销 Matches", MATCH_COLUMNS, [_match_row(m) for m in content["matches"]])
    if content["format"] == RECIPIENT_FORMAT:
        return [
            ("应付 Due", LINE_COLUMNS, [_line_row(x, names) for x in content["lines"]]),
            matches,
        ]
    return [
        ("账面应付 Booked", LINE_COLUMNS, [_line_row(x, names) for x in content["booked"]]),
        ("支付凭证 Evidence", EVIDENCE_COLUMNS, [_evidence_row(p) for p in content["evidence"]]),
        matches,
    ]


TOTAL_NAMES = {
    "due": "应付合计 due",
    "paid": "已付合计 paid",
    "outstanding": "未付合计 outstanding",
    "booked": "账面应付 booked",
    "booked_matched": "账面已核销 booked, matched",
    "booked_unmatched": "账面未核销 booked, unmatched",
    "evidenced": "凭证金额 evidenced",
    "evidence_matched": "凭证已核销 evidence, matched",
    "evidence_unmatched": "凭证未核销 evidence, unmatched",
}


def _title(content: dict) -> str:
    if content["format"] == RECIPIENT_FORMAT:
        return "受偿主体对账单 Recipient statement"
    return "生态补偿资金核对报告 Reconciliation report"


def _facts(content: dict, names: dict) -> list[tuple[str, str]]:
    facts = [("地区 Region", names["region"])]
    if content["format"] == RECIPIENT_FORMAT:
        code = content["recipient"]["code"]
        facts.append(("受偿主体 Recipient", names["recipients"].get(code, code)))
    else:
        period = content["period"]
        facts.append(("期间 Period", f"{period['start']} – {period['end']}"))
    facts.append(("截至 As of", f"{content['as_of']} 24:00"))
    return facts


def _csv(content: dict, digest: str, names: dict) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_title(content)])
    for label, value in _facts(content, names):
        writer.writerow([label, cells.cell(value)])
    for title, columns, rows in _sections(content, names):
        writer.writerow([])
        writer.writerow([title])
        writer.writerow(columns)
        writer.writerows(cells.row(values) for values in rows)
    writer.writerow([])
    for key, value in content["totals"].items():
        writer.writerow([TOTAL_NAMES[key], value])
    writer.writerow(["内容摘要 SHA-256 digest", digest])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def _xlsx(content: dict, digest: str, names: dict) -> bytes:
    workbook = Workbook()
    bold = Font(bold=True)
    first = workbook.active
    for index, (title, columns, rows) in enumerate(_sections(content, names)):
        sheet = first if index == 0 else workbook.create_sheet()
        sheet.title = title
        sheet.append(columns)
        for row in rows:
            sheet.append([cells.cell(_typed(columns[i], value)) for i, value in enumerate(row)])
        for cell in sheet[1]:
            cell.font = bold
        sheet.freeze_panes = "A2"
    check = workbook.create_sheet("核验 Verification")
    for label, value in _facts(content, names):
        check.append([label, cells.cell(value)])
    for key, value in content["totals"].items():
        check.append([TOTAL_NAMES[key], Decimal(value)])
        check.cell(check.max_row, 2).number_format = "#,##0.00"
    check.append(["内容摘要 SHA-256 digest", digest])
    workbook.properties.creator = "Tanhui"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _typed(column: str, value):
    """Money as numbers (to the fen), dates as dates, in the XLSX."""
    if "(CNY)" in column:
        return Decimal(value)
    if column.startswith(("到期日", "支付日期")):
        return date.fromisoformat(value)
    return value


def _pdf(content: dict, digest: str, names: dict) -> bytes:
    from weasyprint import HTML

    with translation.override("zh-hans"):
        html = render_to_string(
            "passthrough/report.html",
            {
                "title": _title(content),
                "facts": _facts(content, names),
                "sections": [
                    {
                        "title": title,
                        "columns": columns,
                        "rows": [
                            [
                                {"money": "(CNY)" in column, "text": _printed(column, value)}
                                for column, value in zip(columns, row, strict=True)
                            ]
                            for row in rows
                        ],
                    }
                    for title, columns, rows in _sections(content, names)
                ],
                "totals": [
                    (TOTAL_NAMES[k], grouped(v), capital_yuan(Decimal(v)))
                    for k, v in content["totals"].items()
                ],
                "entries": sorted(
                    {(line["entry"], line["entry_hash"]) for line in _report_lines(content)}
                ),
                "digest": digest,
            },
        )
    return HTML(string=html).write_pdf()


def _printed(column: str, value) -> str:
    return grouped(Decimal(value)) if "(CNY)" in column else str(value)


def _report_lines(content: dict) -> list[dict]:
    return content["lines"] if content["format"] == RECIPIENT_FORMAT else content["booked"]
