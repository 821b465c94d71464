"""Inserting many rows of a model at once, as fast as the database allows.

On PostgreSQL, `COPY … FROM STDIN` (psycopg's copy protocol) with ids taken from the
table's sequence beforehand, so the caller gets them back as `bulk_create` would give
them: several times faster than multi-row INSERTs built by the ORM. Elsewhere (SQLite),
`bulk_create`. Updates likewise (`update`: COPY, then one `UPDATE … FROM`). Bulk writes
skip `save()` and signals: the caller fills every field
`save()` would derive.
"""

from __future__ import annotations

from django.db import connection, models, transaction
from django.utils import timezone


def insert(model: type[models.Model], objects: list[models.Model]) -> list[models.Model]:
    """Insert unsaved `objects` (all fields set, `pk` empty) and set their `pk`."""
    if not objects:
        return objects
    if connection.vendor != "postgresql":
        return model.objects.bulk_create(objects, batch_size=1000)
    meta = model._meta
    fields = [
        f for f in meta.concrete_fields if not f.primary_key and not getattr(f, "generated", False)
    ]
    pk_column = meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, pk_column, len(objects)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        now = timezone.now()
        stamped = [
            f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]
        for obj in objects:  # what `pre_save` would set
            for field in stamped:
                if field.auto_now or getattr(obj, field.attname) is None:
                    setattr(obj, field.attname, now)
        _copy(cursor, meta.db_table, [meta.pk, *fields], objects, ids)
    for pk, obj in zip(ids, objects, strict=True):
        obj.pk = pk
        obj._state.adding = False
    return objects


def update(model: type[models.Model], objects: list[models.Model], fields: list[str]) -> None:
    """Write `fields` (names) of saved `objects`, as `bulk_update` does (no `save()`, no
    signals, `auto_now` not stamped). On PostgreSQL the rows go by `COPY` into a temporary
    table and one `UPDATE … FROM` it: `bulk_update`'s `CASE WHEN` per row and column costs
    PostgreSQL more to plan than to run."""
    if not objects:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_update(objects, fields, batch_size=500)
        return
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    temp = quote(f"tisser_update_{meta.db_table}")
    names = [quote(c.column) for c in [meta.pk, *columns]]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {temp} AS SELECT {', '.join(names)} "
            f"FROM {quote(meta.db_table)} WITH NO DATA"
        )
        _copy(cursor, f"tisser_update_{meta.db_table}", [meta.pk, *columns], objects)
        assignments = ", ".join(f"{name} = new.{name}" for name in names[1:])
        cursor.execute(
            f"UPDATE {quote(meta.db_table)} AS old SET {assignments} FROM {temp} AS new "
            f"WHERE old.{names[0]} = new.{names[0]}"
        )
        cursor.execute(f"DROP TABLE {temp}")


def _copy(cursor, table: str, fields, objects, ids=None) -> None:
    """`COPY` the `fields` of `objects` into `table` (the primary key from `ids` if given)."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    with cursor.cursor.copy(f"COPY {quote(table)} ({columns}) FROM STDIN") as copy:
        for n, obj in enumerate(objects):
            row = []
            for field in fields:
                if ids is not None and field.primary_key:
                    row.append(ids[n])
                    continue
                value = getattr(obj, field.attname)
                if value is not None and not isinstance(value, str | int | bool | float):
                    value = field.get_db_prep_save(value, connection)
                row.append(value)
            copy.write_row(row)


def among(field: str, values) -> models.Q:
    """`field__in=values` for a batch's worth of values: on PostgreSQL one array parameter
    (`IN (SELECT unnest(%s))`) instead of thousands of placeholders, which psycopg would
    spend longer building than the database spends answering."""
    values = list(values)
    if connection.vendor != "postgresql" or len(values) < 50:
        return models.Q(**{f"{field}__in": values})
    from django.db.models.expressions import RawSQL

    kind = "bigint[]" if all(isinstance(v, int) for v in values) else "text[]"
    return models.Q(**{f"{field}__in": RawSQL(f"SELECT unnest(%s::{kind})", [values])})
