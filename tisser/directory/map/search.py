"""Full-text search of organisations, blind to accents and case, with word prefixes.

`Organisation.search_text` is already folded (`tisser.core.text.fold`: lower case, no
accents, words of [a-z0-9] separated by one space), so both databases index plain words:

- SQLite: an FTS5 table with external content (`directory_organisation_fts`) kept in sync
  by triggers;
- PostgreSQL: a stored generated column `search_vector` (the words of `search_text` with
  weight D, those of `filter_tags` with weight A) and one GIN index on it.

Both hold `filter_tags` (the public filters as words, see `indexing.filter_tags_for`)
beside the text: on SQLite a second FTS5 column, on PostgreSQL the weight-A words of the
same vector, so a search narrowed by a category or a territory is one intersection inside
the index (`velo:*D & d59:A`) instead of a test of the filter on every row a word matches.
The column is PostgreSQL's own work (`GENERATED ALWAYS … STORED`), so every write that
changes `search_text` or `filter_tags` (save, `update()`, `bulk_update`, COPY) keeps it in
step; Django does not know it and never reads it. A migration that alters the type of
`search_text` or `filter_tags` must drop it first (`remove_search_vector`) and call
`install_search_index` after.

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
PG_VECTOR = "search_vector"
PG_VECTOR_INDEX = "directory_organisation_search_vector_gin"
PG_OLD_INDEXES = (  # built until 2026-12-01: the text alone, then the filter words apart
    "directory_organisation_search_gin",
    "directory_organisation_filter_gin",
)
# Text words weigh D, filter words A: a text word never matches a filter word, and back.
PG_VECTOR_SQL = (
    "setweight(to_tsvector('simple', search_text), 'D') || "
    "setweight(to_tsvector('simple', filter_tags), 'A')"
)
MAX_WORDS = 8
MIN_PREFIX = 2  # a single letter matches a whole word only: "a*" would match everything

_SQLITE_TRIGGERS = {
    f"{FTS_TABLE}_ai": f"""
        CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON {TABLE} BEGIN
            INSERT INTO {FTS_TABLE}(rowid, search_text, filter_tags)
            VALUES (new.id, new.search_text, new.filter_tags);
        END""",
    f"{FTS_TABLE}_ad": f"""
        CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON {TABLE} BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text, filter_tags)
            VALUES ('delete', old.id, old.search_text, old.filter_tags);
        END""",
    f"{FTS_TABLE}_au": f"""
        CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au
        AFTER UPDATE OF search_text, filter_tags ON {TABLE}
        BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text, filter_tags)
            VALUES ('delete', old.id, old.search_text, old.filter_tags);
            INSERT INTO {FTS_TABLE}(rowid, search_text, filter_tags)
            VALUES (new.id, new.search_text, new.filter_tags);
        END""",
}


def install_search_index(connection=None) -> None:
    """Create the full-text index for this database if it is missing (idempotent)."""
    connection = connection or default_connection
    if TABLE not in connection.introspection.table_names():
        return  # migrated back to before the directory existed
    with connection.cursor() as cursor:
        columns = connection.introspection.get_table_description(cursor, TABLE)
        if "filter_tags" not in {column.name for column in columns}:
            return  # an early migration: 0007 adds the column, then builds the index
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type IN ('table', 'trigger') "
                "AND name IN (%s, %s, %s, %s)" % (("%s",) * 4),
                [FTS_TABLE, *_SQLITE_TRIGGERS],
            )
            present = dict(cursor.fetchall())
            current = all("filter_tags" in (sql or "") for sql in present.values())
            if present.keys() >= {FTS_TABLE, *_SQLITE_TRIGGERS} and current:
                return
            if not current:  # built before filter_tags: build it again
                remove_search_index(connection)
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
                f"search_text, filter_tags, content='{TABLE}', content_rowid='id', "
                "tokenize='unicode61 remove_diacritics 2')"
            )
            for sql in _SQLITE_TRIGGERS.values():
                cursor.execute(sql)
            # Rows written while the triggers were missing: index everything again.
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
        elif connection.vendor == "postgresql":
            if PG_VECTOR not in {column.name for column in columns}:
                # Computes the column for every existing row (one rewrite of the table).
                cursor.execute(
                    f"ALTER TABLE {TABLE} ADD COLUMN {PG_VECTOR} tsvector "
                    f"GENERATED ALWAYS AS ({PG_VECTOR_SQL}) STORED"
                )
            # Only what is missing or left over: DDL on a table with pending trigger events
            # (deferred foreign keys earlier in the transaction) is refused.
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexname = ANY(%s)",
                [TABLE, [PG_VECTOR_INDEX, *PG_OLD_INDEXES]],
            )
            present = {row[0] for row in cursor.fetchall()}
            for name in present & set(PG_OLD_INDEXES):
                cursor.execute(f"DROP INDEX {name}")
            if PG_VECTOR_INDEX not in present:
                cursor.execute(f"CREATE INDEX {PG_VECTOR_INDEX} ON {TABLE} USING gin ({PG_VECTOR})")


def remove_search_index(connection=None) -> None:
    connection = connection or default_connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in _SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
        elif connection.vendor == "postgresql":
            # The column stays: PostgreSQL fills it row by row during a bulk load, and the
            # index is built once afterwards (`install_search_index`).
            for name in (PG_VECTOR_INDEX, *PG_OLD_INDEXES):
                cursor.execute(f"DROP INDEX IF EXISTS {name}")


def remove_search_vector(connection=None) -> None:
    """Drop PostgreSQL's generated column (and its index with it)."""
    connection = connection or default_connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS {PG_VECTOR}")


def search_words(text: str) -> list[str]:
    """The folded words of a query, at most MAX_WORDS of them."""
    return fold(text).split()[:MAX_WORDS]


def search(qs: QuerySet, text: str, *, tags=(), matches_first: bool = False) -> QuerySet:
    """Organisations of `qs` whose text holds every word of `text` as a word prefix.

    `tags` narrows the matches inside the index: groups of `filter_tags` words, every
    group must have one of its words ([["c3", "c5"], ["d59"]]: category 3 or 5, and the
    Nord). Nothing at all is found when `text` has no word (the caller filters then).

    `matches_first` (SQLite): the FTS5 table is joined, so it is the outer loop and is read
    lazily in id order; a LIMIT then stops it early. As `id IN (…)` (the default) SQLite
    first lists every match: 15,000 for "velo" in a category, 6 ms before the first row.
    """
    words = search_words(text)
    if not words:
        return qs
    tags = [[tag for tag in group if tag.isalnum()] for group in tags]
    if any(not group for group in tags):
        return qs.none()
    if default_connection.vendor == "sqlite":
        # Quoted words: FTS5 operators (AND, OR, NEAR…) typed by a user stay plain words.
        text_match = " AND ".join(
            f'"{word}"' + ("*" if len(word) >= MIN_PREFIX else "") for word in words
        )
        match = " AND ".join(
            [f"{{search_text}} : ({text_match})"]
            + ["{filter_tags} : (" + " OR ".join(f'"{t}"' for t in group) + ")" for group in tags]
        )
        if matches_first:
            return qs.extra(
                tables=[FTS_TABLE],
                where=[f"{FTS_TABLE}.rowid = {TABLE}.id", f"{FTS_TABLE} MATCH %s"],
                params=[match],
            )
        sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
        return qs.filter(pk__in=RawSQL(sql, [match]))
    if default_connection.vendor == "postgresql":
        # Words are folded ([a-z0-9]) and tags alphanumeric: no tsquery operator gets in.
        terms = [word + (":*D" if len(word) >= MIN_PREFIX else ":D") for word in words]
        terms += ["(" + " | ".join(f"{tag}:A" for tag in group) + ")" for group in tags]
        # The match is a condition on the row itself: the planner starts from the GIN
        # index and applies the other filters to those rows (an `id IN (…)` made it
        # hash-join every row of a big filter, e.g. a département, to the matches).
        return qs.filter(_VectorMatch(F("search_text"), Value(" & ".join(terms))))
    # Any other database: the same meaning (word prefixes) without an index.
    for word in words:
        qs = qs.filter(search_text__regex=rf"(^| ){word}")
    for group in tags:
        qs = qs.filter(filter_tags__regex=rf"(^| )({'|'.join(group)})( |$)")
    return qs


def match_tags(qs: QuerySet, tags) -> QuerySet:
    """Organisations of `qs` whose `filter_tags` hold one word of every group of `tags`,
    found in the full-text index (filters without a search: the API's lists, whose
    counts would otherwise visit every organisation of a category one by one)."""
    tags = [[tag for tag in group if tag.isalnum()] for group in tags]
    if not tags:
        return qs
    if any(not group for group in tags):
        return qs.none()
    if default_connection.vendor == "sqlite":
        match = " AND ".join(
            "{filter_tags} : (" + " OR ".join(f'"{t}"' for t in group) + ")" for group in tags
        )
        sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
        return qs.filter(pk__in=RawSQL(sql, [match]))
    if default_connection.vendor == "postgresql":
        terms = ["(" + " | ".join(f"{tag}:A" for tag in group) + ")" for group in tags]
        return qs.filter(_VectorMatch(F("search_text"), Value(" & ".join(terms))))
    for group in tags:
        qs = qs.filter(filter_tags__regex=rf"(^| )({'|'.join(group)})( |$)")
    return qs


class _VectorMatch(Func):
    """`<table>.search_vector @@ to_tsquery('simple', <query>)`. The column is not a Django
    field: it is named after the alias Django gives `search_text` (`F("search_text")`), so
    it is right in any subquery."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra):
        column, query = self.get_source_expressions()
        quote = compiler.quote_name_unless_alias
        vector = quote(PG_VECTOR)
        if getattr(column, "alias", None):
            vector = f"{quote(column.alias)}.{vector}"
        query_sql, params = compiler.compile(query)
        return f"({vector} @@ to_tsquery('simple', {query_sql}))", params


def on_post_migrate(sender, using="default", **kwargs) -> None:
    """Re-create what a table rebuild may have dropped (SQLite triggers)."""
    from django.db import connections

    install_search_index(connections[using])
