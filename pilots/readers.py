"""Reading spatial files into numbered features, without trusting them.

Formats: GeoJSON, CSV with a WKT column, zipped Shapefile, GeoPackage. A file
that cannot be read at all raises FileRejected with the reason; a feature
that cannot be read becomes a Feature with `problem` set, so the import can
report every bad feature by number instead of stopping at the first.
"""

import csv
import io
import json
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.gis.gdal import DataSource, GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.utils.translation import gettext as _

# CRSs an import may declare: CGCS2000, WGS84 and Web Mercator. Anything else is
# refused before GDAL sees it (see docs/decisions/2026-11-25-gdal-3.6-on-debian-12.md).
ACCEPTED_SRIDS = {4490: "CGCS2000", 4326: "WGS 84", 3857: "Web Mercator"}
GEOJSON_DEFAULT_SRID = 4326  # RFC 7946
_EPSG = re.compile(r"EPSG:{1,2}(\d+)$", re.IGNORECASE)


class FileRejected(Exception):
    """The file as a whole cannot be read; nothing in it was looked at further."""


@dataclass
class Feature:
    index: int  # 1-based, as a person counts features in the file
    geometry: GEOSGeometry | None
    properties: dict = field(default_factory=dict)
    problem: str = ""


@dataclass
class FeatureFile:
    features: list[Feature]
    srid: int
    notes: list[str] = field(default_factory=list)


def read_features(
    *, name: str, data: bytes, srid: int | None = None, geometry_column: str = "wkt"
) -> FeatureFile:
    suffix = Path(name).suffix.lower()
    if suffix in {".geojson", ".json"}:
        return _read_geojson(data, srid)
    if suffix == ".csv":
        return _read_csv(data, srid, geometry_column)
    if suffix in {".zip", ".gpkg"}:
        return _read_with_gdal(name, data, srid)
    raise FileRejected(
        _(
            "%(name)s: unsupported format %(suffix)s; use GeoJSON, CSV with "
            "WKT, a zipped Shapefile or a GeoPackage."
        )
        % {"name": name, "suffix": suffix or _("(none)")}
    )


def checked_srid(srid: int | None, where: str) -> int:
    if srid is None:
        raise FileRejected(
            _("%(where)s does not say which coordinate system it uses; declare one of %(codes)s.")
            % {"where": where, "codes": ", ".join(f"EPSG:{s}" for s in ACCEPTED_SRIDS)}
        )
    if srid not in ACCEPTED_SRIDS:
        raise FileRejected(
            _("%(where)s uses EPSG:%(srid)s; accepted are %(accepted)s.")
            % {
                "where": where,
                "srid": srid,
                "accepted": ", ".join(f"EPSG:{s} ({n})" for s, n in ACCEPTED_SRIDS.items()),
            }
        )
    return srid


def _read_geojson(data: bytes, srid: int | None) -> FeatureFile:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise FileRejected(_("The GeoJSON file is not UTF-8 text.")) from None
    except json.JSONDecodeError as exc:
        raise FileRejected(
            _(
                "The file is not valid JSON (line %(line)s, column %(column)s: "
                "%(error)s); it may be truncated."
            )
            % {"line": exc.lineno, "column": exc.colno, "error": exc.msg}
        ) from None
    if not isinstance(document, dict) or document.get("type") not in {
        "FeatureCollection",
        "Feature",
    }:
        raise FileRejected(_("The JSON is not a GeoJSON Feature or FeatureCollection."))
    declared = _geojson_crs(document)
    srid = checked_srid(srid or declared or GEOJSON_DEFAULT_SRID, _("The GeoJSON file"))
    items = document["features"] if document["type"] == "FeatureCollection" else [document]
    if not isinstance(items, list):
        raise FileRejected(_("The GeoJSON 'features' member is not a list."))
    return FeatureFile([_geojson_feature(i, item, srid) for i, item in enumerate(items, 1)], srid)


def _geojson_crs(document: dict) -> int | None:
    name = ((document.get("crs") or {}).get("properties") or {}).get("name", "")
    if not name:
        return None
    if name.upper().endswith("CRS84"):
        return 4326
    match = _EPSG.search(name)
    if not match:
        raise FileRejected(
            _("The GeoJSON declares an unknown coordinate system %(name)s.") % {"name": repr(name)}
        )
    return int(match.group(1))


def _geojson_feature(index: int, item, srid: int) -> Feature:
    if not isinstance(item, dict):
        return Feature(index, None, {}, _("is not a GeoJSON feature object"))
    properties = item.get("properties") or {}
    geometry = item.get("geometry")
    if not geometry:
        return Feature(index, None, properties, _("has no geometry"))
    problem = _polygon_structure_problem(geometry)
    if problem:
        return Feature(index, None, properties, problem)
    try:
        parsed = GEOSGeometry(json.dumps(geometry))
    except (ValueError, GEOSException, GDALException) as exc:
        return Feature(
            index,
            None,
            properties,
            _("has an unreadable geometry (%(error)s)") % {"error": _short(exc)},
        )
    parsed.srid = srid
    return Feature(index, parsed, properties)


def _polygon_structure_problem(geometry) -> str:
    """Name what is wrong with polygon coordinates in words, before GDAL's terser errors."""
    if not isinstance(geometry, dict):
        return _("has a geometry that is not a GeoJSON object")
    if geometry.get("type") not in {"Polygon", "MultiPolygon"}:
        return ""
    coordinates = geometry.get("coordinates")
    if not coordinates:
        return _("has an empty geometry")
    polygons = coordinates if geometry["type"] == "MultiPolygon" else [coordinates]
    try:
        for polygon in polygons:
            for number, ring in enumerate(polygon, 1):
                if len(ring) < 4:
                    return _("has a ring (ring %(number)s) with fewer than 4 points") % {
                        "number": number
                    }
                if list(ring[0]) != list(ring[-1]):
                    return _(
                        "has a ring that is not closed (ring %(number)s: first point "
                        "%(first)s differs from last point %(last)s)"
                    ) % {"number": number, "first": str(ring[0]), "last": str(ring[-1])}
    except TypeError:
        return _("has malformed polygon coordinates")
    return ""


def _read_csv(data: bytes, srid: int | None, geometry_column: str) -> FeatureFile:
    text, notes = decode_text(data)
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or geometry_column not in reader.fieldnames:
        raise FileRejected(
            _("The CSV has no %(column)s column holding WKT geometry (columns: %(columns)s).")
            % {"column": repr(geometry_column), "columns": ", ".join(reader.fieldnames or [])}
        )
    srid = checked_srid(srid, _("A CSV file (pass its EPSG code)"))
    features = []
    for index, row in enumerate(reader, 1):
        wkt = (row.pop(geometry_column) or "").strip()
        if not wkt:
            features.append(Feature(index, None, row, _("has no geometry")))
            continue
        try:
            features.append(Feature(index, GEOSGeometry(wkt, srid=srid), row))
        except (ValueError, GEOSException, GDALException) as exc:
            features.append(
                Feature(index, None, row, _("has broken WKT (%(error)s)") % {"error": _short(exc)})
            )
    return FeatureFile(features, srid, notes)


def decode_text(data: bytes) -> tuple[str, list[str]]:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK), else refuse."""
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), [_("The file was not UTF-8; it was read as GB18030 (GBK).")]
    except UnicodeDecodeError:
        raise FileRejected(
            _("The file is neither UTF-8 nor GBK/GB18030 text; save it as UTF-8.")
        ) from None


def _read_with_gdal(name: str, data: bytes, srid: int | None) -> FeatureFile:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(name).name
        path.write_bytes(data)
        if path.suffix.lower() == ".zip":
            path = _unzip_shapefile(path, Path(folder))
        try:
            source = DataSource(str(path))
        except GDALException:
            raise FileRejected(
                _("%(name)s cannot be opened as a spatial file.") % {"name": name}
            ) from None
        if source.layer_count != 1:
            raise FileRejected(
                _("%(name)s has %(count)s layers; import one at a time.")
                % {"name": name, "count": source.layer_count}
            )
        layer = source[0]
        declared = layer.srs.srid if layer.srs is not None else None
        srid = checked_srid(srid or declared, name)
        features = []
        for index, item in enumerate(layer, 1):
            properties = {f: item.get(f) for f in layer.fields}
            try:
                geometry = item.geom.geos
            except (GDALException, GEOSException) as exc:
                features.append(
                    Feature(
                        index,
                        None,
                        properties,
                        _("has no usable geometry (%(error)s)") % {"error": _short(exc)},
                    )
                )
                continue
            geometry.srid = srid
            features.append(Feature(index, geometry, properties))
        return FeatureFile(features, srid)


def _unzip_shapefile(path: Path, folder: Path) -> Path:
    try:
        with zipfile.ZipFile(path) as archive:
            members = [
                m for m in archive.namelist() if not m.startswith("/") and ".." not in Path(m).parts
            ]
            shapefiles = [m for m in members if m.lower().endswith(".shp")]
            if len(shapefiles) != 1:
                raise FileRejected(
                    _("The zip must hold exactly one .shp with its .shx, .dbf and .prj.")
                )
            archive.extractall(folder / "unzipped", members=members)
    except zipfile.BadZipFile:
        raise FileRejected(_("The file is not a valid zip archive.")) from None
    return folder / "unzipped" / shapefiles[0]


def _short(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
