"""Small database helpers that know no domain."""

from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def without_jit():
    """Run the enclosed queries with PostgreSQL's JIT off (in their own transaction).

    A count over the whole contacts base costs more than JIT's threshold, and compiling
    the plan then takes longer than running it (tens to hundreds of milliseconds for a
    query that needs a few). Elsewhere it changes nothing."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        yield
