"""One-statement inserts that settle a unique conflict inside the database.

`INSERT … ON CONFLICT … RETURNING` (PostgreSQL, and SQLite ≥ 3.35) replaces the
"look up, then insert in a savepoint, catch IntegrityError, look up again" dance on hot
paths (a registration rush): one statement, no savepoint, and correct under concurrency
because the database decides. The instance's fields are prepared as `save()` would
(`auto_now` stamps, database adaptation), but `save()` itself and its signals do not run.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db import connections, router
from django.db.models import Model

from tisser.core.compiled import hot_cursor

#: The SQL of `insert_returning` and `insert_rows`, by model, database and shape.
_SQL: dict[tuple, str] = {}


def _insert_fields(instance: Model) -> list:
    """The columns an insert writes: all but an unset primary key (the database's)."""
    fields = instance._meta.local_concrete_fields
    if instance._meta.pk in fields and getattr(instance, instance._meta.pk.attname) is None:
        return [f for f in fields if not f.primary_key]
    return list(fields)


def prepared_insert(instance: Model, connection) -> tuple[list, list]:
    """The fields an insert of `instance` writes and their values, prepared as `save()`
    would (`auto_now` stamps, the database's adaptation)."""
    fields = _insert_fields(instance)
    return fields, [f.get_db_prep_save(f.pre_save(instance, add=True), connection) for f in fields]


def insert_head(connection, table: str, fields) -> str:
    """`INSERT INTO table (columns)`, quoted for `connection`."""
    quote = connection.ops.quote_name
    return f"INSERT INTO {quote(table)} ({', '.join(quote(f.column) for f in fields)})"


def insert_returning(
    instance: Model,
    *,
    conflict: str = "DO NOTHING",
    returning: Sequence[str] = ("id",),
    params: Sequence = (),
    joined: tuple[str, Sequence] | None = None,
) -> tuple | None:
    """Insert `instance`'s row followed by `ON CONFLICT <conflict>`; the `returning`
    columns of the row written, or None when the conflict left nothing written.

    `conflict` is SQL written by the caller (never user text): e.g. `DO NOTHING`, or
    `("email") WHERE NOT ("email" = '') DO UPDATE SET …`; `params` fill its `%s`;
    `returning` names columns.
    `joined`: a read (SQL and parameters, e.g. `CompiledQuery.bind`) run in the same
    statement on PostgreSQL, one round trip less (next to it elsewhere): its columns
    follow the returned ones (NULLs when it finds nothing; nothing at all when the
    conflict left nothing written).
    On a returned row, the instance gets its primary key and counts as saved."""
    alias = router.db_for_write(type(instance), instance=instance)
    connection = connections[alias]
    read, read_params = joined or ("", ())
    apart = read and connection.vendor != "postgresql"  # SQLite: no INSERT inside WITH
    sql, values = upsert_sql(instance, conflict=conflict, returning=returning, params=params)
    if read and not apart:
        key = (sql, read)
        if key not in _SQL:
            _SQL[key] = (
                f"WITH written AS ({sql}) SELECT written.*, joined.* FROM written "
                f"LEFT JOIN ({read}) AS joined ON true"
            )
        sql, values = _SQL[key], [*values, *read_params]
    with hot_cursor(alias) as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
        if apart and row is not None:
            cursor.execute(read, read_params)
            row = (*row, *(cursor.fetchone() or [None] * len(cursor.description)))
    mark_saved(instance, row, returning)
    return row


def upsert_sql(
    instance: Model,
    *,
    conflict: str = "DO NOTHING",
    returning: Sequence[str] = ("id",),
    params: Sequence = (),
) -> tuple[str, list]:
    """The SQL and parameters `insert_returning` sends without `joined`: for a statement
    that runs this upsert inside its own (a `WITH`), then `mark_saved` with its row."""
    model = type(instance)
    alias = router.db_for_write(model, instance=instance)
    connection = connections[alias]
    fields, values = prepared_insert(instance, connection)
    key = (model, alias, len(fields), conflict, tuple(returning))
    sql = _SQL.get(key)
    if sql is None:  # written once per process: quoting and joining cost more than binding
        quote = connection.ops.quote_name
        sql = _SQL[key] = (
            f"{insert_head(connection, model._meta.db_table, fields)} "
            f"VALUES ({', '.join(['%s'] * len(fields))}) ON CONFLICT {conflict} "
            f"RETURNING {', '.join(quote(column) for column in returning)}"
        )
    return sql, [*values, *params]


def mark_saved(instance: Model, row: tuple | None, returning: Sequence[str]) -> None:
    """On a row written by `upsert_sql` (not None), the instance gets its primary key
    and counts as saved."""
    opts = instance._meta
    if row is not None and opts.pk.column in returning:
        instance.pk = row[list(returning).index(opts.pk.column)]
        instance._state.adding = False
        instance._state.db = router.db_for_write(type(instance), instance=instance)


def insert_rows(instances: Sequence[Model]) -> None:
    """Insert rows of one model in one statement, prepared as `save()` would, without
    reading anything back (their primary keys stay unset): for the small child rows of
    a hot path (a registration's answers), where `bulk_create` builds and compiles a
    query each time for more CPU than the database spends writing them."""
    if not instances:
        return
    model = type(instances[0])
    alias = router.db_for_write(model, instance=instances[0])
    connection = connections[alias]
    prepared = [prepared_insert(instance, connection) for instance in instances]
    fields = prepared[0][0]
    if any(len(other) != len(fields) for other, _values in prepared):
        raise ValueError("set every primary key or none")
    key = (model, alias, len(fields), len(instances))
    hot = len(instances) <= 20  # the few small shapes of a hot path: kept and prepared
    sql = _SQL.get(key)
    if sql is None:
        row = f"({', '.join(['%s'] * len(fields))})"
        sql = (
            f"{insert_head(connection, model._meta.db_table, fields)} "
            f"VALUES {', '.join([row] * len(instances))}"
        )
        if hot:
            _SQL[key] = sql
    values = [value for _fields, row in prepared for value in row]
    with hot_cursor(alias) if hot else connection.cursor() as cursor:
        cursor.execute(sql, values)


def written_by(instance: Model, field_name: str, returned) -> bool:
    """Whether `returned` (a datetime column read back by `insert_returning`) is the value
    this instance sent: its row was inserted, not an existing one updated. Drivers give
    the value back as an aware or a naive UTC datetime, or as text (SQLite)."""
    sent = getattr(instance, instance._meta.get_field(field_name).attname)

    def utc(value):
        if isinstance(value, str):
            value = datetime.datetime.fromisoformat(value)
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC).replace(tzinfo=None)
        return value

    return returned is not None and sent is not None and utc(returned) == utc(sent)


def from_row(model: type[Model], db: str, values: dict) -> Model:
    """An instance of `model` from some of its columns (`{attname: value}`), the others
    deferred, as the ORM builds one (`Model.from_db` wants the model's field order)."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(db, names, [values[name] for name in names])
