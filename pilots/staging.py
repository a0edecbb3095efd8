"""Staging a zipped Shapefile in PostgreSQL with ogr2ogr.

read_features() (pilots/readers.py) brings every feature into Python: at a county's
200,000 parcels that is most of an import's time and memory. On PostgreSQL the import
stages such a file instead: GDAL's own ogr2ogr translates the chosen layer (PGDump
driver, to its standard output) and its COPY data is streamed, as GDAL wrote it, into a
temporary table of this connection (TABLE). The geometries never enter Python; the
attributes come back once, typed, for the checks (StagedFile.features).

The decisions are readers.py's, made the same way before any feature is read: the layer
(`--layer`), the coordinate system (`.prj` or the layer's, against `--srid`), and the
text encoding. Shapefile text is staged undecoded (read as ISO-8859-1, every byte one
character, as readers.RAW_TEXT) and decoded with readers' decision on its distinct
non-ASCII values, so a GBK DBF without `.cpg` is read, or refused, as before.

stage() returns None when the file cannot be staged this way: another database, a
File Geodatabase or GeoPackage (GDAL's PostgreSQL writer closes their unclosed rings and
drops Z from layers declared 2D without a word, and the text of a GeoPackage is not
held to its declared width), no ogr2ogr, a feature GDAL cannot translate, warns about
(an unclosed ring in a Shapefile) or finds without geometry. The import then reads the
file with read_features(), whose report names each such feature.
docs/decisions/2026-12-01-staged-import.md says why.
"""

import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import DatabaseError, connection, transaction

from pilots import encodings, readers
from pilots.crs import Crs
from pilots.readers import Feature

TABLE = "pilots_import_file"  # feature (1-based, file order), source (as read), c1..cn
OGR2OGR = "ogr2ogr"
LINES_PER_WRITE = 10_000  # COPY lines passed on at once
ROWS_PER_FETCH = 5_000  # attribute rows fetched at once by StagedFile.features
# GDAL field types and the staged column types that give back what GDAL's reader gives
# (int, float, date, datetime, time); every other field is staged as text.
_COLUMN_TYPES = {
    "OFTInteger": "integer",
    "OFTInteger64": "bigint",
    "OFTReal": "double precision",
    "OFTDate": "date",
    "OFTDateTime": "timestamp",
    "OFTTime": "time",
}
_GDAL_HEADER = b'COPY "public"."staged" ('
_QUOTED = re.compile(rb'"((?:[^"]|"")*)"')


class _NotStaged(Exception):
    """ogr2ogr could not translate the file as a whole; read it feature by feature."""


@dataclass
class StagedFile:
    """A file staged in TABLE on this connection.

    `fields` are the layer's field names, decoded, in file order (staged as c1..cn);
    `count` the features staged; `dropped` how many had Z or M coordinates; `notes` the
    encoding decision's note, if any; `recode` decodes a staged text value.
    """

    crs: Crs
    count: int
    fields: list[str]
    dropped: int
    notes: list[str]
    recode: Callable[[str], str]

    def features(self) -> Iterator[Feature]:
        """Each staged feature in file order, its properties decoded and typed, geometry
        None (it stays in TABLE). Reads through a server-side cursor: call inside a
        transaction."""
        columns = "".join(f", c{i}" for i in range(1, len(self.fields) + 1))
        connection.ensure_connection()
        with (
            connection.wrap_database_errors,
            connection.connection.cursor(name="pilots_import_attributes") as cursor,
        ):
            cursor.itersize = ROWS_PER_FETCH
            cursor.execute(
                f"SELECT feature{columns} FROM {TABLE} ORDER BY feature"  # noqa: S608 - our names
            )
            for index, *values in cursor:
                properties = {
                    name: self.recode(value) if isinstance(value, str) else value
                    for name, value in zip(self.fields, values, strict=True)
                }
                yield Feature(index, None, properties)


def stage(
    name: str,
    data: bytes,
    *,
    srid: int | None,
    layer: str | None,
    encoding: str | None,
    progress: Callable[[int], None] = lambda count: None,
) -> StagedFile | None:
    """Stage the file's chosen layer in TABLE, or None when it cannot be staged (above).

    Raises readers.FileRejected as read_features does for a file refused as a whole
    (format, layers, coordinate system, encoding, coordinates that fit nowhere).
    `progress(count)` hears the number of features staged so far, after each.
    """
    if (
        connection.vendor != "postgresql"
        or Path(name).suffix.lower() != ".zip"
        or shutil.which(OGR2OGR) is None
    ):
        return None
    drop()
    with readers.opened_layer(name, data, srid, layer) as opened:
        if opened.shapefile is None:
            return None
        raw_fields = list(opened.layer.fields)
        types = [kind.__name__ for kind in opened.layer.field_types]
        try:
            count = _load(opened, types, progress)
        except (_NotStaged, DatabaseError):
            return None
        if count != len(opened.layer):
            drop()
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FILTER (WHERE source IS NULL), "  # noqa: S608 - our names
                f"count(*) FILTER (WHERE ST_NDims(source) > 2) FROM {TABLE}"
            )
            unread, dropped = cursor.fetchone()
            if unread:
                drop()
                return None
            readers.check_coordinates_fit(_extents(cursor), opened.crs)
            texts = _texts(cursor, raw_fields, types)
        names = [
            encodings.RawText(readers.readable(f), None, f.encode(readers.RAW_TEXT))
            for f in raw_fields
        ]
        decision = opened.encoding_decision(names + texts, encoding)
    recode = readers.recoder(decision)
    return StagedFile(
        crs=opened.crs,
        count=count,
        fields=[recode(f) for f in raw_fields],
        dropped=dropped,
        notes=[decision.note] if decision.note else [],
        recode=recode,
    )


def drop() -> None:
    """Drop TABLE if this connection has it."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE} CASCADE")


def _load(opened: readers.OpenedLayer, types: list[str], progress) -> int:
    """Create TABLE and COPY into it what ogr2ogr writes of the layer; the features staged."""
    command = [
        OGR2OGR,
        "--config",
        "PG_USE_COPY",
        "YES",
        "-f",
        "PGDump",
        "/vsistdout/",
        str(opened.shapefile),
        *("-oo", "ENCODING=ISO-8859-1"),
        "-unsetFid",
        "-unsetFieldWidth",  # text and numbers as read, never cut to a declared width
        "-nln",
        "staged",
        "-gt",
        "unlimited",
        *_creation_options(SRID=opened.crs.srid),
    ]
    columns = "".join(f", c{i} {_COLUMN_TYPES.get(t, 'text')}" for i, t in enumerate(types, 1))
    with tempfile.TemporaryFile() as errors:
        # GDAL's ogr2ogr with our own arguments, no shell
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors)  # noqa: S603
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f"CREATE TEMPORARY TABLE {TABLE} (feature integer GENERATED ALWAYS AS "
                    f"IDENTITY, source geometry{columns})"
                )
                count = _copy(process.stdout, cursor, len(types), progress)
                status = process.wait()
                errors.seek(0)
                if status != 0 or errors.read().strip():
                    raise _NotStaged  # GDAL failed or warned: it may have changed something
            return count
        finally:
            process.stdout.close()
            if process.poll() is None:
                process.kill()
            process.wait()


def _creation_options(**given) -> list[str]:
    """PGDump's layer creation options: COPY data only, text as GDAL read it."""
    options = {
        "CREATE_TABLE": "OFF",
        "DROP_TABLE": "OFF",
        "CREATE_SCHEMA": "OFF",
        "SPATIAL_INDEX": "NONE",
        "LAUNDER": "NO",
    } | given
    return [part for key, value in options.items() for part in ("-lco", f"{key}={value}")]


def _copy(stream, cursor, width: int, progress) -> int:
    """Pass the COPY data of ogr2ogr's output on to TABLE; the lines passed."""
    targets = "".join(f", c{i}" for i in range(1, width + 1))
    count, block, copying = 0, [], False
    with (
        connection.wrap_database_errors,
        cursor.copy(f"COPY {TABLE} (source{targets}) FROM STDIN") as copy,
    ):
        for line in stream:
            if not copying:
                if line.startswith(b"COPY "):
                    if not line.startswith(_GDAL_HEADER) or len(_QUOTED.findall(line)) != width + 3:
                        raise _NotStaged  # not the layer's fields, one column each, in order
                    copying = True
                continue
            if line == b"\\.\n":
                copying = False
                continue
            block.append(line)
            count += 1
            progress(count)
            if len(block) == LINES_PER_WRITE:
                copy.write(b"".join(block))
                block.clear()
        copy.write(b"".join(block))
    return count


def _extents(cursor) -> Iterator[tuple]:
    """Features' extents in file order, for readers.check_coordinates_fit: the first
    alone, and the others only when it does not fit."""
    select = (
        "SELECT ST_XMin(source), ST_YMin(source), ST_XMax(source), ST_YMax(source) "  # noqa: S608
        f"FROM {TABLE} WHERE NOT ST_IsEmpty(source) ORDER BY feature"
    )
    cursor.execute(select + " LIMIT 1")
    yield from cursor.fetchall()
    cursor.execute(select + " OFFSET 1")
    yield from cursor.fetchall()


def _texts(cursor, fields: list[str], types: list[str]) -> list[encodings.RawText]:
    """Each distinct non-ASCII text of the staged text fields once, at its first feature,
    in file order, for the encoding decision (as readers.py collects them)."""
    selects = [
        f"SELECT {i} AS field, min(feature) AS feature, c{i} AS value FROM {TABLE} "  # noqa: S608
        f"WHERE octet_length(c{i}) <> char_length(c{i}) GROUP BY c{i}"
        for i, kind in enumerate(types, 1)
        if kind not in _COLUMN_TYPES
    ]
    if not selects:
        return []
    cursor.execute(" UNION ALL ".join(selects) + " ORDER BY feature, field")
    return [
        encodings.RawText(readers.readable(fields[i - 1]), feature, value.encode(readers.RAW_TEXT))
        for i, feature, value in cursor.fetchall()
    ]
