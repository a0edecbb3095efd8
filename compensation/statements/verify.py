"""Verifying a statement file against the ledger: "matches run X, region Y", or what differs.

1. The ledger's own hash chain is checked.
2. The file is recognised by its SHA-256 among issued files, or else read (CSV
   trailer row, XLSX verification sheet, PDF text) for the run and region it
   claims to be.
3. The statement's content is computed again from the ledger and its digest
   compared with the one issued; a file that is not byte-for-byte the issued
   one is compared with it to name the lines or cells that differ.
"""

import csv
import difflib
import hashlib
import io
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from compensation.models import Statement
from compensation.statements.issue import render
from ledger.verification import verify_ledger

DIGEST = re.compile(r"\b[0-9a-f]{64}\b")
RUN = re.compile(r"Run #(\d+)")
REGION = re.compile(r"（(\d{6})）")
# What a file may claim to be: a run id (ASCII digits, within a bigint) and a region code
# (six digits), or no region for the summary.
CLAIMED_RUN = re.compile(r"[0-9]{1,18}", re.ASCII)
CLAIMED_REGION = re.compile(r"[0-9]{6}|summary|", re.ASCII)
SHOWN_DIFFERENCES = 5


@dataclass
class Verification:
    matches: bool = False
    statement: Statement | None = None
    fmt: str = ""
    problems: list[str] = field(default_factory=list)
    ledger_intact: bool = True

    def summary(self) -> str:
        if self.matches:
            s = self.statement
            where = f"{s.region.name} ({s.region.code})" if s.region_id else _("summary")
            return _("Matches run %(run)s, %(where)s: content digest %(digest)s.") % {
                "run": s.run_id,
                "where": where,
                "digest": s.digest,
            }
        return " ".join(self.problems)


def verify_file(name: str, data: bytes) -> Verification:
    """Whether `data` (any bytes) is a statement the ledger still gives; never raises.

    A file that is not a PDF, CSV or XLSX statement of ours, or is damaged beyond
    reading, gets a problem saying so; a readable one that differs gets the lines,
    cells or content paths that differ. Messages are in the active language.
    """
    result = Verification(fmt=_format(name, data))
    chain = verify_ledger()
    if not chain.ok:
        result.ledger_intact = False
        result.problems.append(
            _("The ledger's hash chain is broken: %(detail)s") % {"detail": chain}
        )
    statement = result.fmt and (_issued_by_hash(data, result.fmt) or _claimed(data, result))
    if statement is None or not result.fmt:
        if not result.problems:
            result.problems.append(
                _("%(name)s is not a Tanhui statement, or is damaged beyond recognition.")
                % {"name": name}
            )
        return result
    result.statement = statement
    exact = getattr(statement, f"{result.fmt}_sha256") == hashlib.sha256(data).hexdigest()
    if not exact:
        result.problems.append(
            _("The file differs from statement %(statement)s as issued: %(where)s.")
            % {
                "statement": statement,
                "where": "; ".join(_differences(statement, result.fmt, data)),
            }
        )
    again = render(statement, formats=())
    if again.digest != statement.digest:
        result.problems.append(
            _(
                "The ledger no longer gives this statement (digest %(now)s, issued %(then)s): "
                "%(paths)s."
            )
            % {
                "now": again.digest,
                "then": statement.digest,
                "paths": ", ".join(
                    _changed_paths(statement.data, again.content)[:SHOWN_DIFFERENCES]
                ),
            }
        )
    result.matches = not result.problems
    return result


def _format(name: str, data: bytes) -> str:
    """pdf or xlsx by their first bytes, csv by name or a comma early on; "" for anything else."""
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK"):
        return "xlsx"
    if name.lower().endswith(".pdf"):
        return "pdf"
    return "csv" if name.lower().endswith(".csv") or b"," in data[:200] else ""


def _issued_by_hash(data: bytes, fmt: str) -> Statement | None:
    digest = hashlib.sha256(data).hexdigest()
    return (
        Statement.objects.select_related("run", "region")
        .filter(**{f"{fmt}_sha256": digest}, status=Statement.Status.ISSUED)
        .first()
    )


def _claimed(data: bytes, result: Verification) -> Statement | None:
    """The statement a modified file says it is, read from its own text."""
    try:
        run_id, region_code = {"csv": _csv_claim, "xlsx": _xlsx_claim, "pdf": _pdf_claim}[
            result.fmt
        ](data)
    except ValueError as exc:
        result.problems.append(str(exc))
        return None
    if CLAIMED_RUN.fullmatch(str(run_id)) is None or not CLAIMED_REGION.fullmatch(region_code):
        result.problems.append(
            _("The file names run %(run)r and region %(region)r, which no statement of ours does.")
            % {"run": str(run_id)[:40], "region": region_code[:40]}
        )
        return None
    found = Statement.objects.select_related("run", "region").filter(
        run_id=run_id, status=Statement.Status.ISSUED
    )
    found = (
        found.filter(region__isnull=True)
        if region_code in ("", "summary")
        else found.filter(region__code=region_code)
    )
    statement = found.first()
    if statement is None:
        result.problems.append(
            _("No issued statement of run %(run)s for %(region)s.")
            % {"run": run_id, "region": region_code or _("summary")}
        )
    return statement


def _csv_claim(data: bytes):
    """(run id, region code) from the trailer row, the last line that starts with "digest,".

    Only that line is parsed, so that a damaged line elsewhere (a stray CR, a huge
    field) is named by the comparison with the issued file, not taken for a claim."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(_("The CSV is not UTF-8 text.")) from None
    line = next((li for li in reversed(text.splitlines()) if li.startswith("digest,")), None)
    try:
        trailer = next(csv.reader([line])) if line is not None else []
    except csv.Error:
        trailer = []
    if len(trailer) < 3 or CLAIMED_RUN.fullmatch(trailer[1]) is None:
        raise ValueError(_("The CSV has no statement trailer row (record 'digest')."))
    return int(trailer[1]), trailer[2]


def _xlsx_claim(data: bytes):
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True)["核验 Verification"]
        values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if len(row) > 1}
        return str(values["结算 run"]), str(values["地区 region"])
    except Exception as exc:
        raise ValueError(
            _("The workbook has no readable verification sheet (%(error)s).")
            % {"error": type(exc).__name__}
        ) from None


def pdf_text(data: bytes) -> str:
    """The PDF's text laid out as on the page (pdftotext); ValueError if it cannot be read."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "statement.pdf"
        path.write_bytes(data)
        try:
            done = subprocess.run(  # noqa: S603 - fixed program, our own temporary file
                ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],  # noqa: S607
                capture_output=True,
                timeout=60,
                check=False,
            )
        except subprocess.TimeoutExpired:
            done = None
    if done is None or done.returncode != 0:
        raise ValueError(_("The PDF cannot be read: it is damaged or not a PDF."))
    return done.stdout.decode("utf-8", errors="replace")


def _pdf_claim(data: bytes):
    text = pdf_text(data)
    run = RUN.search(text)
    if run is None:
        raise ValueError(_("The PDF does not name a settlement run."))
    region = REGION.search(text)
    return int(run[1]), region[1] if region else ""


def _differences(statement: Statement, fmt: str, data: bytes) -> list[str]:
    issued = getattr(statement, fmt)
    with issued.open("rb") as handle:
        original = handle.read()
    if fmt == "xlsx":
        return _cell_differences(original, data)
    if fmt == "pdf":
        try:
            before, after = pdf_text(original), pdf_text(data)
        except ValueError as exc:
            return [str(exc)]
    else:
        before, after = original.decode("utf-8-sig"), data.decode("utf-8-sig", errors="replace")
    return _line_differences(before.splitlines(), after.splitlines()) or [
        _("the text is the same but the bytes differ (SHA-256 %(digest)s)")
        % {"digest": hashlib.sha256(data).hexdigest()}
    ]


def _line_differences(before: list[str], after: list[str]) -> list[str]:
    found = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        issued = " | ".join(line.strip() for line in before[i1:i2]) or "—"
        given = " | ".join(line.strip() for line in after[j1:j2]) or "—"
        found.append(
            _("line %(line)s reads %(given)r where the issued statement reads %(issued)r")
            % {"line": j1 + 1, "given": given[:160], "issued": issued[:160]}
        )
    return found[:SHOWN_DIFFERENCES]


def _cell_differences(original: bytes, data: bytes) -> list[str]:
    try:
        return _cells_compared(load_workbook(io.BytesIO(original), read_only=True), data)
    except Exception as exc:  # openpyxl raises many kinds of error on a damaged file
        return [_("the workbook cannot be read (%(error)s)") % {"error": type(exc).__name__}]


def _cells_compared(issued, data: bytes) -> list[str]:
    given = load_workbook(io.BytesIO(data), read_only=True)
    found = []
    for sheet in issued.sheetnames:
        if sheet not in given.sheetnames:
            found.append(_("sheet %(sheet)s is missing") % {"sheet": sheet})
            continue
        a = list(issued[sheet].iter_rows(values_only=True))
        b = list(given[sheet].iter_rows(values_only=True))
        for r in range(max(len(a), len(b))):
            row_a = a[r] if r < len(a) else ()
            row_b = b[r] if r < len(b) else ()
            for c in range(max(len(row_a), len(row_b))):
                va = row_a[c] if c < len(row_a) else None
                vb = row_b[c] if c < len(row_b) else None
                if va != vb:
                    found.append(
                        _("sheet %(sheet)s cell %(cell)s holds %(given)r, issued %(issued)r")
                        % {
                            "sheet": sheet,
                            "cell": f"{chr(65 + c)}{r + 1}",
                            "given": vb,
                            "issued": va,
                        }
                    )
    return found[:SHOWN_DIFFERENCES] or [_("the cells are the same but the file bytes differ")]


def _changed_paths(before, after, path="") -> list[str]:
    if isinstance(before, dict) and isinstance(after, dict):
        found = []
        for key in sorted(set(before) | set(after)):
            found += _changed_paths(
                before.get(key), after.get(key), f"{path}.{key}" if path else key
            )
        return found
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        found = []
        for i, (a, b) in enumerate(zip(before, after, strict=True)):
            found += _changed_paths(a, b, f"{path}[{i}]")
        return found
    return [] if before == after else [f"{path}: {before!r} → {after!r}"]
