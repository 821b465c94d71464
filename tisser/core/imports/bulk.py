"""Inserting many rows of a model at once, as fast as the database allows.

On PostgreSQL, `COPY … FROM STDIN` (psycopg's copy protocol) with ids taken from the
table's sequence beforehand, so the caller gets them back as `bulk_create` would give
them: several times faster than multi-row INSERTs built by the ORM. Elsewhere (SQLite),
`bulk_create`. Updates likewise (`update`: COPY, then one `UPDATE … FROM`). Bulk writes
skip `save()` and signals: the caller fills every field
`save()` would derive.
"""

from __future__ import annotations

import datetime

from django.db import OperationalError, connection, models, transaction
from django.utils import timezone


def insert(model: type[models.Model], objects: list[models.Model]) -> list[models.Model]:
    """Insert unsaved `objects` (all fields set, `pk` empty) and set their `pk`."""
    if not objects:
        return objects
    if connection.vendor != "postgresql":
        return model.objects.bulk_create(objects, batch_size=1000)
    meta = model._meta
    fields = _insertable(meta)
    _stamp(fields, objects)
    with connection.cursor() as cursor:
        ids = _next_ids(cursor, meta, len(objects))
        _copy(cursor, meta.db_table, [meta.pk, *fields], objects, ids)
        _keep_statistics(cursor, meta.db_table)
    for pk, obj in zip(ids, objects, strict=True):
        obj.pk = pk
        obj._state.adding = False
    return objects


def _insertable(meta) -> list:
    return [
        f for f in meta.concrete_fields if not f.primary_key and not getattr(f, "generated", False)
    ]


def _stamp(fields, objects) -> None:
    """What `pre_save` would set: the `auto_now` and `auto_now_add` dates."""
    now = timezone.now()
    stamped = [
        f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    for obj in objects:
        for field in stamped:
            if field.auto_now or getattr(obj, field.attname) is None:
                setattr(obj, field.attname, now)


def _next_ids(cursor, meta, count: int) -> list[int]:
    """`count` ids taken from the table's sequence, so the caller knows them beforehand."""
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
        [meta.db_table, meta.pk.column, count],
    )
    return [row[0] for row in cursor.fetchall()]


def _keep_statistics(cursor, table: str) -> None:
    """`ANALYZE` a table that grew well past the size its statistics record.

    PostgreSQL keeps, for the whole session, the plan of each foreign-key check (and of
    any prepared query) made when first needed: made while the table was nearly empty,
    it reads the whole table for every referencing row, however large the table grows
    (20,000 organisations imported into an empty directory: 220 million rows read at
    commit). `ANALYZE` updates the size and makes the session plan those checks again;
    done each time the table doubles, it costs a few calls per import. Its lock (held
    until commit) only excludes vacuums and other `ANALYZE`s: when one holds the table,
    this one gives up at once rather than wait."""
    quoted = connection.ops.quote_name(table)
    cursor.execute(
        "SELECT c.relpages, pg_relation_size(c.oid) / current_setting('block_size')::int, "
        "current_setting('lock_timeout') FROM pg_class AS c WHERE c.oid = %s::regclass",
        [quoted],
    )
    recorded, pages, lock_timeout = cursor.fetchone()
    if pages <= 2 * max(recorded, 0) + 8:
        return
    try:
        with transaction.atomic():
            cursor.execute("SELECT set_config('lock_timeout', '20ms', true)")
            cursor.execute(f"ANALYZE {quoted}")
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [lock_timeout])
    except OperationalError:
        pass  # another session analyses or vacuums it: the next batch will try again


def insert_new(model: type[models.Model], objects: list[models.Model]) -> list[models.Model]:
    """Insert those of unsaved `objects` that no unique constraint refuses (a row another
    process wrote meanwhile) and return them, with their `pk`; the others are left out,
    `pk` empty. On PostgreSQL: `COPY` into a temporary table, then one
    `INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING`; elsewhere `bulk_create` with
    `ignore_conflicts`, then one query for the ids."""
    if not objects:
        return []
    meta = model._meta
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=1000, ignore_conflicts=True)
        return []  # SQLite gives no ids back: the caller reads them by its key
    fields = _insertable(meta)
    _stamp(fields, objects)
    quote = connection.ops.quote_name
    temp = f"tisser_new_{meta.db_table}"
    names = ", ".join(quote(f.column) for f in [meta.pk, *fields])
    with transaction.atomic(), connection.cursor() as cursor:
        ids = _next_ids(cursor, meta, len(objects))
        cursor.execute(
            f"CREATE TEMPORARY TABLE {quote(temp)} AS SELECT {names} "
            f"FROM {quote(meta.db_table)} WITH NO DATA"
        )
        _copy(cursor, temp, [meta.pk, *fields], objects, ids)
        cursor.execute(
            f"INSERT INTO {quote(meta.db_table)} ({names}) SELECT {names} FROM {quote(temp)} "
            f"ON CONFLICT DO NOTHING RETURNING {quote(meta.pk.column)}"
        )
        written = {row[0] for row in cursor.fetchall()}
        cursor.execute(f"DROP TABLE {quote(temp)}")
        _keep_statistics(cursor, meta.db_table)
    inserted = []
    for pk, obj in zip(ids, objects, strict=True):
        if pk in written:
            obj.pk = pk
            obj._state.adding = False
            inserted.append(obj)
    return inserted


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


# Values psycopg writes as they are, an aware datetime included (checked apart): no
# field's own preparation needed, which costs more than the COPY itself on wide rows.
# Exact types: a subclass (an enum's member) goes through its field, as `save()` would.
_PLAIN = frozenset({str, int, bool, float, type(None), datetime.date})


def _copy(cursor, table: str, fields, objects, ids=None) -> None:
    """`COPY` the `fields` of `objects` into `table` (the primary key from `ids` if given)."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    plain, aware = _PLAIN, datetime.datetime
    rest = [
        (n, f.attname, f) for n, f in enumerate(fields) if not (ids is not None and f.primary_key)
    ]
    key = next((n for n, f in enumerate(fields) if ids is not None and f.primary_key), None)
    with cursor.cursor.copy(f"COPY {quote(table)} ({columns}) FROM STDIN") as copy:
        for i, obj in enumerate(objects):
            row = [None] * len(fields)
            if key is not None:
                row[key] = ids[i]
            for n, attname, field in rest:
                value = getattr(obj, attname)
                kind = type(value)
                if kind not in plain and not (kind is aware and value.tzinfo is not None):
                    value = field.get_db_prep_save(value, connection)
                row[n] = value
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
