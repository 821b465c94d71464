"""Reads of segments: the people a definition selects, and its count."""

from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import QuerySet

from tisser.directory import segments
from tisser.directory.models import Person
from tisser.directory.models_segments import Segment


def people(tree: dict) -> QuerySet:
    """The contacts a checked tree selects (erased people never)."""
    return Person.objects.filter(erased_at__isnull=True).filter(segments.to_filter(tree))


@contextmanager
def planned_for_segments():
    """Run segment queries without PostgreSQL's JIT compilation. Their estimated cost
    over big tables passes `jit_above_cost`, and compiling the many expressions of OR'ed
    and negated subqueries took longer than running them (3.6 s of a 4.3 s count at
    500,000 people); the plans themselves are hash joins that need no JIT. `SET LOCAL`
    lasts until the end of this transaction only. SQLite has nothing to change."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        yield


def count(tree: dict) -> int:
    with planned_for_segments():
        return people(tree).order_by().count()


def saved_segments() -> QuerySet:
    return Segment.objects.all()


def segment_people(segment: Segment) -> QuerySet:
    """The people of a saved segment, from its stored conditions checked again (a
    condition an app no longer declares is an error, never a silent "everyone")."""
    return people(segments.parse(segment.conditions))
