"""Per-cell totals of the whole map, kept by the database itself.

Whole France at zoom 6 groups every published, located organisation by its grid cell:
reading 200,000 entries of the covering index costs ~65 ms on SQLite and 20-50 ms on
PostgreSQL here, every time the 30-second cache is empty. These tables hold, for each
cell of the two coarsest zoom bands (`map_queries.CACHED_COLUMNS`), the count and the
sums of latitudes and longitudes, so the unfiltered whole map is a few hundred rows
instead (filtered maps still group the rows: the totals know no filter).

Triggers keep them, as they keep the FTS5 table (`search.py`): every door into the table
(services, the admin, imports, `update()`, bulk inserts, COPY, restores) is counted, with
no code to forget.

- SQLite: row triggers update `directory_map_cell_totals` in place. SQLite has one writer
  at a time, so the few hot rows cost nothing.
- PostgreSQL: a row per cell updated in place would be locked by every writer of that
  cell until commit (an import would hold a city's cell for its whole transaction, and
  writers touching cells in different orders would deadlock). So statement triggers
  only append the net change of each statement per cell to `directory_map_cell_deltas`
  (inserts never wait on each other), readers add the deltas to the totals, and
  `fold_deltas` (a periodic task, one folder at a time) moves them into the totals in
  one transaction: a reader sees the deltas either before or after the move, never both.

A big load drops the triggers (`remove_map_totals`) and `install_map_totals` counts
everything again once; installing is idempotent (the migration and `post_migrate` call
it, since a SQLite table rebuild drops the triggers).
"""

from django.db import DatabaseError
from django.db import connection as default_connection

TABLE = "directory_organisation"
TOTALS = "directory_map_cell_totals"
DELTAS = "directory_map_cell_deltas"  # PostgreSQL
FOLD_LOCK = 7_242_601  # pg_advisory_xact_lock key: one folder at a time
BANDS = ("map_cell_6", "map_cell_8")  # map_queries.CACHED_COLUMNS
PUBLISHED = "published"  # Organisation.Status.PUBLISHED (no model import: migrations call us)


def _counted(row: str, column: str) -> str:
    return (
        f"{row}.status = '{PUBLISHED}' AND {row}.{column} IS NOT NULL "
        f"AND {row}.latitude IS NOT NULL AND {row}.longitude IS NOT NULL"
    )


def _add(column: str) -> str:
    # `WHERE` makes the SELECT unambiguous before ON CONFLICT (SQLite's upsert grammar).
    return (
        f"INSERT INTO {TOTALS} (band, cell, n, latitude_sum, longitude_sum) "
        f"SELECT '{column}', new.{column}, 1, new.latitude, new.longitude "
        f"WHERE {_counted('new', column)} "
        "ON CONFLICT (band, cell) DO UPDATE SET n = n + 1, "
        "latitude_sum = latitude_sum + excluded.latitude_sum, "
        "longitude_sum = longitude_sum + excluded.longitude_sum;"
    )


def _subtract(column: str) -> str:
    where = f"band = '{column}' AND cell = old.{column} AND {_counted('old', column)}"
    return (
        f"UPDATE {TOTALS} SET n = n - 1, latitude_sum = latitude_sum - old.latitude, "
        f"longitude_sum = longitude_sum - old.longitude WHERE {where};"
        f"DELETE FROM {TOTALS} WHERE n <= 0 AND {where};"
    )


_WATCHED = ("status", "latitude", "longitude", *BANDS)
_TRIGGERS = {
    f"{TOTALS}_ai": f"""
        CREATE TRIGGER IF NOT EXISTS {TOTALS}_ai AFTER INSERT ON {TABLE} BEGIN
            {" ".join(_add(c) for c in BANDS)}
        END""",
    f"{TOTALS}_ad": f"""
        CREATE TRIGGER IF NOT EXISTS {TOTALS}_ad AFTER DELETE ON {TABLE} BEGIN
            {" ".join(_subtract(c) for c in BANDS)}
        END""",
    f"{TOTALS}_au": f"""
        CREATE TRIGGER IF NOT EXISTS {TOTALS}_au AFTER UPDATE OF {", ".join(_WATCHED)}
        ON {TABLE}
        WHEN {" OR ".join(f"old.{c} IS NOT new.{c}" for c in _WATCHED)}
        BEGIN
            {" ".join(_subtract(c) for c in BANDS)}
            {" ".join(_add(c) for c in BANDS)}
        END""",
}


def _pg_changes(table: str, sign: str) -> str:
    """Rows of one transition table as (band, cell, n, latitude, longitude) changes."""
    return " UNION ALL ".join(
        f"SELECT '{c}' AS band, {c} AS cell, {sign}1 AS n, {sign}latitude AS lat, "
        f"{sign}longitude AS lon FROM {table} AS t WHERE {_counted('t', c)}"
        for c in BANDS
    )


def _pg_function(name: str, parts: list[str]) -> str:
    # The net change per cell of the whole statement; a save that moves nothing adds none.
    return f"""
        CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO {DELTAS} (band, cell, n, latitude_sum, longitude_sum)
            SELECT band, cell, sum(n), sum(lat), sum(lon)
            FROM ({" UNION ALL ".join(parts)}) AS changes
            GROUP BY band, cell
            HAVING sum(n) <> 0 OR sum(lat) <> 0 OR sum(lon) <> 0;
            RETURN NULL;
        END $$"""


_PG_FUNCTIONS = {
    f"{DELTAS}_ins": _pg_function(f"{DELTAS}_ins", [_pg_changes("new_rows", "")]),
    f"{DELTAS}_upd": _pg_function(
        f"{DELTAS}_upd", [_pg_changes("new_rows", ""), _pg_changes("old_rows", "-")]
    ),
    f"{DELTAS}_del": _pg_function(f"{DELTAS}_del", [_pg_changes("old_rows", "-")]),
    # TRUNCATE (Django's flush on PostgreSQL) has no transition table: empty both.
    f"{DELTAS}_trunc": f"""
        CREATE OR REPLACE FUNCTION {DELTAS}_trunc() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            DELETE FROM {DELTAS};
            DELETE FROM {TOTALS};
            RETURN NULL;
        END $$""",
}
_PG_TRIGGERS = {
    f"{DELTAS}_ai": f"AFTER INSERT ON {TABLE} REFERENCING NEW TABLE AS new_rows "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {DELTAS}_ins()",
    f"{DELTAS}_au": f"AFTER UPDATE ON {TABLE} REFERENCING OLD TABLE AS old_rows "
    f"NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {DELTAS}_upd()",
    f"{DELTAS}_ad": f"AFTER DELETE ON {TABLE} REFERENCING OLD TABLE AS old_rows "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {DELTAS}_del()",
    f"{DELTAS}_at": f"AFTER TRUNCATE ON {TABLE} FOR EACH STATEMENT "
    f"EXECUTE FUNCTION {DELTAS}_trunc()",
}


def _trigger_names(connection) -> tuple[str, ...]:
    return tuple(_TRIGGERS if connection.vendor == "sqlite" else _PG_TRIGGERS)


def _present_triggers_sql(connection) -> str:
    """A scalar subquery: how many of our triggers exist (placeholders for their names)."""
    names = ", ".join(["%s"] * len(_trigger_names(connection)))
    if connection.vendor == "sqlite":
        return f"(SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN ({names}))"
    return (
        f"(SELECT count(*) FROM pg_trigger WHERE tgrelid = '{TABLE}'::regclass "
        f"AND tgname IN ({names}))"
    )


def installed(connection=None) -> bool:
    """Whether the totals are kept here (tables and triggers present)."""
    connection = connection or default_connection
    if connection.vendor not in {"sqlite", "postgresql"}:
        return False
    tables = {TOTALS} if connection.vendor == "sqlite" else {TOTALS, DELTAS}
    if not tables <= set(connection.introspection.table_names()):
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + _present_triggers_sql(connection), list(_trigger_names(connection))
        )
        return cursor.fetchone()[0] == len(_trigger_names(connection))


def install_map_totals(connection=None) -> None:
    """Create the tables and their triggers if missing, and count again (idempotent)."""
    connection = connection or default_connection
    if connection.vendor not in {"sqlite", "postgresql"}:
        return
    if TABLE not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        columns = {c.name for c in connection.introspection.get_table_description(cursor, TABLE)}
        if not set(BANDS) <= columns:
            return  # before migration 0003 added the cells
        if installed(connection):
            return
        if connection.vendor == "sqlite":
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {TOTALS} (band TEXT NOT NULL, "
                "cell INTEGER NOT NULL, n INTEGER NOT NULL, latitude_sum REAL NOT NULL, "
                "longitude_sum REAL NOT NULL, PRIMARY KEY (band, cell)) WITHOUT ROWID"
            )
            for sql in _TRIGGERS.values():
                cursor.execute(sql)
        else:
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {TOTALS} (band text NOT NULL, "
                "cell integer NOT NULL, n bigint NOT NULL, "
                "latitude_sum double precision NOT NULL, "
                "longitude_sum double precision NOT NULL, PRIMARY KEY (band, cell))"
            )
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {DELTAS} (id bigserial PRIMARY KEY, "
                "band text NOT NULL, cell integer NOT NULL, n bigint NOT NULL, "
                "latitude_sum double precision NOT NULL, "
                "longitude_sum double precision NOT NULL)"
            )
            for sql in _PG_FUNCTIONS.values():
                cursor.execute(sql)
            for name, definition in _PG_TRIGGERS.items():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {TABLE}")
                cursor.execute(f"CREATE TRIGGER {name} {definition}")
            cursor.execute(f"DELETE FROM {DELTAS}")
        # Rows written while the triggers were missing: count everything again.
        cursor.execute(f"DELETE FROM {TOTALS}")
        for column in BANDS:
            cursor.execute(
                f"INSERT INTO {TOTALS} (band, cell, n, latitude_sum, longitude_sum) "
                f"SELECT '{column}', {column}, count(*), sum(latitude), sum(longitude) "
                f"FROM {TABLE} AS o WHERE {_counted('o', column)} GROUP BY {column}"
            )


def remove_map_totals(connection=None) -> None:
    connection = connection or default_connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in _TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {TOTALS}")
        elif connection.vendor == "postgresql":
            for name in _PG_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {TABLE}")
            for name in _PG_FUNCTIONS:
                cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")
            cursor.execute(f"DROP TABLE IF EXISTS {TOTALS}, {DELTAS}")


def fold_deltas(connection=None) -> int | None:
    """PostgreSQL: move the deltas into the totals; how many were moved (None: another
    folder is at work, or nothing to do on this database). Its own short transaction."""
    from django.db import transaction

    connection = connection or default_connection
    if connection.vendor != "postgresql" or not installed(connection):
        return None
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [FOLD_LOCK])
        if not cursor.fetchone()[0]:
            return None
        # Cells in order: this is the only writer of the totals, so no deadlock either way.
        cursor.execute(
            f"WITH moved AS (DELETE FROM {DELTAS} RETURNING *), "
            "summed AS (SELECT band, cell, sum(n) AS n, sum(latitude_sum) AS lat, "
            "sum(longitude_sum) AS lon, count(*) AS k FROM moved GROUP BY band, cell), "
            f"kept AS (INSERT INTO {TOTALS} AS t (band, cell, n, latitude_sum, longitude_sum) "
            "SELECT band, cell, n, lat, lon FROM summed ORDER BY band, cell "
            "ON CONFLICT (band, cell) DO UPDATE SET n = t.n + excluded.n, "
            "latitude_sum = t.latitude_sum + excluded.latitude_sum, "
            "longitude_sum = t.longitude_sum + excluded.longitude_sum) "
            "SELECT coalesce(sum(k), 0) FROM summed"
        )
        moved = cursor.fetchone()[0]
        cursor.execute(f"DELETE FROM {TOTALS} WHERE n <= 0")
    return int(moved)


def whole_map_totals(column: str) -> list[list] | None:
    """[cell, latitude, longitude, count] of every cell of `column`, or None where the
    totals are not kept (an unknown column, another database, triggers missing: the
    caller groups the rows then). One query: it also counts the triggers."""
    connection = default_connection
    if column not in BANDS or connection.vendor not in {"sqlite", "postgresql"}:
        return None
    if connection.vendor == "sqlite":
        source, params = f"SELECT * FROM {TOTALS} WHERE band = %s", [column]
    else:  # the totals plus the deltas not folded yet
        source = (
            f"SELECT band, cell, n, latitude_sum, longitude_sum FROM {TOTALS} WHERE band = %s "
            f"UNION ALL SELECT band, cell, n, latitude_sum, longitude_sum FROM {DELTAS} "
            "WHERE band = %s"
        )
        params = [column, column]
    sql = (
        "SELECT cell, sum(latitude_sum) / sum(n), sum(longitude_sum) / sum(n), sum(n), "
        f"{_present_triggers_sql(connection)} FROM ({source}) AS cells "
        "GROUP BY cell HAVING sum(n) > 0 ORDER BY cell"
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, [*_trigger_names(connection), *params])
            rows = cursor.fetchall()
    except DatabaseError:
        if connection.vendor != "sqlite":
            raise  # PostgreSQL: the transaction is aborted, say so
        return None  # no table yet (before migration 0009)
    if not rows or rows[0][4] != len(_trigger_names(connection)):
        return None  # nothing counted, or not everything: the GROUP BY is right anyway
    return [[cell, lat, lon, int(n)] for cell, lat, lon, n, _kept in rows]


def on_post_migrate(sender, using="default", **kwargs) -> None:
    """Re-create what a table rebuild may have dropped (SQLite triggers)."""
    from django.db import connections

    install_map_totals(connections[using])
