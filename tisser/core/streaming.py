"""Streamed downloads that fail before their first byte, never halfway."""

from collections.abc import Iterable, Iterator
from itertools import chain


def primed(rows: Iterable) -> Iterator:
    """`rows`, already run up to its first item.

    A streamed response sends its status and headers before the body is produced; a
    query that fails while producing it (a filter the database refuses, say) would cut
    the download after a 200. Priming runs the first query now, inside the view, where a
    failure is still an ordinary error page; the rest streams as before.
    """
    iterator = iter(rows)
    for first in iterator:
        return chain((first,), iterator)
    return iter(())
