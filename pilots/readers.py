"""Reading spatial files into numbered features, without trusting them.

Formats: GeoJSON, CSV with a WKT column, zipped Shapefiles (one or several), File
Geodatabases (a zipped `.gdb` folder) and GeoPackages. A file that cannot be read at
all raises FileRejected with the reason; a feature that cannot be read becomes a
Feature with `problem` set, so the import can report every bad feature by number
instead of stopping at the first.

Coordinate systems are recognised by pilots/crs.py, attribute text encodings by
pilots/encodings.py. Z and M coordinates are dropped (areas are measured on the
ellipsoid) and the report says so.
"""

import csv
import io
import json
import re
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.gis.gdal import DataSource, GDALException, OGRGeometry
from django.contrib.gis.gdal.libgdal import lgdal
from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from pilots import crs as crs_rules
from pilots import encodings
from pilots.crs import Crs, CrsRejected

GEOJSON_DEFAULT_SRID = 4326  # RFC 7946
_EPSG = re.compile(r"EPSG:{1,2}(\d{1,6})$", re.IGNORECASE)
# GDAL hands text over undecoded (SHAPE_ENCODING empty); read as Latin-1, every byte
# maps to one character, so the bytes come back exactly for pilots/encodings.py.
RAW_TEXT = "latin-1"


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
    crs: Crs
    notes: list[str] = field(default_factory=list)

    @property
    def srid(self) -> int:
        return self.crs.srid


def read_features(
    *,
    name: str,
    data: bytes,
    srid: int | None = None,
    geometry_column: str = "wkt",
    layer: str | None = None,
    encoding: str | None = None,
    progress=lambda: None,
) -> FeatureFile:
    """Features of a spatial file, in the coordinate system the file or `srid` declares.

    `layer` names the layer of a multi-layer file; `encoding` overrides the text
    encoding a Shapefile or CSV declares. Raises FileRejected for a file that cannot be
    read as a whole (format, layers, coordinate system, encoding, coordinates that do
    not fit the declared system). `progress()` is called as each feature of a Shapefile,
    File Geodatabase or GeoPackage is read.
    """
    suffix = Path(name).suffix.lower()
    if suffix in {".geojson", ".json"}:
        parsed = _read_geojson(data, srid)
    elif suffix == ".csv":
        parsed = _read_csv(data, srid, geometry_column, encoding)
    elif suffix in {".zip", ".gpkg"}:
        parsed = _read_with_gdal(name, data, srid, layer, encoding, progress)
    else:
        raise FileRejected(
            _(
                "%(name)s: unsupported format %(suffix)s; use GeoJSON, CSV with WKT, a "
                "zipped Shapefile or File Geodatabase, or a GeoPackage."
            )
            % {"name": name, "suffix": suffix or _("(none)")}
        )
    _check_coordinates_fit(parsed)
    return parsed


def checked_crs(srid: int | None, declared: Crs | None, where: str) -> Crs:
    """The system to read with: the one given, the one declared, and never two that differ."""
    try:
        given = crs_rules.checked(srid, where) if srid is not None else None
        if given is not None and declared is not None and not crs_rules.equivalent(given, declared):
            raise FileRejected(
                _(
                    "You declared %(given)s, but %(where)s declares %(declared)s; they "
                    "disagree. Correct the one that is wrong (or leave the coordinate "
                    "system unset to use the file's)."
                )
                % {"given": given.label, "where": where, "declared": declared.label}
            )
        return given or declared or crs_rules.checked(None, where)
    except CrsRejected as exc:
        raise FileRejected(str(exc)) from None


def _declared(definition: str | int | None, where: str, srid: int | None) -> Crs | None:
    """The accepted system a declaration (WKT, or an EPSG code) names; with `srid` given,
    no match is a conflict."""
    if not definition:
        return None
    try:
        if isinstance(definition, int):
            return crs_rules.checked(definition, where)
        return crs_rules.identify(definition, where)
    except CrsRejected as exc:
        if srid is None:
            raise FileRejected(str(exc)) from None
        raise FileRejected(
            _(
                "You declared EPSG:%(srid)s, but %(where)s declares another coordinate "
                "system that cannot be confirmed to be the same: %(reason)s"
            )
            % {"srid": srid, "where": where, "reason": exc}
        ) from None


def _check_coordinates_fit(parsed: FeatureFile) -> None:
    """Refuse the file when none of its coordinates fit its system, with the likely cause.

    A file where only some features misfit is left to the import, which names them.
    """
    extents = (f.geometry.extent for f in parsed.features if f.geometry is not None)
    check_coordinates_fit(extents, parsed.crs)


def check_coordinates_fit(extents, crs: Crs) -> None:
    """Raise FileRejected when none of `extents` ((xmin, ymin, xmax, ymax) of each feature,
    in file order) fits `crs`, naming the likely cause; stops at the first that fits."""
    misfits = []
    for extent in extents:
        if not crs_rules.coordinates_problem(extent, crs):
            return  # one fits: usually the first, so a good file costs one extent
        misfits.append(extent)
    if not misfits:
        return
    union = (
        min(e[0] for e in misfits),
        min(e[1] for e in misfits),
        max(e[2] for e in misfits),
        max(e[3] for e in misfits),
    )
    raise FileRejected(
        crs_rules.coordinates_problem(union, crs) or crs_rules.coordinates_problem(misfits[0], crs)
    )


def _flat(geometry: OGRGeometry, dropped: list[int], index: int) -> GEOSGeometry:
    """The geometry without Z and M; `dropped` collects the numbers of features that had them."""
    if geometry.is_3d or geometry.is_measured:
        geometry.set_3d(False)
        geometry.set_measured(False)
        dropped.append(index)
    return geometry.geos


def dropped_note(count: int) -> list[str]:
    """The note for `count` features whose Z or M coordinates were dropped; [] for none."""
    if not count:
        return []
    return [
        ngettext(
            "Z (height) or M coordinates were dropped from %(count)s feature; areas are "
            "measured on the CGCS2000 ellipsoid.",
            "Z (height) or M coordinates were dropped from %(count)s features; areas are "
            "measured on the CGCS2000 ellipsoid.",
            count,
        )
        % {"count": count}
    ]


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
    where = _("The GeoJSON file")
    declared = _declared(_geojson_crs(document), where, srid)
    if srid is None and declared is None:
        srid = GEOJSON_DEFAULT_SRID
    crs = checked_crs(srid, declared, where)
    items = document["features"] if document["type"] == "FeatureCollection" else [document]
    if not isinstance(items, list):
        raise FileRejected(_("The GeoJSON 'features' member is not a list."))
    dropped: list[int] = []
    features = [_geojson_feature(i, item, crs, dropped) for i, item in enumerate(items, 1)]
    return FeatureFile(features, crs, dropped_note(len(dropped)))


def _geojson_crs(document: dict) -> int | None:
    """The EPSG code a GeoJSON `crs` member names (`EPSG:4527`, `urn:ogc:def:crs:EPSG::4527`)."""
    crs = document.get("crs")
    name = ((crs if isinstance(crs, dict) else {}).get("properties") or {}).get("name", "")
    if not name:
        return None
    if isinstance(name, str) and name.upper().endswith("CRS84"):
        return GEOJSON_DEFAULT_SRID
    match = _EPSG.search(name) if isinstance(name, str) else None
    if not match:
        raise FileRejected(
            _("The GeoJSON declares an unknown coordinate system %(name)s.") % {"name": repr(name)}
        )
    return int(match.group(1))


def _geojson_feature(index: int, item, crs: Crs, dropped: list[int]) -> Feature:
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
        parsed = _flat(OGRGeometry(json.dumps(geometry)), dropped, index)
    except (ValueError, GEOSException, GDALException) as exc:
        return Feature(
            index,
            None,
            properties,
            _("has an unreadable geometry (%(error)s)") % {"error": _short(exc)},
        )
    parsed.srid = crs.srid
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


def _read_csv(
    data: bytes, srid: int | None, geometry_column: str, encoding: str | None
) -> FeatureFile:
    text, notes = decode_text(data, encoding)
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or geometry_column not in reader.fieldnames:
        raise FileRejected(
            _("The CSV has no %(column)s column holding WKT geometry (columns: %(columns)s).")
            % {"column": repr(geometry_column), "columns": ", ".join(reader.fieldnames or [])}
        )
    crs = checked_crs(srid, None, _("A CSV file (pass its EPSG code)"))
    features = []
    dropped: list[int] = []
    for index, row in enumerate(reader, 1):
        wkt = (row.pop(geometry_column) or "").strip()
        if not wkt:
            features.append(Feature(index, None, row, _("has no geometry")))
            continue
        try:
            geometry = _flat(OGRGeometry(wkt), dropped, index)
        except (ValueError, GEOSException, GDALException) as exc:
            features.append(
                Feature(index, None, row, _("has broken WKT (%(error)s)") % {"error": _short(exc)})
            )
            continue
        geometry.srid = crs.srid
        features.append(Feature(index, geometry, row))
    return FeatureFile(features, crs, notes + dropped_note(len(dropped)))


def decode_text(data: bytes, encoding: str | None = None) -> tuple[str, list[str]]:
    """Text of a CSV: in `encoding` if given, else UTF-8 (with or without BOM), else GB18030."""
    decision = _decide(
        [encodings.RawText(_("(the file)"), None, data)],
        chosen=encoding,
        how_to_declare=_("Save it as UTF-8, or choose its encoding (e.g. GBK)."),
    )
    text = data.decode("utf-8-sig" if decision.encoding == encodings.UTF8 else decision.encoding)
    return text, [decision.note] if decision.note else []


_HOW_TO_DECLARE = gettext_lazy(
    "Declare the encoding: put a .cpg file holding UTF-8 or GBK beside the .shp in the zip, "
    "or choose the encoding when importing (--encoding GBK)."
)


@dataclass
class OpenedLayer:
    """A GDAL layer opened for reading, with what readers decided of it before its features.

    `path` is the dataset GDAL opened (a `.shp`, a folder of them, a `.gdb` or `.gpkg`),
    `shapefile` the layer's `.shp` when it is one (else None), `crs` the accepted system.
    """

    path: Path
    layer: object
    shapefile: Path | None
    crs: Crs

    def encoding_decision(self, texts, encoding: str | None) -> encodings.Decision:
        """The text encoding of the layer's attributes: for a Shapefile from `encoding`, the
        DBF's language driver, the `.cpg` and the bytes of `texts` (encodings.RawText);
        UTF-8 otherwise, as GeoPackage and File Geodatabase text is."""
        if self.shapefile is None:
            return _decide(texts, chosen=encodings.UTF8)
        dbf = _sidecar_bytes(self.shapefile, ".dbf") or b""
        return _decide(
            texts,
            chosen=encoding,
            ldid=encodings.language_driver(dbf),
            cpg=_sidecar(self.shapefile, ".cpg"),
        )


@contextmanager
def opened_layer(name: str, data: bytes, srid: int | None, layer_name: str | None):
    """The chosen layer of a zipped Shapefile, File Geodatabase or GeoPackage, its text
    undecoded (Latin-1, see RAW_TEXT), while the context lasts. Raises FileRejected as
    read_features does (format, layers, coordinate system)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(name).name
        path.write_bytes(data)
        if path.suffix.lower() == ".zip":
            path = _unzip(path, Path(folder))
        with _undecoded_text():
            try:
                source = DataSource(str(path), encoding=RAW_TEXT)
            except GDALException:
                raise FileRejected(
                    _("%(name)s cannot be opened as a spatial file.") % {"name": name}
                ) from None
            layer = _choose_layer(name, source, layer_name)
            shapefile = path if path.suffix.lower() == ".shp" else path / f"{layer.name}.shp"
            shapefile = shapefile if shapefile.exists() else None
            prj = _sidecar(shapefile, ".prj") if shapefile else None
            where = _("the .prj file") if prj else name
            definition = prj if prj is not None else (layer.srs.wkt if layer.srs else None)
            crs = checked_crs(srid, _declared(definition, where, srid), where)
            yield OpenedLayer(path, layer, shapefile, crs)


def _read_with_gdal(
    name: str,
    data: bytes,
    srid: int | None,
    layer_name: str | None,
    encoding: str | None,
    progress,
) -> FeatureFile:
    with opened_layer(name, data, srid, layer_name) as opened:
        features, texts, dropped = _gdal_features(opened.layer, opened.crs, progress)
        decision = opened.encoding_decision(texts, encoding)
    _decode_properties(features, decision)
    notes = [decision.note] if decision.note else []
    return FeatureFile(features, opened.crs, notes + dropped_note(len(dropped)))


@contextmanager
def _undecoded_text() -> Iterator[None]:
    """Ask GDAL's Shapefile driver not to recode text, for this thread, while reading."""
    lgdal.CPLSetThreadLocalConfigOption(b"SHAPE_ENCODING", b"")
    try:
        yield
    finally:
        lgdal.CPLSetThreadLocalConfigOption(b"SHAPE_ENCODING", None)


def _choose_layer(name: str, source: DataSource, wanted: str | None):
    layers = [source[i] for i in range(source.layer_count)]
    names = [readable(layer.name) for layer in layers]
    if wanted is not None and wanted in names:
        return layers[names.index(wanted)]
    if wanted is None and len(layers) == 1:
        return layers[0]
    listed = ", ".join(
        _("%(layer)s (%(count)s features)") % {"layer": n, "count": len(layer)}
        for n, layer in zip(names, layers, strict=True)
    )
    if wanted is not None:
        raise FileRejected(
            _("%(name)s has no layer %(layer)s; its layers are: %(layers)s.")
            % {"name": name, "layer": repr(wanted), "layers": listed or _("none")}
        )
    raise FileRejected(
        _("%(name)s has %(count)s layers: %(layers)s. Choose one (--layer NAME).")
        % {"name": name, "count": len(layers), "layers": listed or _("none")}
    )


def _gdal_features(layer, crs: Crs, progress):
    fields = list(layer.fields)
    texts = {(n, n): encodings.RawText(readable(n), None, n.encode(RAW_TEXT)) for n in fields}
    features, dropped = [], []
    for index, item in enumerate(layer, 1):
        progress()
        properties = {f: item.get(f) for f in fields}
        # Each distinct text once, at its first feature: a layer repeats its class names.
        for f, v in properties.items():
            if isinstance(v, str) and not v.isascii() and (f, v) not in texts:
                texts[f, v] = encodings.RawText(readable(f), index, v.encode(RAW_TEXT))
        try:
            geometry = _flat(item.geom, dropped, index)
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
        geometry.srid = crs.srid
        features.append(Feature(index, geometry, properties))
    return features, list(texts.values()), dropped


def _decide(texts, how_to_declare=_HOW_TO_DECLARE, **declared) -> encodings.Decision:
    """pilots/encodings.py's decision, a refusal becoming FileRejected."""
    try:
        return encodings.decide(texts, how_to_declare=how_to_declare, **declared)
    except encodings.EncodingRejected as exc:
        raise FileRejected(str(exc)) from None


def _decode_properties(features: list[Feature], decision: encodings.Decision) -> None:
    recode = recoder(decision)
    for feature in features:
        feature.properties = {
            recode(k): recode(v) if isinstance(v, str) else v for k, v in feature.properties.items()
        }


def recoder(decision: encodings.Decision):
    """text read undecoded (RAW_TEXT) -> text in the decided encoding; each distinct text
    decoded once."""
    decoded: dict[str, str] = {}

    def recode(text: str) -> str:
        if text.isascii():
            return text
        if text not in decoded:
            decoded[text] = text.encode(RAW_TEXT).decode(decision.encoding)
        return decoded[text]

    return recode


def readable(raw: str) -> str:
    """A name read undecoded (layer, field), for messages: UTF-8, else GB18030, else as is."""
    data = raw.encode(RAW_TEXT)
    for encoding in (encodings.UTF8, encodings.GB18030):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw


def _sidecar_bytes(shapefile: Path, suffix: str) -> bytes | None:
    for candidate in shapefile.parent.iterdir():
        if candidate.stem == shapefile.stem and candidate.suffix.lower() == suffix:
            return candidate.read_bytes()
    return None


def _sidecar(shapefile: Path, suffix: str) -> str | None:
    data = _sidecar_bytes(shapefile, suffix)
    return None if data is None else data.decode(RAW_TEXT).strip()


def _unzip(path: Path, folder: Path) -> Path:
    """Unpack a zip; the dataset inside: a `.gdb` folder, a `.gpkg`, or the Shapefile(s)."""
    target = folder / "unzipped"
    try:
        with zipfile.ZipFile(path) as archive:
            members = [
                m for m in archive.namelist() if not m.startswith("/") and ".." not in Path(m).parts
            ]
            archive.extractall(target, members=members)
    except zipfile.BadZipFile:
        raise FileRejected(_("The file is not a valid zip archive.")) from None
    geodatabases = sorted(
        {
            Path(*Path(m).parts[: i + 1])
            for m in members
            for i, part in enumerate(Path(m).parts)
            if part.lower().endswith(".gdb")
        }
    )
    shapefiles = [m for m in members if m.lower().endswith(".shp")]
    packages = [m for m in members if m.lower().endswith(".gpkg")]
    if len(geodatabases) == 1 and not shapefiles:
        return target / geodatabases[0]
    if len(packages) == 1 and not shapefiles and not geodatabases:
        return target / packages[0]
    if len(shapefiles) == 1 and not geodatabases:
        return target / shapefiles[0]
    if shapefiles and not geodatabases and len({Path(m).parent for m in shapefiles}) == 1:
        return target / Path(shapefiles[0]).parent
    raise FileRejected(
        _(
            "The zip must hold one dataset: Shapefiles (.shp with .shx, .dbf and .prj) in one "
            "folder, one File Geodatabase (.gdb folder) or one GeoPackage."
        )
    )


def _short(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
