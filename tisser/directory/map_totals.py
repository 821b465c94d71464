"""Per-cell totals of the whole map on SQLite, kept by the database itself.

Whole France at zoom 6 groups every published, located organisation by its grid cell:
on SQLite, reading 200,000 entries of the covering index costs ~65 ms, every time the
30-second cache is empty. This table holds, for each cell of the two coarsest zoom bands
(`map_queries.CACHED_COLUMNS`), the count and the sums of latitudes and longitudes, so
the unfiltered whole map is a few hundred rows instead (filtered maps still group the
rows: the totals know no filter).

Triggers keep it, as they keep the FTS5 table (`search.py`): every door into the table
(services, the admin, imports, `update()`, bulk inserts, restores) is counted, with no
code to forget. SQLite has one writer at a time, so the few hot rows cost nothing. Not
on PostgreSQL: there each cell's row would be locked by every writer of that cell until
commit (an import would hold a city's cell for its whole transaction, and writers
touching cells in different orders would deadlock), while its GROUP BY on the same
covering index already takes ~18 ms.

A big load drops the triggers (`remove_map_totals`) and `install_map_totals` counts
everything again once; installing is idempotent (the migration and `post_migrate` call
it, since a SQLite table rebuild drops the triggers).
"""

from django.db import DatabaseError
from django.db import connection as default_connection

TABLE = "directory_organisation"
TOTALS = "directory_map_cell_totals"
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


def installed(connection=None) -> bool:
    """Whether the totals are kept here (SQLite, table and triggers present)."""
    connection = connection or default_connection
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE name IN (%s, %s, %s, %s)",
            [TOTALS, *_TRIGGERS],
        )
        return cursor.fetchone()[0] == 1 + len(_TRIGGERS)


def install_map_totals(connection=None) -> None:
    """Create the table and its triggers if missing, and count again (idempotent)."""
    connection = connection or default_connection
    if connection.vendor != "sqlite" or TABLE not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        columns = {c.name for c in connection.introspection.get_table_description(cursor, TABLE)}
        if not set(BANDS) <= columns:
            return  # before migration 0003 added the cells
        if installed(connection):
            return
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {TOTALS} (band TEXT NOT NULL, cell INTEGER NOT NULL, "
            "n INTEGER NOT NULL, latitude_sum REAL NOT NULL, longitude_sum REAL NOT NULL, "
            "PRIMARY KEY (band, cell)) WITHOUT ROWID"
        )
        for sql in _TRIGGERS.values():
            cursor.execute(sql)
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
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for name in _TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute(f"DROP TABLE IF EXISTS {TOTALS}")


def whole_map_totals(column: str) -> list[list] | None:
    """[cell, latitude, longitude, count] of every cell of `column`, or None where the
    totals are not kept (PostgreSQL, an unknown column, triggers missing: the caller
    groups the rows then). One query: it also counts the triggers."""
    if column not in BANDS or default_connection.vendor != "sqlite":
        return None
    names = ", ".join(["%s"] * len(_TRIGGERS))
    try:
        with default_connection.cursor() as cursor:
            cursor.execute(
                f"SELECT cell, latitude_sum / n, longitude_sum / n, n, (SELECT count(*) "
                f"FROM sqlite_master WHERE type = 'trigger' AND name IN ({names})) "
                f"FROM {TOTALS} WHERE band = %s AND n > 0 ORDER BY cell",
                [*_TRIGGERS, column],
            )
            rows = cursor.fetchall()
    except DatabaseError:  # no table yet (before migration 0009)
        return None
    if not rows or rows[0][4] != len(_TRIGGERS):
        return None  # nothing counted, or not everything: the GROUP BY is right anyway
    return [list(row[:4]) for row in rows]


def on_post_migrate(sender, using="default", **kwargs) -> None:
    """Re-create what a table rebuild may have dropped (SQLite triggers)."""
    from django.db import connections

    install_map_totals(connections[using])
