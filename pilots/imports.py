"""Importing zones and land cover: all or nothing, with a report naming every bad feature.

A file is read (pilots/readers.py), every feature is checked, and only if
none has a problem is anything written, in one transaction. A rejected file
leaves a rejected ImportBatch with its report and nothing else.
"""

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import date

from django.contrib.gis.gdal import CoordTransform, SpatialReference
from django.contrib.gis.geos import GEOSException, MultiPolygon
from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _

from pilots.geometry import STORAGE_SRID, area_km2, cgcs2000
from pilots.models import ImportBatch, LandCover, LandUseClass, PlanningVersion, Region, Zone
from pilots.readers import Feature, FileRejected, read_features

OUTSIDE_TOLERANCE = 0.01
ANALYZE_AFTER_ROWS = 1000  # share of a feature's area allowed outside its region
EARLIEST_SURVEY_YEAR = 1980
SCHEME_NAMES = {
    "gbt21010-2017": LandUseClass.Scheme.GBT_21010_2017,
    "gb/t 21010-2017": LandUseClass.Scheme.GBT_21010_2017,
    "third-survey": LandUseClass.Scheme.THIRD_SURVEY,
    "三调": LandUseClass.Scheme.THIRD_SURVEY,
}
ZONE_FIELDS = {"name": "name", "kind": "kind"}
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
    field_map: dict | None = None,
    default_kind: str = "",
    make_valid: bool = False,
    imported_by=None,
) -> ImportBatch:
    """Import protected and developed zones into an unpublished planning version."""
    fields = ZONE_FIELDS | (field_map or {})
    target = f"planning-version:{planning_version.pk}"
    report = ImportReport()
    if planning_version.published:
        report.add(
            None,
            _("Planning version %(version)s is published; import into a new version instead.")
            % {"version": planning_version},
        )
    features, digest = _read(name, data, srid, fields, report, ImportBatch.Kind.ZONES, target)
    region = planning_version.region
    shape = _RegionShape(region)
    zones = []
    for feature in features:
        geometry = _checked_geometry(feature, shape, report, make_valid)
        kind = str(feature.properties.get(fields["kind"]) or default_kind)
        if kind not in Zone.Kind.values:
            report.add(
                feature,
                _("kind %(kind)s is not a zone kind; use one of %(kinds)s")
                % {"kind": repr(kind), "kinds": ", ".join(Zone.Kind.values)},
            )
        if geometry is not None and kind in Zone.Kind.values:
            zones.append(
                Zone(
                    planning_version=planning_version,
                    region=region,
                    kind=kind,
                    name=str(feature.properties.get(fields["name"]) or "")[:200],
                    geometry=geometry,
                    area_km2=area_km2(geometry),
                    feature_index=feature.index,
                )
            )
    _check_overlaps(zones, planning_version, report)
    return _write(
        report,
        zones,
        name=name,
        digest=digest,
        kind=ImportBatch.Kind.ZONES,
        target=target,
        imported_by=imported_by,
    )


def import_land_cover(
    *,
    name: str,
    data: bytes,
    region: Region,
    srid: int | None = None,
    field_map: dict | None = None,
    default_scheme: str = "",
    default_survey_year: int | None = None,
    source: str = "",
    make_valid: bool = False,
    synthetic: bool = False,
    imported_by=None,
) -> ImportBatch:
    """Import land-cover polygons of one region with their land-use class and survey year."""
    fields = LAND_COVER_FIELDS | (field_map or {})
    target = f"region:{region.code}"
    report = ImportReport()
    features, digest = _read(name, data, srid, fields, report, ImportBatch.Kind.LAND_COVER, target)
    classes = {(c.scheme, c.code): c for c in LandUseClass.objects.all()}
    shape = _RegionShape(region)
    rows = []
    for feature in features:
        geometry = _checked_geometry(feature, shape, report, make_valid)
        land_use = _land_use(feature, fields, default_scheme, classes, report)
        year = _survey_year(feature, fields, default_survey_year, report)
        if geometry is not None and land_use is not None and year is not None:
            rows.append(
                LandCover(
                    region=region,
                    land_use=land_use,
                    survey_year=year,
                    source=source or name,
                    synthetic=synthetic,
                    geometry=geometry,
                    area_km2=area_km2(geometry),
                    feature_index=feature.index,
                )
            )
    return _write(
        report,
        rows,
        name=name,
        digest=digest,
        kind=ImportBatch.Kind.LAND_COVER,
        target=target,
        imported_by=imported_by,
    )


def _read(name, data, srid, fields, report, kind, target):
    """Read the file and refuse a file already accepted into the same target."""
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
    try:
        parsed = read_features(
            name=name, data=data, srid=srid, geometry_column=fields.get("geometry", "wkt")
        )
    except FileRejected as exc:
        report.add(None, str(exc))
        _reject(report, name=name, digest=digest, kind=kind, target=target)
    report.features = len(parsed.features)
    report.notes += parsed.notes
    if not parsed.features:
        report.add(None, _("The file holds no features."))
    return parsed.features, digest


class _RegionShape:
    """A region's boundary prepared once per import, for fast containment tests."""

    def __init__(self, region: Region):
        self.region = region
        self.prepared = region.geometry.prepared

    def contains(self, geometry) -> bool:
        try:
            return self.prepared.contains(geometry)
        except GEOSException:
            return False

    def share_outside(self, geometry) -> float:
        if not geometry.area:
            return 1.0
        return geometry.difference(self.region.geometry).area / geometry.area


def _checked_geometry(
    feature: Feature, shape: _RegionShape, report: ImportReport, make_valid: bool
) -> MultiPolygon | None:
    if feature.problem:
        report.add(feature, feature.problem)
        return None
    geometry = feature.geometry
    if geometry.empty:
        report.add(feature, _("has an empty geometry"))
        return None
    if geometry.geom_type not in {"Polygon", "MultiPolygon"}:
        report.add(
            feature,
            _("is a %(type)s; zones and land cover must be polygons")
            % {"type": geometry.geom_type},
        )
        return None
    stored = _to_storage(geometry)
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
    geometry = feature.geometry
    if geometry.srid not in {4326, 4490}:
        return True
    xmin, ymin, xmax, ymax = geometry.extent
    if max(abs(xmin), abs(xmax)) > 360 or max(abs(ymin), abs(ymax)) > 360:
        report.add(
            feature,
            _(
                "has coordinates like %(x)s, %(y)s, which look like metres "
                "(Web Mercator?) but the file declares degrees (EPSG:%(srid)s)"
            )
            % {"x": f"{xmin:.0f}", "y": f"{ymin:.0f}", "srid": geometry.srid},
        )
        return False
    if ymin < -90 or ymax > 90:
        report.add(
            feature,
            _("has latitude %(latitude)s, outside -90..90")
            % {"latitude": f"{ymax if ymax > 90 else ymin:g}"},
        )
        return False
    if xmin < -180 or xmax > 180:
        report.add(
            feature,
            _("has longitude %(longitude)s, outside -180..180")
            % {"longitude": f"{xmax if xmax > 180 else xmin:g}"},
        )
        return False
    return True


def _to_storage(geometry):
    """WGS 84 and CGCS2000 agree to centimetres: relabel. Web Mercator is reprojected."""
    if geometry.srid == 3857:
        return geometry.transform(CoordTransform(SpatialReference(3857), cgcs2000()), clone=True)
    geometry = geometry.clone()
    geometry.srid = STORAGE_SRID
    return geometry


def _parts(geometry):
    return (
        list(geometry)
        if geometry.geom_type in {"MultiPolygon", "GeometryCollection"}
        else [geometry]
    )


def _land_use(feature, fields, default_scheme, classes, report):
    scheme_name = str(feature.properties.get(fields["scheme"]) or default_scheme).strip().lower()
    scheme = SCHEME_NAMES.get(scheme_name)
    code = str(feature.properties.get(fields["code"]) or "").strip()
    if scheme is None:
        report.add(
            feature,
            _("land-use scheme %(scheme)s is unknown; use GB/T 21010-2017 or third-survey")
            % {"scheme": repr(scheme_name)},
        )
        return None
    land_use = classes.get((scheme, code.zfill(2)))
    if land_use is None:
        report.add(
            feature,
            _("land-use code %(code)s does not exist in %(scheme)s")
            % {"code": repr(code), "scheme": scheme.label},
        )
    return land_use


def _survey_year(feature, fields, default, report):
    raw = feature.properties.get(fields["survey_year"], default)
    try:
        year = int(raw)
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
    """Protected and developed zones of one version must not share area."""
    existing = list(Zone.objects.filter(planning_version=version))
    for zone in zones:
        if zone.is_protected_kind:
            continue
        for other in [z for z in zones + existing if z.is_protected_kind]:
            if zone.geometry.relate_pattern(other.geometry, "2********"):
                overlap = area_km2(zone.geometry.intersection(other.geometry))
                where = (
                    _("feature %(number)s") % {"number": other.feature_index}
                    if other.pk is None
                    else _("existing zone #%(id)s") % {"id": other.pk}
                )
                report.problems.append(
                    Problem(
                        zone.feature_index,
                        _("%(kind)s overlaps %(other)s (%(where)s) by %(area)s km²")
                        % {
                            "kind": zone.get_kind_display(),
                            "other": other.get_kind_display(),
                            "where": where,
                            "area": overlap,
                        },
                    )
                )


def _refresh_statistics(model, added: int) -> None:
    """After a large import, let the planner know the table grew before anyone queries it.

    Without this the spatial joins that follow (valuation, overlap checks) are planned
    on stale statistics as sequential scans until autovacuum gets round to it.
    """
    if connection.vendor == "postgresql" and added >= ANALYZE_AFTER_ROWS:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {model._meta.db_table}")


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


def _write(report, rows, *, name, digest, kind, target, imported_by):
    if report.problems:
        report.problems.sort(key=lambda p: p.feature or 0)
        _reject(report, name=name, digest=digest, kind=kind, target=target, imported_by=imported_by)
    model = type(rows[0])
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                kind=kind,
                file_name=name[:255],
                file_sha256=digest,
                target=target,
                status=ImportBatch.Status.ACCEPTED,
                features=len(rows),
                report=report.as_dict(),
                imported_by=imported_by,
            )
            for row in rows:
                row.import_batch = batch
            model.objects.bulk_create(rows, batch_size=1000)
            _refresh_statistics(model, len(rows))
    except DatabaseError as exc:
        report.add(
            None,
            _("The database refused the file: %(error)s") % {"error": str(exc).splitlines()[0]},
        )
        _reject(report, name=name, digest=digest, kind=kind, target=target, imported_by=imported_by)
    return batch
