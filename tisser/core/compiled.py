"""Querysets of a hot path compiled to SQL once per process.

Django compiles a queryset to SQL at every evaluation; for a simple indexed look-up that
costs more CPU than the database spends answering it (a registration rush runs the same
few look-ups thousands of times). `CompiledQuery` builds the queryset once with stand-in
values, keeps its SQL, and afterwards only binds each call's values to it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import psycopg
import psycopg.types.net
from django.conf import settings
from django.db import connections, router
from django.db.backends.utils import CursorDebugWrapper
from django.db.models import Model, QuerySet


@contextmanager
def hot_cursor(alias: str) -> Iterator:
    """A cursor for a hot path's statements whose SQL is written once per process.

    On PostgreSQL they are bound on the server and prepared once per connection: each
    registration then skips the parsing and planning in the database, and the quoting of
    its values in Python (Django's usual cursor binds values into the SQL text, so never
    prepares). Elsewhere, or with `TISSER_DB_PREPARED_STATEMENTS` off, the usual cursor.
    Django's wrapper is kept: errors, transactions and the captured queries of tests
    behave as with `connection.cursor()`."""
    connection = connections[alias]
    if connection.vendor != "postgresql" or not settings.TISSER_DB_PREPARED_STATEMENTS:
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.ensure_connection()
    if not getattr(connection.connection, "tisser_binary_as_text", False):
        _read_binary_as_django_does(connection.connection)
    raw = PreparedCursor(connection.connection)
    cursor = (
        LoggedPreparedCursor(raw, connection)
        if connection.queries_logged
        else connection.make_cursor(raw)
    )
    with cursor:
        yield cursor


class LoggedPreparedCursor(CursorDebugWrapper):
    """Django's logging cursor (DEBUG, tests' captured queries) for prepared statements,
    which have no interpolated text to log: the SQL is logged as written."""

    def execute(self, sql, params=None):
        with self.debug_sql(sql, params):
            return super(CursorDebugWrapper, self).execute(sql, params)


class PreparedCursor(psycopg.Cursor):
    """psycopg's server-binding cursor, every statement prepared (Django's connection
    turns automatic preparation off, for the sake of connection poolers), its results
    read in binary (a tenth of a registration's instructions less than parsing text:
    timestamps above all)."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=True)


class _JsonbAsText(psycopg.adapt.Loader):
    """jsonb as its text, as Django reads it (its fields decode it themselves)."""

    format = psycopg.pq.Format.BINARY

    def load(self, data):
        return bytes(data[1:]).decode()


class _AddressAsText(psycopg.types.net.InetBinaryLoader):
    """inet and cidr as PostgreSQL writes them in text, as Django reads them."""

    def load(self, data):
        value = super().load(data)
        if hasattr(value, "ip") and value.network.prefixlen == value.max_prefixlen:
            return str(value.ip)
        return str(value)


class _NetworkAsText(psycopg.types.net.CidrBinaryLoader):
    def load(self, data):
        return str(super().load(data))


def _read_binary_as_django_does(raw) -> None:
    """Django registers text loaders that keep jsonb, inet and cidr as text; binary
    results need the same, or a field would get a decoded value it does not expect."""
    raw.adapters.register_loader("jsonb", _JsonbAsText)
    raw.adapters.register_loader("inet", _AddressAsText)
    raw.adapters.register_loader("cidr", _NetworkAsText)
    raw.tisser_binary_as_text = True


class CompiledQuery:
    """`build(*values)` returns a queryset of `model`; `first(*values)` its first row, as
    a model instance with the annotations as attributes (no select_related).

    The values must reach the SQL unchanged (exact look-ups on text columns): compiling
    checks that every stand-in is found among the parameters, and refuses otherwise."""

    def __init__(self, model: type[Model], build: Callable[..., QuerySet]):
        self.model = model
        self.build = build
        self.compiled: dict[tuple[str, int], tuple] = {}
        self.reading: dict[str, tuple] = {}  # by database: how to read a row

    def _compile(self, alias: str, arity: int) -> tuple:
        """The SQL, its parameters, where each value goes, and how to read a row: the
        model's columns (by attname) and the annotations (by position)."""
        stand_ins = [f"\x00compiled query value {n}\x00" for n in range(arity)]
        queryset = self.build(*stand_ins).using(alias)[:1]
        compiler = queryset.query.get_compiler(alias)
        sql, params = compiler.as_sql()
        slots = [
            (position, stand_ins.index(value))
            for position, value in enumerate(params)
            if isinstance(value, str) and value in stand_ins
        ]
        if sorted({n for _position, n in slots}) != list(range(arity)):
            raise ValueError("a value is transformed before it reaches the SQL: not compilable")
        if compiler.klass_info is None or compiler.klass_info.get("related_klass_infos"):
            raise ValueError("only whole rows of one model are compilable (no select_related)")
        fields = [
            compiler.select[i][0].target.attname for i in compiler.klass_info["select_fields"]
        ]
        annotations = list(compiler.annotation_col_map.items())
        converters = list(
            compiler.get_converters([column[0] for column in compiler.select]).items()
        )
        return sql, list(params), slots, fields, annotations, converters

    def first(self, *values) -> Model | None:
        sql, params = self.bind(*values)
        with hot_cursor(router.db_for_read(self.model)) as cursor:
            cursor.execute(sql, params)
            return self.read(cursor.fetchone())

    def bind(self, *values) -> tuple[str, list]:
        """The SQL of `first(*values)` and its parameters, to run on its own or inside
        another statement (`upsert.insert_returning(joined=…)`); `read` reads its row."""
        alias = router.db_for_read(self.model)
        key = (alias, len(values))
        if key not in self.compiled:
            self.compiled[key] = self._compile(alias, len(values))
            self.reading[alias] = self.compiled[key][3:]
        sql, params, slots, *_reading = self.compiled[key]
        params = list(params)
        for position, n in slots:
            params[position] = values[n]
        return sql, params

    def read(self, row) -> Model | None:
        """The instance a row of `bind`'s SQL holds; None for no row, or for the NULLs of
        a look-up that found nothing inside a `LEFT JOIN`."""
        alias = router.db_for_read(self.model)
        fields, annotations, converters = self.reading[alias]
        if row is None or row[fields.index(self.model._meta.pk.attname)] is None:
            return None
        connection = connections[alias]
        row = list(row)
        for position, (functions, expression) in converters:  # as the ORM reads the row
            for convert in functions:
                row[position] = convert(row[position], expression, connection)
        instance = self.model.from_db(alias, fields, row[: len(fields)])
        for name, position in annotations:
            setattr(instance, name, row[position])
        return instance
