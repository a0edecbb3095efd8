"""Importing zones and land cover: all or nothing, with a report naming every bad feature.

A file is read (pilots/readers.py), every feature is checked, and only if
none has a problem is anything written, in one transaction. A rejected file
leaves a rejected ImportBatch with its report and nothing else.
"""

import hashlib
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import partial

from django.contrib.gis.gdal import CoordTransform
from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon
from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _

from config import bulk
from pilots import crs as crs_rules
from pilots import overlaps, staging, third_survey
from pilots.geometry import CHINA_ALBERS_SRID, PARCEL_KM2, STORAGE_SRID, area_km2, cgcs2000
from pilots.models import ImportBatch, LandCover, LandUseClass, PlanningVersion, Region, Zone
from pilots.readers import Feature, FileRejected, dropped_note, read_features

OUTSIDE_TOLERANCE = 0.01  # share of a feature's area allowed outside its region
ANALYZE_AFTER_ROWS = 1000  # rows one import adds before it refreshes the table's statistics
PROGRESS_EVERY = 10_000  # features between progress reports of a long import
# TBMJ and the measured area may differ this much (a planar Gauss–Krüger area near a 3°
# zone's edge is 0.05% larger than the ellipsoidal one) before the report says so.
OFFICIAL_AREA_TOLERANCE = Decimal("0.001")
EARLIEST_SURVEY_YEAR = 1980
SCHEME_NAMES = {
    "gbt21010-2017": LandUseClass.Scheme.GBT_21010_2017,
    "gb/t 21010-2017": LandUseClass.Scheme.GBT_21010_2017,
    "third-survey": LandUseClass.Scheme.THIRD_SURVEY,
    "三调": LandUseClass.Scheme.THIRD_SURVEY,
}
ZONE_FIELDS = {"name": "name", "kind": "kind"}
ZONE_NAME_LENGTH = Zone._meta.get_field("name").max_length
LAND_COVER_FIELDS = {"code": "landuse_code", "scheme": "scheme", "survey_year": "survey_year"}


@dataclass
class Problem:
    feature: int | None
    message: str


@dataclass
class ImportReport:
    features: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    item: str = "feature"

    def add(self, feature: Feature | int | None, message: str) -> None:
        index = feature.index if isinstance(feature, Feature) else feature
        self.problems.append(Problem(index, message))

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        lines = [f"{len(self.problems)} problem(s) in {self.features} {self.item}(s):"]
        lines += [
            f"  {self.item} {p.feature}: {p.message}" if p.feature else f"  {p.message}"
            for p in self.problems
        ]
        return "\n".join(lines + self.notes)


class ImportRejected(Exception):
    """The file was refused as a whole; `report` says why, feature by feature."""

    def __init__(self, report: ImportReport, batch: ImportBatch | None = None):
        super().__init__(str(report))
        self.report = report
        self.batch = batch


def import_zones(
    *,
    name: str,
    data: bytes,
    planning_version: PlanningVersion,
    srid: int | None = None,
    layer: str | None = None,
    encoding: str | None = None,
    field_map: dict | None = None,
    default_kind: str = "",
    make_valid: bool = False,
    imported_by=None,
    progress=None,
) -> ImportBatch:
    """Import protected and developed zones into an unpublished planning version.

    `progress(step, count)`, if given, hears how many features were read, checked and
    written, every PROGRESS_EVERY features and at the end of each step.
    """
    target = f"planning-version:{planning_version.pk}"
    report = ImportReport()
    batch_kind = ImportBatch.Kind.ZONES
    digest = _unrepeated(data, batch_kind, target, report)
    if planning_version.published:
        report.add(
            None,
            _("Planning version %(version)s is published; import into a new version instead.")
            % {"version": planning_version},
        )
    features = _read(
        name, data, (srid, layer, encoding, field_map), digest, report, batch_kind, target, progress
    )
    columns = _columns(_column_names(features), ZONE_FIELDS, field_map, {})
    region = planning_version.region
    checked_geometries = _checked_geometries(features, _RegionShape(region), report, make_valid)
    zones = []
    checked = _Progress(progress, "checked")
    for feature in features:
        checked()
        geometry, area = checked_geometries.get(feature.index, (None, None))
        kind = _text(feature, columns["kind"], code=True) or default_kind
        zone_name = _text(feature, columns["name"])
        if len(zone_name) > ZONE_NAME_LENGTH:
            report.add(
                feature,
                _("name %(name)s is longer than %(length)s characters")
                % {"name": repr(zone_name[:40] + "…"), "length": ZONE_NAME_LENGTH},
            )
        if kind not in Zone.Kind.values:
            report.add(
                feature,
                _("kind %(kind)s is not a zone kind; use one of %(kinds)s")
                % {"kind": repr(kind), "kinds": ", ".join(Zone.Kind.values)},
            )
        if geometry is not None and kind in Zone.Kind.values and len(zone_name) <= ZONE_NAME_LENGTH:
            zones.append(
                Zone(
                    planning_version=planning_version,
                    region=region,
                    kind=kind,
                    name=zone_name,
                    geometry=geometry,
                    area_km2=area,
                    feature_index=feature.index,
                )
            )
    checked.finish()
    if zones:
        _check_overlaps(zones, planning_version, report)
        _Progress(progress, "checked for overlaps").finish(len(zones))
    return _write(
        report,
        len(zones),
        partial(_insert_rows, zones),
        name=name,
        digest=digest,
        kind=batch_kind,
        target=target,
        imported_by=imported_by,
        progress=progress,
        model=Zone,
    )


def import_land_cover(
    *,
    name: str,
    data: bytes,
    region: Region,
    srid: int | None = None,
    layer: str | None = None,
    encoding: str | None = None,
    field_map: dict | None = None,
    default_scheme: str = "",
    default_survey_year: int | None = None,
    source: str = "",
    make_valid: bool = False,
    synthetic: bool = False,
    imported_by=None,
    progress=None,
) -> ImportBatch:
    """Import land-cover polygons of one region with their land-use class and survey year.

    Columns are found by our names (`landuse_code`, `scheme`, `survey_year`), their
    Shapefile truncations (`landuse_co`), `field_map`, or the 三调 DLTB standard names
    (DLBM, BSM, ZLDWDM, QSDWDM, TBMJ, KCDLBM, KCXS, KCMJ, TBDLMJ, SJNF): a layer with
    DLBM is read in the third-survey scheme, second-level codes mapped to their working
    class (pilots/third_survey.py) and kept as surveyed. Where TBMJ (m²) and the measured
    area differ by more than OFFICIAL_AREA_TOLERANCE, the report says so per feature.
    On PostgreSQL a zipped Shapefile is staged with ogr2ogr and checked and written in
    the database (pilots/staging.py); the report is the same. `progress` as for
    import_zones.
    """
    target = f"region:{region.code}"
    report = ImportReport()
    kind = ImportBatch.Kind.LAND_COVER
    digest = _unrepeated(data, kind, target, report)
    read = _Progress(progress, "read")
    try:
        staged = staging.stage(name, data, srid=srid, layer=layer, encoding=encoding, progress=read)
    except FileRejected as exc:
        staging.drop()
        report.add(None, str(exc))
        _reject(report, name=name, digest=digest, kind=kind, target=target)
    survey = _LandCoverSurvey(region, field_map, default_scheme, default_survey_year, report)
    written = {"source": source or name, "synthetic": synthetic}
    if staged is not None:
        read.finish(staged.count)
        try:
            return _import_staged_land_cover(
                staged, survey, written, make_valid, report, name, digest, imported_by, progress
            )
        finally:
            _drop_staged()
    features = _read(
        name, data, (srid, layer, encoding, field_map), digest, report, kind, target, progress, read
    )
    survey.find_columns(_column_names(features))
    checked_geometries = _checked_geometries(features, _RegionShape(region), report, make_valid)
    rows = []
    checked = _Progress(progress, "checked")
    for feature in features:
        checked()
        geometry, measured = checked_geometries.get(feature.index, (None, None))
        values = survey.values(feature, measured)
        if geometry is not None and values is not None:
            land_use, year, attributes = values
            rows.append(
                LandCover(
                    region=region,
                    land_use=land_use,
                    survey_year=year,
                    geometry=geometry,
                    area_km2=measured,
                    feature_index=feature.index,
                    **written,
                    **attributes,
                )
            )
    checked.finish()
    report.notes += survey.differing_note()
    return _accept_land_cover(
        report,
        len(rows),
        lambda: overlaps.land_cover_overlaps(rows, region.pk),
        partial(_insert_rows, rows),
        name=name,
        digest=digest,
        target=target,
        imported_by=imported_by,
        progress=progress,
    )


def _accept_land_cover(
    report, count, find_overlaps, insert, *, name, digest, target, imported_by, progress
) -> ImportBatch:
    """Check a land-cover file's `count` accepted parcels for overlaps (`find_overlaps()`,
    pairs of pilots/overlaps.py) and write them (`insert`, as _write takes it), or reject
    the file with its report."""
    kind = ImportBatch.Kind.LAND_COVER
    accepted_before = _last_accepted(kind, target)
    if count:
        _report_land_cover_overlaps(find_overlaps(), report)
        _Progress(progress, "checked for overlaps").finish(count)
    return _write(
        report,
        count,
        insert,
        name=name,
        digest=digest,
        kind=kind,
        target=target,
        imported_by=imported_by,
        progress=progress,
        checked_after=accepted_before,
        model=LandCover,
    )


class _LandCoverSurvey:
    """What a land-cover file's attributes say of each parcel, checked: land-use class,
    survey year and the 三调 attributes, and the TBMJ that differs from the measured area."""

    def __init__(self, region, field_map, default_scheme, default_survey_year, report):
        self.region = region
        self.field_map = field_map
        self.default_scheme = default_scheme
        self.default_survey_year = default_survey_year
        self.report = report
        self.columns = {}
        self.classes = {(c.scheme, c.code): c for c in LandUseClass.objects.all()}
        self.differing = []

    def find_columns(self, names: list[str]) -> None:
        """Find our fields among the file's column `names`; report a file without codes."""
        self.columns = _columns(names, LAND_COVER_FIELDS, self.field_map, third_survey.DLTB_FIELDS)
        if self.columns["code"] is None:
            self.report.add(
                None,
                _("The file has no land-use code column (landuse_code, or DLBM in 三调 data)."),
            )
        reads_dlbm = (self.columns["code"] or "").upper() == third_survey.DLTB_FIELDS["code"]
        if not self.default_scheme and self.columns["scheme"] is None and reads_dlbm:
            self.default_scheme = LandUseClass.Scheme.THIRD_SURVEY

    def values(self, feature: Feature, measured_km2: Decimal | None):
        """(land-use class, survey year, 三调 attributes) of a feature, None when any is
        wrong (reported); a TBMJ differing from `measured_km2` is remembered."""
        report, columns = self.report, self.columns
        land_use = _land_use(feature, columns, self.default_scheme, self.classes, report)
        year = _survey_year(feature, columns, self.default_survey_year, report)
        attributes = _survey_attributes(feature, columns, report)
        if None in (land_use, year, attributes):
            return None
        official = attributes["official_area_m2"]
        if measured_km2 is not None and _differs(official, measured_km2):
            self.differing.append((feature.index, official, measured_km2 * 1_000_000))
        return land_use, year, attributes

    def differing_note(self) -> list[str]:
        return _differing_note(self.differing)


# The accepted parcels of a staged file, their checked attributes beside their checked
# geometries (pilots_import_checked), until they are written.
_SURVEY_COLUMNS = [
    "survey_code",
    "identifier",
    "located_in",
    "owned_by",
    "deduction_code",
    "official_area_m2",
    "deduction_m2",
    "deduction_rate",
]
_ATTRIBUTES_SQL = """
CREATE TEMPORARY TABLE pilots_import_attributes (
    feature integer PRIMARY KEY, land_use_id bigint NOT NULL, survey_year integer NOT NULL,
    area_km2 numeric NOT NULL, survey_code text NOT NULL, identifier text NOT NULL,
    located_in text NOT NULL, owned_by text NOT NULL, deduction_code text NOT NULL,
    official_area_m2 numeric, deduction_m2 numeric, deduction_rate numeric
)
"""
_ATTRIBUTES_COPY = (
    "COPY pilots_import_attributes (feature, land_use_id, survey_year, area_km2, "
    + ", ".join(_SURVEY_COLUMNS)
    + ") FROM STDIN"
)
_WRITE_STAGED_SQL = (
    """
INSERT INTO pilots_landcover (region_id, source, synthetic, import_batch_id, feature_index,
       land_use_id, survey_year, area_km2, geometry, """
    + ", ".join(_SURVEY_COLUMNS)
    + """)
SELECT %(region)s, %(source)s, %(synthetic)s, %(batch)s, a.feature,
       a.land_use_id, a.survey_year, a.area_km2, c.geometry, """
    + ", ".join(f"a.{column}" for column in _SURVEY_COLUMNS)
    + """
  FROM pilots_import_attributes a JOIN pilots_import_checked c USING (feature)
 WHERE a.feature > %(after)s
 ORDER BY a.feature
 LIMIT %(limit)s
RETURNING feature_index
"""
)


def _import_staged_land_cover(
    staged, survey, written, make_valid, report, name, digest, imported_by, progress
) -> ImportBatch:
    """import_land_cover of a file staged by pilots/staging.py: the same checks, in the
    database where they are about geometry, and one INSERT … SELECT to write."""
    target = f"region:{survey.region.code}"
    report.features = staged.count
    report.notes += staged.notes + dropped_note(staged.dropped)
    if not staged.count:
        report.add(None, _("The file holds no features."))
    survey.find_columns(staged.fields)
    areas = _checked_staged_geometries(staged.crs, _RegionShape(survey.region), report, make_valid)
    checked = _Progress(progress, "checked")
    accepted = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_ATTRIBUTES_SQL)
        rows = []
        for feature in staged.features():
            checked()
            measured = areas.get(feature.index)
            values = survey.values(feature, measured)
            if measured is not None and values is not None:
                land_use, year, attributes = values
                survey_values = (attributes[column] for column in _SURVEY_COLUMNS)
                rows.append((feature.index, land_use.pk, year, measured, *survey_values))
            if len(rows) == staging.ROWS_PER_FETCH:
                accepted += _copy_rows(cursor, _ATTRIBUTES_COPY, rows)
        accepted += _copy_rows(cursor, _ATTRIBUTES_COPY, rows)
    checked.finish()
    report.notes += survey.differing_note()

    def insert(batch, written_progress):
        """INSERT … SELECT, PROGRESS_EVERY parcels at a time, in file order."""
        parameters = {"region": survey.region.pk, "batch": batch.pk, "after": 0} | written
        count = 0
        with connection.cursor() as cursor:
            while count < accepted:
                cursor.execute(_WRITE_STAGED_SQL, parameters | {"limit": PROGRESS_EVERY})
                features = [feature for (feature,) in cursor.fetchall()]
                if not features:  # never: each statement writes the next accepted parcels
                    raise DatabaseError(
                        _("%(count)s parcels were not written") % {"count": accepted - count}
                    )
                count += len(features)
                parameters["after"] = max(features)
                written_progress(count)

    return _accept_land_cover(
        report,
        accepted,
        lambda: overlaps.staged_land_cover_overlaps(survey.region.pk),
        insert,
        name=name,
        digest=digest,
        target=target,
        imported_by=imported_by,
        progress=progress,
    )


def _copy_rows(cursor, statement: str, rows: list) -> int:
    """COPY `rows` (tuples) and empty the list; how many there were."""
    count = len(rows)
    if rows:
        with cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
        rows.clear()
    return count


def _drop_staged() -> None:
    """Drop what an import of a staged file made on this connection."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DROP VIEW IF EXISTS pilots_import_geometry; "
            "DROP TABLE IF EXISTS pilots_import_checked, pilots_import_attributes"
        )
    staging.drop()


def _insert_rows(rows, batch, written_progress) -> None:
    """Store `rows` in `batch`, the first PROGRESS_EVERY then the rest, with the table's
    statistics refreshed in between: the zone table's overlap trigger plans its probe
    on them, and before a large import they say the table is small."""
    for row in rows:
        row.import_batch = batch
    model = type(rows[0])
    first, rest = rows[:PROGRESS_EVERY], rows[PROGRESS_EVERY:]
    bulk.insert(model, first, written_progress)
    if rest:
        _refresh_statistics(model, len(first))
        bulk.insert(model, rest, written_progress)


def _column_names(features: list[Feature]) -> list[str]:
    """The file's column names, as its first feature has them ([] for no features)."""
    return [str(column) for column in features[0].properties] if features else []


def _columns(names: list[str], ours: dict, mapped: dict | None, standard: dict) -> dict:
    """Our field -> the file's column among `names`: as mapped, by our name or its
    Shapefile truncation (10 characters), or by the standard name; None where the file
    has none. Case-insensitive.
    """
    present = {str(column).upper(): column for column in names}
    columns = {}
    for field_name in {*ours, *standard}:
        if mapped and field_name in mapped:
            candidates = [mapped[field_name]]
        else:
            default = ours.get(field_name)
            candidates = [default, default[:10]] if default else []
            candidates += [standard[field_name]] if field_name in standard else []
        columns[field_name] = next(
            (present[c.upper()] for c in candidates if c and c.upper() in present), None
        )
    return columns


def _survey_attributes(feature, columns, report) -> dict | None:
    """The 三调 attributes of a parcel, checked: texts fit, areas are m² that add up."""
    values = {}
    ok = True
    for ours, length in _SURVEY_TEXTS.items():
        text = _text(feature, columns[ours])
        if len(text) > length:
            report.add(
                feature,
                _("%(field)s %(value)s is longer than %(length)s characters")
                % {"field": columns[ours], "value": repr(text[:40]), "length": length},
            )
            ok = False
        values[ours] = text
    for ours, (places, limit) in _SURVEY_NUMBERS.items():
        raw = feature.properties.get(columns[ours]) if columns[ours] else None
        number = _number(raw, places, limit)
        if number is False:
            report.add(
                feature,
                _("%(field)s %(value)s is not a number from 0 to %(limit)s")
                % {"field": columns[ours], "value": repr(raw), "limit": limit},
            )
            ok = False
        values[ours] = number if number is not False else None
    values["survey_code"] = _text(feature, columns["code"], code=True)
    if len(values["survey_code"]) <= 2:
        values["survey_code"] = ""
    if not ok:
        return None
    official, deducted = values["official_area_m2"], values["deduction_m2"]
    net = values.pop("net_area_m2")
    if official is not None and deducted is not None and deducted > official:
        report.add(
            feature,
            _("KCMJ %(deducted)s m² is more than TBMJ %(official)s m²")
            % {"deducted": deducted, "official": official},
        )
        return None
    if None not in (official, net) and abs(official - (deducted or 0) - net) > Decimal("0.01"):
        report.add(
            feature,
            _("TBDLMJ %(net)s m² is not TBMJ %(official)s m² less KCMJ %(deducted)s m²")
            % {"net": net, "official": official, "deducted": deducted or 0},
        )
        return None
    if values["deduction_code"] not in {"", third_survey.FIELD_RIDGE} or (
        not values["deduction_code"] and (deducted or values["deduction_rate"])
    ):
        report.add(
            feature,
            _(
                "KCDLBM %(code)s: 三调 deducts only 1203 田坎 from a parcel; give KCDLBM "
                "1203 with KCMJ or KCXS, or neither"
            )
            % {"code": repr(values["deduction_code"])},
        )
        return None
    if values["deduction_rate"] is not None and values["deduction_rate"] >= 1:
        report.add(
            feature,
            _("KCXS %(rate)s is not a share below 1") % {"rate": values["deduction_rate"]},
        )
        return None
    return values


def _column_bounds(names):
    """(decimal places, largest value) of LandCover's decimal columns, from their definitions."""
    bounds = {}
    for name in names:
        column = LandCover._meta.get_field(name)
        places = column.decimal_places
        largest = Decimal(10) ** (column.max_digits - places) - Decimal(1).scaleb(-places)
        bounds[name] = (places, largest)
    return bounds


# The 三调 attributes and their limits, read from the LandCover columns that store them.
_SURVEY_TEXTS = {
    name: LandCover._meta.get_field(name).max_length
    for name in ["identifier", "located_in", "owned_by", "deduction_code"]
}
_SURVEY_NUMBERS = _column_bounds(["official_area_m2", "deduction_m2", "deduction_rate"]) | {
    # TBDLMJ is checked against TBMJ − KCMJ, not stored: the same bounds as TBMJ.
    "net_area_m2": _column_bounds(["official_area_m2"])["official_area_m2"],
}


def _text(feature, column, *, code: bool = False) -> str:
    """A column's text, stripped; a code is also NFKC-normalised (full-width digits)."""
    value = feature.properties.get(column) if column else None
    text = "" if value is None else str(value).strip()
    return unicodedata.normalize("NFKC", text) if code else text


def _number(raw, places: int, limit: Decimal):
    """A non-negative Decimal rounded to `places`, None when empty, False when not a number."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = Decimal(unicodedata.normalize("NFKC", str(raw)).strip())
    except InvalidOperation:
        return False
    if not value.is_finite() or value < 0 or value > limit:
        return False
    return value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_EVEN)


def _differs(official_m2: Decimal | None, measured_km2: Decimal) -> bool:
    if official_m2 is None:
        return False
    difference = abs(official_m2 - measured_km2 * 1_000_000)
    return difference > max(Decimal(1), official_m2 * OFFICIAL_AREA_TOLERANCE)


def _differing_note(differing: list) -> list[str]:
    if not differing:
        return []
    listed = "; ".join(
        _("feature %(number)s: TBMJ %(official)s m², measured %(measured)s m²")
        % {"number": n, "official": official, "measured": f"{measured:.2f}"}
        for n, official, measured in differing[:20]
    )
    return [
        _(
            "%(count)s feature(s) have an official area (TBMJ) that differs from the area of "
            "their geometry by more than %(tolerance)s (and 1 m²); valuation uses the "
            "geometry (docs/areas.md): %(listed)s%(more)s"
        )
        % {
            "count": len(differing),
            "tolerance": f"{OFFICIAL_AREA_TOLERANCE:.1%}",
            "listed": listed,
            "more": " …" if len(differing) > 20 else "",
        }
    ]


def _unrepeated(data: bytes, kind, target: str, report: ImportReport) -> str:
    """The file's SHA-256; refuses a file already accepted into the same target."""
    digest = hashlib.sha256(data).hexdigest()
    earlier = ImportBatch.objects.filter(
        kind=kind, file_sha256=digest, target=target, status=ImportBatch.Status.ACCEPTED
    ).first()
    if earlier is not None:
        report.add(
            None,
            _(
                "This file was already imported into %(target)s as batch "
                "#%(batch)s on %(date)s; nothing was changed."
            )
            % {"target": target, "batch": earlier.pk, "date": f"{earlier.created_at:%Y-%m-%d}"},
        )
        raise ImportRejected(report)
    return digest


def _read(name, data, declared, digest, report, kind, target, progress, read=None):
    """Read the file's features with read_features, or reject it with the reason.

    `declared` is what the user said of the file: (EPSG code, layer name, text encoding,
    field map); `read` the progress of the read step when the caller made it.
    """
    srid, layer, encoding, field_map = declared
    read = read or _Progress(progress, "read")
    try:
        parsed = read_features(
            name=name,
            data=data,
            srid=srid,
            geometry_column=(field_map or {}).get("geometry", "wkt"),
            layer=layer,
            encoding=encoding,
            progress=read,
        )
    except FileRejected as exc:
        report.add(None, str(exc))
        _reject(report, name=name, digest=digest, kind=kind, target=target)
    read.finish(len(parsed.features))
    report.features = len(parsed.features)
    report.notes += parsed.notes
    if not parsed.features:
        report.add(None, _("The file holds no features."))
    return parsed.features


class _RegionShape:
    """A region's boundary prepared once per import, for fast containment tests, and the
    conversions from the file's coordinate system into storage, also made once."""

    def __init__(self, region: Region):
        self.region = region
        self.prepared = region.geometry.prepared
        self.transforms = {}

    def to_storage(self, geometry):
        """WGS 84 and CGCS2000 agree to centimetres: relabel. Projected systems are converted."""
        if geometry.srid in {STORAGE_SRID, 4326}:
            geometry = geometry.clone()
            geometry.srid = STORAGE_SRID
            return geometry
        if geometry.srid not in self.transforms:
            source = crs_rules.spatial_reference(crs_rules.ACCEPTED[geometry.srid])
            self.transforms[geometry.srid] = CoordTransform(source, cgcs2000())
        return geometry.transform(self.transforms[geometry.srid], clone=True)

    def contains(self, geometry) -> bool:
        try:
            return self.prepared.contains(geometry)
        except GEOSException:
            return False

    def share_outside(self, geometry) -> float:
        if not geometry.area:
            return 1.0
        return geometry.difference(self.region.geometry).area / geometry.area


# The geometry checks of a whole file in one statement over its features in
# pilots_import_geometry (feature, source: polygonal, 2D, in the file's system): conversion
# into storage (WGS 84 relabelled, projected systems transformed), validity and its repair,
# containment in the region, the share outside it and the Albers area, as _checked_geometry
# does per feature with GEOS and GDAL. The result, pilots_import_checked, holds each
# feature's findings and its geometry in storage (NULL where invalid and not repaired).
_GEOMETRY_STAGE_SQL = """
CREATE TEMPORARY TABLE pilots_import_geometry (feature integer NOT NULL, source geometry NOT NULL)
"""
# A staged file's polygonal features (pilots/staging.py), Z and M dropped.
_STAGED_GEOMETRY_SQL = f"""
CREATE TEMPORARY VIEW pilots_import_geometry AS
SELECT feature, ST_Force2D(source) AS source FROM {staging.TABLE}
 WHERE NOT ST_IsEmpty(source) AND ST_GeometryType(source) IN ('ST_Polygon', 'ST_MultiPolygon')
"""  # noqa: S608 - our table
_STAGED_SHAPES_SQL = f"""
SELECT feature, ST_IsEmpty(source), substr(ST_GeometryType(source), 4) FROM {staging.TABLE}
 WHERE ST_IsEmpty(source) OR ST_GeometryType(source) NOT IN ('ST_Polygon', 'ST_MultiPolygon')
 ORDER BY feature
"""  # noqa: S608 - our table
_GEOMETRY_CHECK_SQL = """
CREATE TEMPORARY TABLE pilots_import_checked AS
SELECT s.feature, ST_XMin(s.source) AS x_min, ST_YMin(s.source) AS y_min,
       ST_XMax(s.source) AS x_max, ST_YMax(s.source) AS y_max,
       v.valid, CASE WHEN NOT v.valid THEN ST_IsValidReason(c.geometry) END AS reason, i.inside,
       CASE WHEN i.inside THEN 0
            WHEN ST_Area(m.geometry) = 0 THEN 1
            ELSE ST_Area(ST_Difference(m.geometry, r.geometry)) / ST_Area(m.geometry)
       END AS outside,
       ST_Area(ST_Transform(m.geometry, %(albers)s::integer)) AS m2, m.geometry
  FROM pilots_import_geometry s
 CROSS JOIN (SELECT geometry FROM pilots_region WHERE id = %(region)s) r
 CROSS JOIN LATERAL (
       SELECT CASE WHEN ST_SRID(s.source) IN (%(storage)s, 4326)
                   THEN ST_SetSRID(s.source, %(storage)s)
                   ELSE ST_Transform(s.source, %(storage)s) END AS geometry) c
 CROSS JOIN LATERAL (SELECT ST_IsValid(c.geometry) AS valid) v
 CROSS JOIN LATERAL (
       SELECT CASE WHEN v.valid THEN ST_Multi(c.geometry)
                   WHEN %(make_valid)s
                   THEN ST_Multi(ST_CollectionExtract(ST_MakeValid(c.geometry), 3))
                   END AS geometry) m
 CROSS JOIN LATERAL (
       SELECT coalesce(ST_Contains(r.geometry, m.geometry), false) AS inside) i
"""
_CHECK_FINDINGS_SQL = """
SELECT feature, x_min, y_min, x_max, y_max, valid, reason, geometry IS NOT NULL, inside, outside
  FROM pilots_import_checked WHERE NOT (valid AND inside) ORDER BY feature
"""
_CHECK_AREAS_SQL = "SELECT feature, m2 FROM pilots_import_checked WHERE geometry IS NOT NULL"


def _checked_geometries(
    features: list[Feature], shape: "_RegionShape", report: ImportReport, make_valid: bool
) -> dict[int, tuple[MultiPolygon, Decimal]]:
    """Feature number -> (geometry in storage, area in km² to 1 m²) of every feature whose
    geometry passes the checks; the others are reported, with the same messages as
    _checked_geometry. On PostgreSQL one set-based pass (_GEOMETRY_CHECK_SQL), which also
    lets go of each feature's geometry as read; per feature with GEOS elsewhere.
    """
    if connection.vendor != "postgresql":
        checked = {}
        for feature in features:
            geometry = _checked_geometry(feature, shape, report, make_valid)
            if geometry is not None:
                checked[feature.index] = (geometry, area_km2(geometry, PARCEL_KM2))
        return checked
    crs = None
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_GEOMETRY_STAGE_SQL)
        with cursor.copy("COPY pilots_import_geometry (feature, source) FROM STDIN") as copy:
            for feature in features:
                problem = _polygon_problem(feature)
                if problem:
                    report.add(feature, problem)
                    continue
                crs = crs_rules.ACCEPTED[feature.geometry.srid]
                copy.write_row((feature.index, feature.geometry.hexewkb.decode()))
                feature.geometry = None  # the file's geometry is not held twice
        areas = _checked_in_database(cursor, crs, shape, report, make_valid)
        cursor.execute(
            "SELECT feature, ST_AsEWKB(geometry) FROM pilots_import_checked "
            "WHERE geometry IS NOT NULL ORDER BY feature"
        )
        checked = {
            number: (GEOSGeometry(memoryview(ewkb)), areas[number])
            for number, ewkb in cursor.fetchall()
            if number in areas
        }
        cursor.execute("DROP TABLE pilots_import_geometry, pilots_import_checked")
    return checked


def _checked_staged_geometries(
    crs: crs_rules.Crs, shape: "_RegionShape", report: ImportReport, make_valid: bool
) -> dict[int, Decimal]:
    """Feature number -> area in km² to 1 m² of every staged feature (pilots/staging.py)
    whose geometry passes the checks, reported as _checked_geometries reports; the
    geometries in storage stay in pilots_import_checked."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_STAGED_SHAPES_SQL)
        for number, empty, kind in cursor.fetchall():
            report.add(number, _shape_problem(empty, kind))
        cursor.execute(_STAGED_GEOMETRY_SQL)
        return _checked_in_database(cursor, crs, shape, report, make_valid)


def _checked_in_database(cursor, crs, shape, report, make_valid) -> dict[int, Decimal]:
    """Run _GEOMETRY_CHECK_SQL over pilots_import_geometry, report what it found, and
    return feature number -> area in km² of the features that passed."""
    cursor.execute(
        _GEOMETRY_CHECK_SQL,
        {
            "region": shape.region.pk,
            "storage": STORAGE_SRID,
            "albers": CHINA_ALBERS_SRID,
            "make_valid": make_valid,
        },
    )
    cursor.execute("ALTER TABLE pilots_import_checked ADD PRIMARY KEY (feature)")
    cursor.execute(_CHECK_FINDINGS_SQL)
    failed = {row[0] for row in cursor.fetchall() if not _checked_row(row, crs, shape, report)}
    cursor.execute(_CHECK_AREAS_SQL)
    return {
        number: (Decimal(m2) / Decimal(1_000_000)).quantize(PARCEL_KM2, ROUND_HALF_EVEN)
        for number, m2 in cursor.fetchall()
        if number not in failed
    }


def _polygon_problem(feature: Feature) -> str:
    """What makes a feature unusable before its geometry is checked: unread, empty or not
    polygonal; "" when nothing."""
    if feature.problem:
        return feature.problem
    return _shape_problem(feature.geometry.empty, feature.geometry.geom_type)


def _shape_problem(empty: bool, kind: str) -> str:
    if empty:
        return _("has an empty geometry")
    if kind not in {"Polygon", "MultiPolygon"}:
        return _("is a %(type)s; zones and land cover must be polygons") % {"type": kind}
    return ""


def _checked_row(row, crs, shape, report) -> bool:
    """A finding of _GEOMETRY_CHECK_SQL reported as _checked_geometry reports a feature;
    False when the feature fails."""
    number, *extent, valid, reason, repaired, inside, outside = row
    if not inside:
        problem = crs_rules.coordinates_problem(tuple(extent), crs)
        if problem:
            report.add(number, problem)
            return False
    if not valid:
        if not repaired:
            report.add(
                number,
                _("has an invalid geometry (%(reason)s); fix it or import with --make-valid")
                % {"reason": reason},
            )
            return False
        report.notes.append(
            _("Feature %(number)s was repaired (%(reason)s).")
            % {"number": number, "reason": reason}
        )
    if outside > OUTSIDE_TOLERANCE:
        region = shape.region
        report.add(
            number,
            _("lies %(share)s outside %(name)s (%(code)s)")
            % {"share": f"{outside:.0%}", "name": region.name, "code": region.code},
        )
        return False
    return True


def _checked_geometry(
    feature: Feature, shape: _RegionShape, report: ImportReport, make_valid: bool
) -> MultiPolygon | None:
    problem = _polygon_problem(feature)
    if problem:
        report.add(feature, problem)
        return None
    stored = shape.to_storage(feature.geometry)
    # Most features lie well inside their region: then their coordinates are plausible
    # and nothing sticks out, and the costlier checks are skipped.
    inside = shape.contains(stored)
    if not inside and not _coordinates_plausible(feature, report):
        return None
    geometry = stored
    if not geometry.valid:
        if not make_valid:
            report.add(
                feature,
                _("has an invalid geometry (%(reason)s); fix it or import with --make-valid")
                % {"reason": geometry.valid_reason},
            )
            return None
        reason = geometry.valid_reason
        geometry = geometry.make_valid()
        polygons = [g for g in _parts(geometry) if g.geom_type == "Polygon" and not g.empty]
        geometry = MultiPolygon(*polygons, srid=STORAGE_SRID)
        report.notes.append(
            _("Feature %(number)s was repaired (%(reason)s).")
            % {"number": feature.index, "reason": reason}
        )
        inside = shape.contains(geometry)
    if geometry.geom_type == "Polygon":
        geometry = MultiPolygon(geometry, srid=STORAGE_SRID)
    outside = 0.0 if inside else shape.share_outside(geometry)
    if outside > OUTSIDE_TOLERANCE:
        region = shape.region
        report.add(
            feature,
            _("lies %(share)s outside %(name)s (%(code)s)")
            % {"share": f"{outside:.0%}", "name": region.name, "code": region.code},
        )
        return None
    return geometry


def _coordinates_plausible(feature: Feature, report: ImportReport) -> bool:
    problem = crs_rules.coordinates_problem(
        feature.geometry.extent, crs_rules.ACCEPTED[feature.geometry.srid]
    )
    if problem:
        report.add(feature, problem)
    return not problem


def _parts(geometry):
    return (
        list(geometry)
        if geometry.geom_type in {"MultiPolygon", "GeometryCollection"}
        else [geometry]
    )


def _land_use(feature, columns, default_scheme, classes, report):
    scheme_name = _text(feature, columns["scheme"], code=True) or default_scheme
    scheme = SCHEME_NAMES.get(scheme_name.strip().lower())
    code = _text(feature, columns["code"], code=True)
    if scheme is None:
        report.add(
            feature,
            _("land-use scheme %(scheme)s is unknown; use GB/T 21010-2017 or third-survey")
            % {"scheme": repr(scheme_name)},
        )
        return None
    try:
        if scheme == LandUseClass.Scheme.THIRD_SURVEY:
            class_code = third_survey.working_class(code)[0]
        else:
            class_code = third_survey.gbt21010_class(code)
    except third_survey.UnknownCode:
        class_code = None
    land_use = classes.get((scheme, class_code))
    if land_use is None:
        report.add(
            feature,
            _("land-use code %(code)s does not exist in %(scheme)s")
            % {"code": repr(code), "scheme": scheme.label},
        )
    return land_use


def _survey_year(feature, columns, default, report):
    raw = feature.properties.get(columns["survey_year"]) if columns["survey_year"] else None
    if raw is None or raw == "":
        raw = default
    try:
        year = int(unicodedata.normalize("NFKC", str(raw)).strip())
    except (TypeError, ValueError):
        report.add(feature, _("survey year %(year)s is not a year") % {"year": repr(raw)})
        return None
    if not EARLIEST_SURVEY_YEAR <= year <= date.today().year:
        report.add(
            feature,
            _("survey year %(year)s is outside %(earliest)s..%(latest)s")
            % {"year": year, "earliest": EARLIEST_SURVEY_YEAR, "latest": date.today().year},
        )
        return None
    return year


def _check_overlaps(zones: list[Zone], version: PlanningVersion, report: ImportReport) -> None:
    """Protected and developed zones of one version must not share area (pilots/overlaps.py)."""
    kinds = {z.feature_index: z for z in zones}
    stored = {}
    pairs = overlaps.zone_overlaps(zones, version.pk)
    if any(p.other_id for p in pairs):
        stored = Zone.objects.in_bulk([p.other_id for p in pairs if p.other_id])
    for pair in pairs:
        zone = kinds[pair.feature]
        other = kinds[pair.other_feature] if pair.other_feature else stored[pair.other_id]
        where = (
            _("feature %(number)s") % {"number": pair.other_feature}
            if pair.other_feature
            else _("existing zone #%(id)s") % {"id": pair.other_id}
        )
        report.add(
            pair.feature,
            _("%(kind)s overlaps %(other)s (%(where)s) by %(area)s")
            % {
                "kind": zone.get_kind_display(),
                "other": other.get_kind_display(),
                "where": where,
                "area": overlap_size(pair),
            },
        )


def _report_land_cover_overlaps(pairs: list[overlaps.Shared], report) -> None:
    """Parcels of one survey must not share area, in the file or with parcels stored."""
    for pair in pairs:
        if pair.duplicate:
            message = _("duplicates %(other)s")
        else:
            message = _("overlaps %(other)s by %(area)s")
        other = (
            _("feature %(number)s") % {"number": pair.other_feature}
            if pair.other_feature
            else _("parcel #%(id)s already imported for this survey year") % {"id": pair.other_id}
        )
        report.add(pair.feature, message % {"other": other, "area": overlap_size(pair)})


def overlap_size(pair: overlaps.Shared) -> str:
    """An overlap's area for a report: km², or m² with where it lies when under 0.001 km²."""
    km2 = Decimal(pair.m2) / 1_000_000
    if km2 >= Decimal("0.001"):
        return _("%(area)s km²") % {"area": km2.quantize(Decimal("0.001"))}
    return _("%(area)s m² near %(x).6f, %(y).6f") % {
        "area": Decimal(pair.m2).quantize(Decimal("0.01")),
        "x": pair.x,
        "y": pair.y,
    }


def _refresh_statistics(model, added: int) -> None:
    """After a large import, let the planner know the table grew before anyone queries it.

    Without this the spatial joins that follow (valuation, overlap checks) are planned
    on stale statistics as sequential scans until autovacuum gets round to it.
    """
    if connection.vendor == "postgresql" and added >= ANALYZE_AFTER_ROWS:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {model._meta.db_table}")


class _Progress:
    """Counts the features of one step and passes the count on every PROGRESS_EVERY
    features and at the end (`finish`), to a `progress(step, count)` callable if given."""

    def __init__(self, progress, step: str):
        self.progress = progress
        self.step = step
        self.count = 0
        self.told = 0

    def __call__(self, count: int | None = None) -> None:
        self.count = self.count + 1 if count is None else count
        if self.count % PROGRESS_EVERY == 0:
            self._tell()

    def finish(self, count: int | None = None) -> None:
        if count is not None:
            self.count = count
        if self.told != self.count or not self.count:
            self._tell()

    def _tell(self) -> None:
        self.told = self.count
        if self.progress is not None:
            self.progress(self.step, self.count)


def _reject(report, *, name, digest, kind, target, imported_by=None):
    batch = ImportBatch.objects.create(
        kind=kind,
        file_name=name[:255],
        file_sha256=digest,
        target=target,
        status=ImportBatch.Status.REJECTED,
        features=report.features,
        report=report.as_dict(),
        imported_by=imported_by,
    )
    raise ImportRejected(report, batch)


def _last_accepted(kind, target) -> int:
    """The id of the last batch of `kind` accepted into `target`, 0 when none."""
    return (
        ImportBatch.objects.filter(kind=kind, target=target, status=ImportBatch.Status.ACCEPTED)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
        or 0
    )


def _write(
    report,
    count,
    insert,
    *,
    name,
    digest,
    kind,
    target,
    imported_by,
    progress,
    model,
    checked_after=None,
):
    """Accept the file's `count` rows of `model` as one batch, or reject it with its report.

    `insert(batch, written)` stores the rows with `batch` as their import batch, calling
    `written()` after each row or `written(count)` with the rows stored so far
    (_Progress). `checked_after` is the last batch accepted into the target
    (`_last_accepted`) when the rows' overlap check started: the batch is marked
    `overlaps_checked` when no other was accepted since, which imports into the same
    target, serialised here by an advisory lock until commit, can tell. Rows checked
    against a snapshot that missed a concurrent file stay unchecked, and valuation
    checks them.
    """
    if report.problems:
        report.problems.sort(key=lambda p: p.feature or 0)
        _reject(report, name=name, digest=digest, kind=kind, target=target, imported_by=imported_by)
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [target])
            batch = ImportBatch.objects.create(
                kind=kind,
                file_name=name[:255],
                file_sha256=digest,
                target=target,
                status=ImportBatch.Status.ACCEPTED,
                features=count,
                report=report.as_dict(),
                overlaps_checked=(
                    checked_after is not None and _last_accepted(kind, target) == checked_after
                ),
                imported_by=imported_by,
            )
            written = _Progress(progress, "written")
            insert(batch, written)
            written.finish(count)
            _refresh_statistics(model, count)
    except DatabaseError as exc:
        report.add(
            None,
            _("The database refused the file: %(error)s") % {"error": str(exc).splitlines()[0]},
        )
        _reject(report, name=name, digest=digest, kind=kind, target=target, imported_by=imported_by)
    return batch
