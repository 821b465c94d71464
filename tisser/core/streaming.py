"""Streamed downloads that fail before their first byte, never halfway."""

from django.db.models import QuerySet


def checked(queryset: QuerySet) -> QuerySet:
    """`queryset`, after its filters have run once (`exists()`, a LIMIT 1 query).

    A streamed response sends its status and headers before the rows are read; a filter
    the database refuses would then cut the download after a 200. Running the filters
    now, inside the view, makes such a failure an ordinary error answer. (Reading the
    first rows instead would leave a server-side cursor open for as long as the response
    is not consumed.)
    """
    queryset.exists()
    return queryset
