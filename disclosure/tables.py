"""Every public table of a release (and the publication log) as CSV, XLSX or JSON.

A table is (columns, rows) read from a release's frozen content only; nested values
(formula inputs, index weights) are one JSON cell. `content.json` of a release is its
content byte for byte as hashed, so its SHA-256 is the one the publication log shows.
"""

import csv
import io
import json

from openpyxl import Workbook

from disclosure.models import Release
from formats import cells

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def _cell(value):
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def _transfers(rows):
    return (
        [
            "payer_kind",
            "payer_code",
            "payer_name",
            "payee_kind",
            "payee_code",
            "payee_name",
            "amount_cny",
            "inputs",
        ],
        [
            [
                r["payer"]["kind"],
                r["payer"]["code"],
                r["payer"]["name"],
                r["payee"]["kind"],
                r["payee"]["code"],
                r["payee"]["name"],
                r["amount"],
                r["inputs"],
            ]
            for r in rows
        ],
    )


def _run_regions(content):
    channels = sorted({c for r in content["regions"] for c in r["channels"]})
    return (
        ["code", "name", *(f"{c}_net_cny" for c in channels), "total_cny"],
        [
            [r["code"], r["name"], *(r["channels"].get(c, "0.00") for c in channels), r["total"]]
            for r in content["regions"]
        ],
    )


def _plain(rows, columns):
    return columns, [[r.get(c, "") for c in columns] for r in rows]


TABLES = {
    Release.Kind.PILOT: {
        "regions": lambda c: _plain(
            c["regions"],
            [
                "code",
                "name",
                "name_en",
                "sink_tco2e",
                "emission_tco2e",
                "net_tco2e",
                "value_cny",
                "role",
            ],
        ),
        "coefficients": lambda c: _plain(
            (c["valuation"] or {}).get("coefficients", []), ["land_use_code", "value"]
        ),
    },
    Release.Kind.RUN: {
        "regions": _run_regions,
        "vertical": lambda c: _transfers(c["vertical"]),
        "horizontal": lambda c: _transfers(c["horizontal"]),
        "market": lambda c: _plain(c["market"], ["code", "name", "units", "proceeds"]),
        "statements": lambda c: _plain(
            c["statements"],
            ["region", "region_name", "digest", "pdf_sha256", "csv_sha256", "xlsx_sha256"],
        ),
    },
    Release.Kind.AGREEMENT: {
        "parties": lambda c: _plain(
            c["parties"],
            ["code", "name", "side", "contribution_ratio", "allocation_ratio", "section"],
        ),
        "rounds": lambda c: _plain(
            c["rounds"],
            [
                "name",
                "start_year",
                "end_year",
                "amount",
                "central_top_up",
                "stability_coefficient",
                "weights",
            ],
        ),
        "outcomes": lambda c: (
            [
                "run",
                "year",
                "P",
                "standard_met",
                "payer_code",
                "payer_name",
                "payee_code",
                "payee_name",
                "amount_cny",
            ],
            [
                [
                    o["run"],
                    o["year"],
                    o["P"],
                    o["standard_met"],
                    o["payer"]["code"],
                    o["payer"]["name"],
                    o["payee"]["code"],
                    o["payee"]["name"],
                    o["amount"],
                ]
                for o in c["outcomes"]
            ],
        ),
    },
}


def log_table(releases) -> tuple[list, list]:
    """The publication log: time (UTC, ISO 8601), office, kind, action, target, SHA-256."""
    return (
        ["release", "time", "office", "kind", "action", "target", "sha256"],
        [
            [
                r.pk,
                r.decided_at.isoformat(timespec="seconds"),
                r.office,
                r.kind,
                r.action,
                r.target_label,
                r.sha256,
            ]
            for r in releases
        ],
    )


def render(columns: list, rows: list, fmt: str, *, title: str) -> bytes:
    """The table as `fmt` (a key of FORMATS): UTF-8 CSV with BOM, one-sheet XLSX, or JSON
    (a list of objects keyed by column)."""
    rows = [[_cell(v) for v in row] for row in rows]
    if fmt in ("csv", "xlsx"):
        rows = [cells.row(row) for row in rows]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
        return out.getvalue().encode("utf-8-sig")
    if fmt == "xlsx":
        book = Workbook(write_only=True)
        sheet = book.create_sheet(title[:31])
        sheet.append(columns)
        for row in rows:
            sheet.append(row)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    return json.dumps(
        [dict(zip(columns, row, strict=True)) for row in rows], ensure_ascii=False, indent=1
    ).encode()
