"""Writing many model rows at once: COPY on PostgreSQL, bulk_create elsewhere (SpatiaLite);
updating many rows in one statement.

COPY fires the table's triggers as INSERT does and is several times faster for the
100,000-row writes of a county's land cover or valuation lines. Text COPY, with
geometries as hex EWKB; the ledger keeps its own binary COPY (ledger/storage.py).
"""

from contextlib import contextmanager

from django.contrib.gis.db.models import GeometryField
from django.db import connection


def insert(model, rows, each=lambda: None) -> None:
    """Store unsaved `rows` of `model` (ids are not set on them), each field prepared as
    bulk_create prepares it (auto_now_add set, JSON and files adapted); `each()` after every
    row."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create(rows, batch_size=1000)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key and not f.generated]
    geometries = {f.attname for f in fields if isinstance(f, GeometryField)}
    with _copy(model, fields) as copy:
        for row in rows:
            copy.write_row(
                [
                    _hex_ewkb(value)
                    if f.attname in geometries
                    else f.get_db_prep_save(value, connection)
                    for f in fields
                    for value in [f.pre_save(row, True)]
                ]
            )
            each()


def insert_values(model, names: list[str], rows) -> None:
    """Store `rows`, tuples of values for the fields `names` (attnames, no geometry) of
    `model`, without making a model instance of each: the columns not named take their
    database defaults, so name every NOT NULL one (auto_now_add fields too)."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            (model(**dict(zip(names, row, strict=True))) for row in rows), batch_size=1000
        )
        return
    fields = [model._meta.get_field(name) for name in names]
    with _copy(model, fields) as copy:
        for row in rows:
            copy.write_row(row)


def update(model, rows, names: list[str]) -> None:
    """Store fields `names` (attnames, no geometry) of saved `rows` of `model`.

    On PostgreSQL one `UPDATE … FROM unnest(…)` of one array per field, whatever the
    number of rows: Django's bulk_update writes a CASE over every row's id per field,
    which took 40% of posting a national run and most of finishing its calculation.
    bulk_update elsewhere.
    """
    if connection.vendor != "postgresql":
        model.objects.bulk_update(rows, names, batch_size=1000)
        return
    if not rows:
        return
    fields = [model._meta.get_field(name) for name in names]
    key = model._meta.pk
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = [key, *fields]
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in columns)
    aliases = ", ".join(quote(f.column) for f in columns)
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in fields)
    values = [
        [f.get_db_prep_save(getattr(row, f.attname), connection) for row in rows] for f in columns
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {assignments} FROM unnest({arrays}) AS v ({aliases}) "  # noqa: S608
            f"WHERE {table}.{quote(key.column)} = v.{quote(key.column)}",
            values,
        )


@contextmanager
def _copy(model, fields):
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    statement = f"COPY {model._meta.db_table} ({columns}) FROM STDIN"
    with (
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.copy(statement) as copy,
    ):
        yield copy


def _hex_ewkb(geometry) -> str | None:
    return None if geometry is None else geometry.hexewkb.decode()
