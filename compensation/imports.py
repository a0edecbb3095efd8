"""Importing monitoring data (CSV or XLSX) and agreements (JSON): all or nothing, with a report.

Every row or field is checked before anything is written; a file with any
problem is refused as a whole and the report names each row and problem.
Money in JSON must be a decimal string: a JSON number with a fraction has
already been through binary floating point in most producers (0.1 + 0.2).
Monitoring cells are read as normalised text (compensation/tables.py), then
checked against the bounds of the column that will hold them, read from the
model field, so that the database never refuses what the import accepted.
"""

import json
import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from compensation.channels.horizontal import ratio_problem
from compensation.models import (
    Agreement,
    AgreementParty,
    AgreementRound,
    IndexWeight,
    MonitoringRecord,
    Pollutant,
)
from compensation.tables import normalised, read_table
from pilots.imports import ImportRejected, ImportReport
from pilots.models import PilotMembership
from pilots.readers import FileRejected, decode_text
from pilots.validators import control_character

EARLIEST_YEAR = 1990
LATEST_YEAR = 2100
# Names are looked up as they read after NFKC and lower-casing (NH₃-N reads nh3-n).
POLLUTANT_NAMES = {
    "codmn": Pollutant.CODMN,
    "高锰酸盐指数": Pollutant.CODMN,
    "nh3-n": Pollutant.NH3N,
    "nh3n": Pollutant.NH3N,
    "氨氮": Pollutant.NH3N,
    "tn": Pollutant.TN,
    "总氮": Pollutant.TN,
    "tp": Pollutant.TP,
    "总磷": Pollutant.TP,
}
# NFKC turns µ (U+00B5, micro sign) into μ (U+03BC, Greek mu): both spellings arrive as
# μ; what is stored is the model's one spelling, MonitoringRecord.Unit.UG_L.
UNIT_NAMES = {
    "mg/l": MonitoringRecord.Unit.MG_L,
    "毫克/升": MonitoringRecord.Unit.MG_L,
    "μg/l": MonitoringRecord.Unit.UG_L,
    "ug/l": MonitoringRecord.Unit.UG_L,
    "微克/升": MonitoringRecord.Unit.UG_L,
}
# Header names of each column, as they read after NFKC, lower-casing and without spaces.
COLUMN_NAMES = {
    "section": "section",
    "断面": "section",
    "监测断面": "section",
    "year": "year",
    "年份": "year",
    "年度": "year",
    "pollutant": "pollutant",
    "污染物": "pollutant",
    "监测指标": "pollutant",
    "mean_mg_per_l": "mean_mg_per_l",
    "年均值(mg/l)": "mean_mg_per_l",
    "mean_ug_per_l": "mean_ug_per_l",
    "年均值(μg/l)": "mean_ug_per_l",
    "mean": "mean",
    "年均值": "mean",
    "unit": "unit",
    "单位": "unit",
    "source": "source",
    "来源": "source",
    "数据来源": "source",
}
VALUE_COLUMNS = {
    "mean_mg_per_l": MonitoringRecord.Unit.MG_L,
    "mean_ug_per_l": MonitoringRecord.Unit.UG_L,
}
# The header of the template operators download from the monitoring page.
TEMPLATE_HEADER = ("断面", "年份", "污染物", "年均值(mg/L)", "来源")
# A workbook's sheet of annual means is found by one of these in its name.
SHEET_NAMES = ("年均值", "annual mean")
# "2024", "2024年", "2024年3月", "2024年3月1日", "2024-03", "2024/3/1", "2024.3"
_YEAR = re.compile(
    r"(?P<year>\d{4})(?:年(?:(?P<m1>\d{1,2})月(?:(?P<d1>\d{1,2})日)?)?"
    r"|[-/.](?P<m2>\d{1,2})(?:[-/.](?P<d2>\d{1,2}))?)?",
    re.ASCII,
)


def decimal_cell(text, what, report, row, model_field=None):
    """A finite Decimal from `text`, that fits `model_field` if given; else a problem and None."""
    try:
        value = Decimal(str(text).strip()) if isinstance(text, str | int | float) else None
    except (InvalidOperation, ValueError):
        value = None
    if isinstance(text, bool) or value is None or not value.is_finite():
        report.add(row, _("%(what)s %(text)r is not a number.") % {"what": what, "text": text})
        return None
    if model_field is not None and not _fits(value, str(text), what, model_field, report, row):
        return None
    return value


def _fits(value: Decimal, text: str, what, model_field, report, row) -> bool:
    """Whether `value` fits `model_field` (a DecimalField); if not, a problem naming it."""
    places = model_field.decimal_places
    whole_digits = model_field.max_digits - places
    if value and value.adjusted() >= whole_digits:
        report.add(
            row,
            _("%(what)s %(text)s is too large: at most %(digits)s digits before the point fit.")
            % {"what": what, "text": text, "digits": whole_digits},
        )
        return False
    if value != value.quantize(Decimal(1).scaleb(-places)):
        report.add(
            row,
            _("%(what)s %(text)s has more than %(places)s decimal places; round it.")
            % {"what": what, "text": text, "places": places},
        )
        return False
    return True


def _a_real_date(match: re.Match) -> bool:
    month, day = match["m1"] or match["m2"], match["d1"] or match["d2"]
    if not month:
        return True
    try:
        date(int(match["year"]), int(month), int(day or 1))
    except ValueError:
        return False
    return True


def _year(text, report, row):
    """A year from 2024, 2024年, 2024年3月, 2024-03, 2024/3/1 (the year is taken)."""
    text = normalised(str(text))
    match = _YEAR.fullmatch(text)
    if match is None or not _a_real_date(match):
        report.add(row, _("year %(text)r is not a year or a date.") % {"text": text})
        return None
    year = int(match["year"])
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        report.add(
            row,
            _("year %(year)s is outside %(first)s..%(last)s.")
            % {"year": year, "first": EARLIEST_YEAR, "last": LATEST_YEAR},
        )
        return None
    return year


def _header_columns(cells: list[str]) -> dict[str, int]:
    """Our column name -> its position, for the header cells we know (the first of each)."""
    columns = {}
    for index, cell in enumerate(cells):
        column = COLUMN_NAMES.get("".join(cell.lower().split()))
        if column is not None:
            columns.setdefault(column, index)
    return columns


def _value_column(columns) -> str | None:
    found = next((c for c in VALUE_COLUMNS if c in columns), None)
    if found is None and {"mean", "unit"} <= columns.keys():
        return "mean"
    return found


def _is_monitoring_header(cells: list[str]) -> bool:
    columns = _header_columns(cells)
    return {"section", "year", "pollutant"} <= columns.keys() and bool(_value_column(columns))


def text_problem(text, column: str, report, row, model=MonitoringRecord) -> bool:
    """Whether text for `model`'s `column` is refused: not text, a NUL, longer than it."""
    label = model._meta.get_field(column).verbose_name
    if not isinstance(text, str):
        report.add(row, _("%(field)s %(value)r is not text.") % {"field": label, "value": text})
        return True
    if "\x00" in text:
        report.add(row, _("%(field)s contains a NUL character.") % {"field": label})
        return True
    control = control_character(text)
    if control is not None:
        report.add(
            row,
            _("%(field)s contains the control character U+%(code)04X.")
            % {"field": label, "code": ord(control)},
        )
        return True
    limit = model._meta.get_field(column).max_length
    if limit is not None and len(text) > limit:
        report.add(
            row,
            _("%(field)s is %(length)s characters long; at most %(limit)s fit.")
            % {"field": label, "length": len(text), "limit": limit},
        )
        return True
    return False


def import_monitoring(
    *, agreement: Agreement, name: str, data: bytes, sheet: str = ""
) -> list[MonitoringRecord]:
    """Annual means per section, year and pollutant from CSV or XLSX; refused whole on a problem.

    Columns: section, year, pollutant, and mean_mg_per_l or mean_ug_per_l
    (or mean with a unit column); optional source; or their Chinese names
    (断面, 年份, 污染物, 年均值(mg/L), 年均值(μg/L), 年均值 and 单位, 来源).
    `sheet` names the sheet of a workbook with several (compensation/tables.py).
    Rows are counted from 1 below the header, blank rows skipped. Raises ImportRejected.
    """
    report = ImportReport(item="row")
    try:
        table = read_table(
            name=name,
            data=data,
            sheet=sheet,
            is_header=_is_monitoring_header,
            sheet_names=SHEET_NAMES,
        )
    except FileRejected as exc:
        report.add(None, str(exc))
        raise ImportRejected(report) from None
    report.notes.extend(table.notes)
    header, *rows = table.rows or [[]]
    columns = _header_columns(header)
    value_column = _value_column(columns)
    if not _is_monitoring_header(header):
        report.add(
            None,
            _(
                "%(name)s is not monitoring data: it needs the columns section, year, pollutant "
                "and mean_mg_per_l (or mean_ug_per_l, or mean and unit), or in Chinese "
                "断面, 年份, 污染物 and 年均值(mg/L)."
            )
            % {"name": name},
        )
        raise ImportRejected(report)
    mean_field = MonitoringRecord._meta.get_field("value")
    records, seen = [], {}
    for number, cells in enumerate(rows, start=1):
        report.features = number
        extra = [i + 1 for i, cell in enumerate(cells) if cell and i >= len(header)]
        if extra:
            report.add(
                number,
                _("field %(field)s is beyond the %(columns)s columns of the header.")
                % {"field": extra[0], "columns": len(header)},
            )
            continue
        row = {c: cells[i] if i < len(cells) else "" for c, i in columns.items()}
        section = row["section"]
        if not section:
            report.add(number, _("the section is empty."))
        elif text_problem(section, "section", report, number):
            section = ""
        source = row.get("source") or name
        if text_problem(source, "source", report, number):
            source = ""
        year = _year(row["year"], report, number)
        pollutant = POLLUTANT_NAMES.get(row["pollutant"].lower())
        if pollutant is None:
            report.add(
                number,
                _("pollutant %(name)r is not one of CODMn, NH3-N, TN, TP.")
                % {"name": row["pollutant"]},
            )
        unit = VALUE_COLUMNS.get(value_column) or UNIT_NAMES.get(row["unit"].lower())
        if unit is None:
            report.add(number, _("unit %(unit)r is not mg/L or µg/L.") % {"unit": row["unit"]})
        value = None
        if not row[value_column]:
            report.add(number, _("the annual mean is missing."))
        else:
            text = row[value_column]
            value = decimal_cell(text, _("annual mean"), report, number)
            if value is not None and value < 0:
                report.add(
                    number,
                    _("the annual mean %(value)s is negative; concentrations cannot be.")
                    % {"value": value},
                )
                value = None
            elif value is not None and not _fits(
                value, text, _("the annual mean"), mean_field, report, number
            ):
                value = None
        if None in (year, pollutant, value, unit) or not section or not source:
            continue
        identity = (section, year, pollutant)
        if identity in seen:
            report.add(
                number,
                _("%(pollutant)s %(year)s at %(section)s is also on row %(row)s.")
                % {"pollutant": pollutant, "year": year, "section": section, "row": seen[identity]},
            )
            continue
        seen[identity] = number
        if MonitoringRecord.objects.filter(
            agreement=agreement, section=section, year=year, pollutant=pollutant
        ).exists():
            report.add(
                number,
                _(
                    "%(pollutant)s %(year)s at %(section)s is already recorded; "
                    "correct the recorded value instead of importing it again."
                )
                % {"pollutant": pollutant, "year": year, "section": section},
            )
            continue
        records.append(
            MonitoringRecord(
                agreement=agreement,
                section=section,
                year=year,
                pollutant=pollutant,
                value=value,
                unit=unit,
                source=source,
            )
        )
    if not report.problems and not records:
        report.add(None, _("%(name)s has no rows.") % {"name": name})
    if report.problems:
        raise ImportRejected(report)
    with transaction.atomic():
        return MonitoringRecord.objects.bulk_create(records)


class _FloatLiteral(str):
    """A JSON number with a fraction or exponent, kept as its text."""


def _parse_json(data: bytes, name: str, report):
    try:
        text, notes = decode_text(data)
        report.notes.extend(notes)
        document = json.loads(text, parse_float=_FloatLiteral)
    except FileRejected as exc:
        report.add(None, str(exc))
    except json.JSONDecodeError as exc:
        report.add(
            None,
            _("%(name)s is not valid JSON (line %(line)s, column %(column)s: %(reason)s).")
            % {"name": name, "line": exc.lineno, "column": exc.colno, "reason": exc.msg},
        )
    else:
        if isinstance(document, dict):
            return document
        report.add(None, _("%(name)s is not a JSON object.") % {"name": name})
    raise ImportRejected(report)


def _money(value, what, report, model_field):
    if isinstance(value, _FloatLiteral):
        report.add(
            None,
            _(
                "%(what)s %(value)s is a JSON number with a fraction, which may have passed "
                'through binary floating point; give money as a decimal string such as "0.30".'
            )
            % {"what": what, "value": value},
        )
        return None
    if isinstance(value, bool) or value is None:
        report.add(None, _("%(what)s is missing.") % {"what": what})
        return None
    amount = decimal_cell(value, what, report, None, model_field)
    if amount is not None and amount < 0:
        report.add(
            None,
            _("%(what)s %(value)s must be zero or more, to the fen.")
            % {"what": what, "value": value},
        )
        return None
    return amount


def import_agreement(*, programme, name: str, data: bytes) -> Agreement:
    """An agreement with its parties, ratios and rounds from JSON; refused whole on any problem.

    {"name": "...", "rule": "pooled-fund",
     "parties": ["530000", ...] or [{"region": "341000", "side": "upstream", "section": "街口"}],
     "contribution_ratio": [1, 5, 4], "allocation_ratio": ["0.3", "0.4", "0.3"],
     "rounds": [{"name": "...", "start_year": 2024, "end_year": 2026, "amount": "200000000.00",
                 "central_top_up": "0", "k0": "0.85",
                 "weights": [{"pollutant": "CODMn", "weight": "0.25", "baseline_mg_l": "1.8"}]}]}
    """
    report = ImportReport(item="field")
    document = _parse_json(data, name, report)
    title = document.get("name") or ""
    title = title.strip() if isinstance(title, str) else title
    description = document.get("description", "")
    if not title:
        report.add(None, _("the agreement has no name."))
    elif text_problem(title, "name", report, None, Agreement):
        title = ""
    elif Agreement.objects.filter(programme=programme, name=title).exists():
        report.add(
            None,
            _("%(programme)s already has an agreement named %(name)s.")
            % {"programme": programme, "name": title},
        )
    text_problem(description, "description", report, None, Agreement)
    rule = document.get("rule")
    if not isinstance(rule, str) or rule not in Agreement.Rule.values:
        report.add(
            None,
            _("rule %(rule)r is not one of %(rules)s.")
            % {"rule": rule, "rules": ", ".join(Agreement.Rule.values)},
        )
    parties = _parties(programme, document, rule, report)
    rounds = [_round(item, report) for item in _list(document, "rounds", report)]
    if "amount" in document:
        _money(document["amount"], _("amount"), report, AgreementRound._meta.get_field("amount"))
        report.add(None, _('amounts belong to rounds: put them under "rounds".'))
    if report.problems:
        raise ImportRejected(report)
    with transaction.atomic():
        agreement = Agreement.objects.create(
            programme=programme, name=title, rule=rule, description=description
        )
        for party in parties:
            party.agreement = agreement
        AgreementParty.objects.bulk_create(parties)
        for round_, weights in rounds:
            round_.agreement = agreement
            round_.save()
            for weight in weights:
                weight.round = round_
            IndexWeight.objects.bulk_create(weights)
        return agreement


def _list(document: dict, key: str, report) -> list:
    """document[key] as a list ([] if absent); a problem if it is something else."""
    items = document.get(key) or []
    if isinstance(items, list):
        return items
    report.add(None, _("%(key)s must be a list.") % {"key": key})
    return []


def _parties(programme, document, rule, report) -> list[AgreementParty]:
    items = document.get("parties")
    if not isinstance(items, list) or len(items) < 2:
        report.add(None, _("an agreement needs a list of at least two parties."))
        return []
    members = {
        m.region.code: m.region
        for m in PilotMembership.objects.filter(programme=programme).select_related("region")
    }
    default_side = AgreementParty.Side.MEMBER if rule == Agreement.Rule.POOLED_FUND else ""
    ratios = {}
    for key in ("contribution_ratio", "allocation_ratio"):
        values = document.get(key)
        if values is None:
            ratios[key] = [Decimal(0)] * len(items)
            continue
        if not isinstance(values, list) or len(values) != len(items):
            report.add(None, _("%(key)s needs one ratio per party.") % {"key": key})
            continue
        field = AgreementParty._meta.get_field(key)
        parsed = [decimal_cell(v, key, report, None, field) for v in values]
        if None in parsed:
            continue
        problem = ratio_problem(parsed)
        if problem:
            report.add(None, f"{key}: {problem}")
        ratios[key] = parsed
    parties = []
    for index, item in enumerate(items):
        if isinstance(item, str):
            item = {"region": item}
        if not isinstance(item, dict):
            report.add(None, _("party %(n)s is not a region code or an object.") % {"n": index + 1})
            continue
        code = item.get("region", "")
        region = members.get(code) if isinstance(code, str) else None
        if region is None:
            report.add(
                None,
                _("party %(n)s: region %(code)r is not a member of %(programme)s.")
                % {"n": index + 1, "code": code, "programme": programme},
            )
            continue
        side = item.get("side", default_side)
        section = item.get("section", "")
        if text_problem(section, "section", report, None, AgreementParty):
            continue
        if not isinstance(side, str) or side not in AgreementParty.Side.values:
            report.add(
                None, _("party %(code)s: side %(side)r is unknown.") % {"code": code, "side": side}
            )
            continue
        parties.append(
            AgreementParty(
                region=region,
                side=side,
                section=section,
                contribution_ratio=ratios.get("contribution_ratio", [0] * len(items))[index],
                allocation_ratio=ratios.get("allocation_ratio", [0] * len(items))[index],
            )
        )
    return parties


def _round(item, report):
    if not isinstance(item, dict):
        report.add(None, _("a round is not an object."))
        return None, []
    start = _year(item.get("start_year"), report, None)
    end = _year(item.get("end_year"), report, None)
    if start and end and end < start:
        report.add(
            None,
            _("a round ends (%(end)s) before it starts (%(start)s).")
            % {"end": end, "start": start},
        )
    fields = {f.name: f for f in AgreementRound._meta.get_fields()}
    amount = _money(item.get("amount", "0"), _("round amount"), report, fields["amount"])
    top_up = _money(
        item.get("central_top_up", "0"), _("central top-up"), report, fields["central_top_up"]
    )
    k0 = decimal_cell(item["k0"], "k0", report, None) if "k0" in item else None
    if k0 is not None and not 0 < k0 <= 1:
        report.add(
            None,
            _("k0 %(value)s is outside 0 < K0 ≤ 1 (a stability coefficient, e.g. 0.85).")
            % {"value": k0},
        )
    elif k0 is not None:
        _fits(k0, str(item["k0"]), "k0", fields["stability_coefficient"], report, None)
    weights = []
    weight_fields = {f.name: f for f in IndexWeight._meta.get_fields()}
    for weight in _list(item, "weights", report):
        if not isinstance(weight, dict):
            report.add(None, _("a weight is not an object."))
            continue
        pollutant = POLLUTANT_NAMES.get(str(weight.get("pollutant", "")).lower())
        k = decimal_cell(weight.get("weight"), "weight", report, None, weight_fields["weight"])
        baseline = decimal_cell(
            weight.get("baseline_mg_l"),
            "baseline_mg_l",
            report,
            None,
            weight_fields["baseline_mg_l"],
        )
        if pollutant is None or k is None or baseline is None or k <= 0 or baseline <= 0:
            report.add(None, _("a weight needs a known pollutant, K_i > 0 and C_i0 > 0."))
            continue
        weights.append(IndexWeight(pollutant=pollutant, weight=k, baseline_mg_l=baseline))
    round_name = item.get("name") or f"{start}–{end}"
    if text_problem(round_name, "name", report, None, AgreementRound):
        round_name = ""
    round_ = AgreementRound(
        name=round_name,
        start_year=start or 0,
        end_year=end or 0,
        amount=amount or 0,
        central_top_up=top_up or 0,
        stability_coefficient=k0,
    )
    return round_, weights
