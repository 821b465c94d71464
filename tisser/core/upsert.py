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

from django.db import connections, models, router
from django.db.models import Model

from tisser.core.compiled import hot_cursor

#: The SQL of `insert_returning` and `insert_rows`, by model, database and shape.
_SQL: dict[tuple, str] = {}


def new_instance(model: type[Model], **values) -> Model:
    """`model(**values)` for a hot path's insert, built positionally as the ORM builds
    the rows it reads: Django's keyword path (each field looked up by name, each relation
    set through its descriptor) cost more CPU than the row's insert. `values` are by
    attname, or by the name of a many-to-one relation given its instance (then cached on
    the new one, as `model(event=event)` does). Other fields take their defaults."""
    fields, defaults, calls, positions = _template(model)
    row = list(defaults)
    related = []
    for name, value in values.items():
        index = positions.get(name)
        if index is None:
            raise TypeError(f"{model.__name__}() got an unexpected keyword argument {name!r}")
        field = fields[index]
        if field.is_relation and name == field.name:
            if value is not None and not isinstance(value, field.related_model):
                raise TypeError(f"{model.__name__}.{name} must be a {field.related_model.__name__}")
            related.append((field, value))
            value = None if value is None else value.pk
        row[index] = value
    for index in calls:
        if fields[index].name not in values and fields[index].attname not in values:
            row[index] = fields[index].default()
    instance = model(*row)
    for field, value in related:
        field.set_cached_value(instance, value)
    return instance


#: Per model: its concrete fields, their defaults, the indices of defaults to call, and
#: the index of each field by attname and by name.
_TEMPLATES: dict[type, tuple] = {}


def _template(model: type[Model]) -> tuple:
    template = _TEMPLATES.get(model)
    if template is None:
        fields = model._meta.concrete_fields
        calls = [i for i, f in enumerate(fields) if f.has_default() and callable(f.default)]
        defaults = [None if i in calls else f.get_default() for i, f in enumerate(fields)]
        positions = {f.attname: i for i, f in enumerate(fields)}
        positions.update({f.name: i for i, f in enumerate(fields) if f.many_to_one})
        template = _TEMPLATES[model] = (fields, tuple(defaults), calls, positions)
    return template


def _insert_fields(instance: Model) -> list:
    """The columns an insert writes: all but an unset primary key (the database's)."""
    fields = instance._meta.local_concrete_fields
    if instance._meta.pk in fields and getattr(instance, instance._meta.pk.attname) is None:
        return [f for f in fields if not f.primary_key]
    return list(fields)


def prepared_insert(instance: Model, connection) -> tuple[list, list]:
    """The fields an insert of `instance` writes and their values, prepared as `save()`
    would (`auto_now` stamps, the database's adaptation).

    A value that Django's preparation would return unchanged (a `str` for a text field,
    an `int` for an integer or a key, a `bool`, None) is taken as it is: preparing each
    field through the ORM cost a hot path's inserts more than the database spends
    writing them."""
    fields = _insert_fields(instance)
    values = []
    for field, plain in zip(fields, _plain_types(type(instance), fields), strict=True):
        if plain:
            value = getattr(instance, field.attname)
            if value is None or type(value) in plain or (plain is _TEXT and isinstance(value, str)):
                values.append(value)  # (a text field keeps any str, TextChoices included)
                continue
        values.append(field.get_db_prep_save(field.pre_save(instance, add=True), connection))
    return fields, values


#: Fields whose preparation returns a value of these exact types unchanged (on every
#: backend Django ships), when their class is exactly this one.
_TEXT = (str,)
_PLAIN = {
    models.CharField: _TEXT,
    models.TextField: _TEXT,
    models.EmailField: _TEXT,
    models.SlugField: _TEXT,
    models.URLField: _TEXT,
    models.BooleanField: (bool,),
    models.IntegerField: (int,),
    models.SmallIntegerField: (int,),
    models.BigIntegerField: (int,),
    models.PositiveIntegerField: (int,),
    models.PositiveSmallIntegerField: (int,),
    models.PositiveBigIntegerField: (int,),
    models.AutoField: (int,),
    models.BigAutoField: (int,),
}
_PLAIN_TYPES: dict[tuple, tuple] = {}


#: Fields whose preparation leaves None as it is, unless they stamp the date themselves.
_NONE_ONLY = (models.DateTimeField, models.DateField, models.DecimalField)


def _plain_types(model, fields) -> tuple:
    """For each field, the exact types of a value its preparation leaves as it is (a key
    follows its target's field; None always is); () when it may change any value (JSON,
    a date stamped on save, a field of another class)."""
    key = (model, len(fields))
    types = _PLAIN_TYPES.get(key)
    if types is None:

        def plain(field):
            if type(field) in (models.ForeignKey, models.OneToOneField):
                field = field.target_field
            if type(field) in _NONE_ONLY:
                stamped = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
                return () if stamped else (type(None),)
            return _PLAIN.get(type(field), ())

        types = _PLAIN_TYPES[key] = tuple(plain(field) for field in fields)
    return types


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
