"""Full-text search of organisations, blind to accents and case, with word prefixes.

`Organisation.search_text` is already folded (`tisser.core.text.fold`: lower case, no
accents, words of [a-z0-9] separated by one space), so both databases index plain words:

- SQLite: an FTS5 table with external content (`directory_organisation_fts`) kept in sync
  by triggers;
- PostgreSQL: a GIN index on `to_tsvector('simple', search_text)`.

A query is folded the same way and every word must match as a prefix ("econ solid"
finds "Économie solidaire"; a single letter only as a whole word), so both give the
same results. `install_search_index` is
idempotent: the migration calls it, and so does `post_migrate`, because SQLite rebuilds
a table when a later migration alters it, which drops the triggers.
"""

from django.db import connection as default_connection
from django.db.models import BooleanField, F, Func, QuerySet, Value
from django.db.models.expressions import RawSQL

from tisser.core.text import fold

TABLE = "directory_organisation"
FTS_TABLE = "directory_organisation_fts"
PG_INDEX = "directory_organisation_search_gin"
MAX_WORDS = 8
MIN_PREFIX = 2  # a single letter matches a whole word only: "a*" would match everything

_SQLITE_TRIGGERS = {
    f"{FTS_TABLE}_ai": f"""
        CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON {TABLE} BEGIN
            INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text);
        END""",
    f"{FTS_TABLE}_ad": f"""
        CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON {TABLE} BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
        END""",
    f"{FTS_TABLE}_au": f"""
        CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au AFTER UPDATE OF search_text ON {TABLE}
        BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
            INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text);
        END""",
}


def install_search_index(connection=None) -> None:
    """Create the full-text index for this database if it is missing (idempotent)."""
    connection = connection or default_connection
    if TABLE not in connection.introspection.table_names():
        return  # migrated back to before the directory existed
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') "
                "AND name IN (%s, %s, %s, %s)" % (("%s",) * 4),
                [FTS_TABLE, *_SQLITE_TRIGGERS],
            )
            present = {row[0] for row in cursor.fetchall()}
            if present >= {FTS_TABLE, *_SQLITE_TRIGGERS}:
                return
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
                f"search_text, content='{TABLE}', content_rowid='id', "
                "tokenize='unicode61 remove_diacritics 2')"
            )
            for sql in _SQLITE_TRIGGERS.values():
                cursor.execute(sql)
            # Rows written while the triggers were missing: index everything again.
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [PG_INDEX])
            if cursor.fetchone():
                return
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON {TABLE} "
                "USING gin (to_tsvector('simple', search_text))"
            )


def remove_search_index(connection=None) -> None:
    connection = connection or default_connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in _SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
        elif connection.vendor == "postgresql":
            cursor.execute(f"DROP INDEX IF EXISTS {PG_INDEX}")


def search_words(text: str) -> list[str]:
    """The folded words of a query, at most MAX_WORDS of them."""
    return fold(text).split()[:MAX_WORDS]


def search(qs: QuerySet, text: str, *, lead: bool = True) -> QuerySet:
    """Organisations of `qs` whose text holds every word of `text` as a word prefix.

    `lead=False` is for "the first 20 by name" when thousands match: PostgreSQL then
    hashes the matches once and tests each row as it walks the name index, instead of
    joining every match and sorting them (SQLite gets the same plan with INDEXED BY, see
    `map_queries.ordered_slice`).
    """
    words = search_words(text)
    if not words:
        return qs
    if default_connection.vendor == "sqlite":
        # Quoted words: FTS5 operators (AND, OR, NEAR…) typed by a user stay plain words.
        match = " AND ".join(
            f'"{word}"' + ("*" if len(word) >= MIN_PREFIX else "") for word in words
        )
        sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
        return qs.filter(pk__in=RawSQL(sql, [match]))
    if default_connection.vendor == "postgresql":
        tsquery = " & ".join(word + (":*" if len(word) >= MIN_PREFIX else "") for word in words)
        # OFFSET 0 keeps the matches a set of their own (found with the GIN index, then
        # hashed): without it the planner may fold them into the outer query and compute
        # to_tsvector row by row while it walks another index.
        sql = (
            f"SELECT id FROM {TABLE} WHERE to_tsvector('simple', search_text) "
            "@@ to_tsquery('simple', %s) OFFSET 0"
        )
        if not lead:
            # Wrapped in IS TRUE, the IN stays a (hashed) filter instead of a join.
            wrapped = f'("{TABLE}"."id" IN ({sql})) IS TRUE'
            return qs.filter(RawSQL(wrapped, [tsquery], output_field=BooleanField()))
        # Leading: the match is a condition on the row itself, so the planner starts from
        # the GIN index and applies the other filters to those rows (an `id IN (…)` made it
        # hash-join every row of a big filter, e.g. a département, to the matches).
        return qs.filter(_TextMatch(F("search_text"), Value(tsquery)))
    # Any other database: the same meaning (word prefixes) without an index.
    for word in words:
        qs = qs.filter(search_text__regex=rf"(^| ){word}")
    return qs


class _TextMatch(Func):
    """`to_tsvector('simple', <search_text>) @@ to_tsquery('simple', <query>)`: the very
    expression of the GIN index, with the column compiled by Django (right alias in any
    subquery)."""

    template = "to_tsvector('simple', %(expressions)s)"
    arg_joiner = ") @@ to_tsquery('simple', "
    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra):
        sql, params = super().as_sql(compiler, connection, **extra)
        return f"({sql})", params


def on_post_migrate(sender, using="default", **kwargs) -> None:
    """Re-create what a table rebuild may have dropped (SQLite triggers)."""
    from django.db import connections

    install_search_index(connections[using])
