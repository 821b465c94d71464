"""Raw bulk inserts for the demo loader: Django's `bulk_create` spends most of its time
compiling SQL (SQLite allows ~30 organisations per statement), far too slow for 200,000.

Rows are tuples in the model's concrete-field order, so a field another app adds (with a
default) is filled with that default without this module knowing it (a callable default
is called once per load, not per row). PostgreSQL gets
`COPY`, SQLite one prepared `INSERT` run by `executemany`.
"""

import operator

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models.base import ModelState

# Field types whose Python value the database drivers take as they are.
_PLAIN = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.FloatField,
    models.BooleanField,
    models.ForeignKey,
    models.AutoField,
    models.BigAutoField,
    models.FileField,  # the demo only writes its empty default, a plain string
)


class BulkInserter:
    """Insert plain rows into one model's table, ids included when `with_pk` is true."""

    def __init__(self, model, now, with_pk: bool = True):
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
        self.defaults = {}  # attname -> value as the database takes it (or raw, converted later)
        self.convert = []  # (position, field) of values the driver cannot take as they are
        for position, f in enumerate(self.fields):
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                default = f.get_db_prep_save(now, connection)
            else:
                default = None if f.primary_key else f.get_default()
                if not isinstance(f, _PLAIN):
                    self.convert.append((position, f))
            self.defaults[f.attname] = default
        attnames = [f.attname for f in self.fields]
        pick = operator.itemgetter(*attnames)
        self.pick = (lambda values: (pick(values),)) if len(attnames) == 1 else pick
        self.attname_set = frozenset(attnames)

    def new_instance(self, **values):
        """A model instance without `__init__`'s cost (defaults, then `values`)."""
        obj = self.model.__new__(self.model)
        obj.__dict__.update(self.defaults)
        obj.__dict__.update(values)
        obj._state = ModelState()
        obj._state.adding = False
        return obj

    def row(self, values: dict) -> tuple:
        """The row for `values` (attname → value); missing fields take their default.

        `values` may be a `new_instance()`'s `__dict__`, which holds every field already.
        """
        if not self.attname_set.issubset(values):
            values = {**self.defaults, **values}
        out = self.pick(values)
        if self.convert:
            out = list(out)
            for position, field in self.convert:
                out[position] = field.get_db_prep_save(out[position], connection)
        return out

    def insert(self, rows: list[tuple]) -> None:
        if not rows:
            return
        table = connection.ops.quote_name(self.model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":  # COPY: the fastest way in
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.fields))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)


def next_id(model) -> int:
    found = model.objects.aggregate(top=models.Max("pk"))["top"]
    return (found or 0) + 1


def lock_tables(*models_) -> None:
    """Keep other writers out while ids are handed out by hand (PostgreSQL; SQLite's
    IMMEDIATE transactions already hold the write lock)."""
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models_)
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")


def reset_sequences(*models_) -> None:
    """After explicit ids, move PostgreSQL's sequences past them."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


class DeferredIndexes:
    """Drop the secondary indexes of some tables before a big load and build them again,
    exactly as they were defined, afterwards: one sorted build per index costs far less
    than 200,000 random insertions into each. Indexes behind a constraint (primary keys,
    unique constraints) stay. On PostgreSQL the tables' foreign keys are dropped and added
    back the same way, so that each is checked by one join instead of one query per row
    (PostgreSQL's advice for populating a database). All of it inside the load's
    transaction: a failure, a duplicate or a dangling reference undoes everything."""

    def __init__(self, *models_):
        self.tables = [m._meta.db_table for m in models_]
        self.indexes: list[str] = []
        self.foreign_keys: list[tuple[str, str, str]] = []

    def _secondary(self, cursor, table: str) -> list[tuple[str, str]]:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                "WHERE i.schemaname = current_schema() AND i.tablename = %s "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = "
                "(quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)",
                [table],
            )
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master "
                "WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                [table],
            )
        else:
            return []
        return cursor.fetchall()

    def drop(self) -> None:
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Checks pending from earlier in the transaction would block ALTER TABLE.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in self.tables:
                if connection.vendor == "postgresql":
                    cursor.execute(
                        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                        "WHERE conrelid = %s::regclass AND contype = 'f'",
                        [quote(table)],
                    )
                    for name, definition in cursor.fetchall():
                        self.foreign_keys.append((table, name, definition))
                        cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
                for name, definition in self._secondary(cursor, table):
                    self.indexes.append(definition)
                    cursor.execute("DROP INDEX " + quote(name))

    def restore(self) -> None:
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no index build while pending
                cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for definition in self.indexes:
                cursor.execute(definition)
            for table, name, definition in self.foreign_keys:
                cursor.execute(
                    f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}"
                )
            if connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys' mode
        self.indexes, self.foreign_keys = [], []
