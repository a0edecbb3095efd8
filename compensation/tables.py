"""Reading a table (a CSV file or one sheet of an XLSX workbook) into rows of normalised text.

Every cell, header or not, in whatever column, becomes text the same way:

- text is normalised with Unicode NFKC, so full-width digits and punctuation
  (２０２８, １．８５, （）) become ASCII and µ (the micro sign) becomes μ, and
  the white space around it is dropped;
- an Excel number cell becomes the shortest text that reads back as the same
  binary float (`repr`): a cell showing 1.9 gives "1.9", hence Decimal("1.9"),
  never Decimal(1.9) = 1.899999999999999911…; a whole number loses its ".0";
- an Excel date cell becomes its ISO date (2024-03-01), from which a year can
  be taken.

A file that cannot be read at all raises FileRejected with the reason. See
docs/decisions/2026-11-30-monitoring-spreadsheets.md.
"""

import csv
import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from pilots.readers import FileRejected, decode_text

MAX_ROWS = 100_000
ZIP_MAGIC = b"PK\x03\x04"  # an XLSX workbook is a zip archive
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # an Excel 97-2003 .xls workbook


@dataclass
class Table:
    """The non-blank rows of a table, header first; `sheet` names the sheet read from a workbook."""

    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)
    sheet: str = ""


def normalised(text: str) -> str:
    """Text as every cell is compared and stored: NFKC, without surrounding white space."""
    return unicodedata.normalize("NFKC", text).strip()


def read_table(
    *,
    name: str,
    data: bytes,
    sheet: str = "",
    is_header: Callable[[list[str]], bool],
    sheet_names: tuple[str, ...] = (),
) -> Table:
    """The rows of a CSV file (UTF-8 or GBK) or of one sheet of an XLSX workbook.

    A workbook with one sheet is read whole. With several, the sheet named
    `sheet` is read; without a name, the only sheet whose name contains one of
    `sheet_names`, else the only sheet whose first row `is_header`; else the
    workbook is refused, listing its sheets. Raises FileRejected.
    """
    suffix = Path(name).suffix.lower()
    if suffix == ".xls" or data.startswith(OLE_MAGIC):
        raise FileRejected(
            _("%(name)s is an Excel 97-2003 workbook (.xls); save it as .xlsx or CSV.")
            % {"name": name}
        )
    if suffix in {".xlsx", ".xlsm"} or data.startswith(ZIP_MAGIC):
        return _read_workbook(name, data, sheet, is_header, sheet_names)
    text, notes = decode_text(data)
    try:
        rows = _bounded(
            name,
            (
                [normalised(cell) for cell in row]
                for row in csv.reader(io.StringIO(text, newline=""))
            ),
        )
    except csv.Error as exc:
        raise FileRejected(
            _("%(name)s cannot be read as CSV (%(error)s).") % {"name": name, "error": exc}
        ) from None
    return Table(rows, notes)


def _bounded(name: str, rows) -> list[list[str]]:
    """The non-blank rows; a table of more than MAX_ROWS rows, blank ones too, is refused
    as soon as it is seen to be, before it is read to its end."""
    kept = []
    for count, row in enumerate(rows, start=1):
        if count > MAX_ROWS:
            raise FileRejected(
                _("%(name)s has more than %(rows)s rows; split it.")
                % {"name": name, "rows": MAX_ROWS}
            )
        if any(row):
            kept.append(row)
    return kept


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        text = repr(value)
        return text.removesuffix(".0")
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return normalised(str(value))


def _rows(worksheet):
    worksheet.reset_dimensions()  # some writers record a wrong used range; read what is there
    for values in worksheet.iter_rows(values_only=True):
        yield [_cell_text(value) for value in values]


def _first_row(worksheet) -> list[str]:
    return next((row for row in _rows(worksheet) if any(row)), [])


def _read_workbook(name, data, sheet, is_header, sheet_names) -> Table:
    # openpyxl raises many kinds of exception on a damaged or hostile archive (zip, XML,
    # missing parts); each means the same to the user: this is not a workbook we can read.
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise FileRejected(
            _("%(name)s cannot be opened as an Excel workbook (.xlsx).") % {"name": name}
        ) from None
    try:
        worksheet = _chosen_sheet(name, workbook.worksheets, sheet, is_header, sheet_names)
        rows = _bounded(name, _rows(worksheet))
    except FileRejected:
        raise
    except Exception:
        raise FileRejected(
            _("%(name)s cannot be read as an Excel workbook (.xlsx).") % {"name": name}
        ) from None
    finally:
        workbook.close()
    return Table(rows, sheet=worksheet.title)


def _chosen_sheet(name, worksheets, wanted, is_header, sheet_names):
    titles = ", ".join(w.title for w in worksheets)
    if wanted:
        chosen = [w for w in worksheets if normalised(w.title) == normalised(wanted)]
        if not chosen:
            raise FileRejected(
                _("%(name)s has no sheet named %(sheet)s; its sheets are %(sheets)s.")
                % {"name": name, "sheet": wanted, "sheets": titles}
            )
        return chosen[0]
    if len(worksheets) == 1:
        return worksheets[0]
    named = [
        w for w in worksheets if any(hint in normalised(w.title).lower() for hint in sheet_names)
    ]
    if len(named) == 1:
        return named[0]
    with_header = [w for w in worksheets if is_header(_first_row(w))]
    if len(with_header) == 1:
        return with_header[0]
    raise FileRejected(
        _("%(name)s has %(count)s sheets (%(sheets)s); choose the one to read by its name.")
        % {"name": name, "count": len(worksheets), "sheets": titles}
    )
