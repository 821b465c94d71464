"""Reads of segments: the people a definition selects, and its count."""

from django.db.models import QuerySet

from tisser.core.db import without_jit

from . import segments
from .models import Person
from .models_segments import Segment


def people(tree: dict) -> QuerySet:
    """The contacts a checked tree selects (erased people never)."""
    return Person.objects.filter(erased_at__isnull=True).filter(segments.to_filter(tree))


def count(tree: dict) -> int:
    """Counted live as staff edit the conditions: JIT would spend more than the count."""
    with without_jit():
        return people(tree).order_by().count()


def saved_segments() -> QuerySet:
    return Segment.objects.all()


def segment_people(segment: Segment) -> QuerySet:
    """The people of a saved segment, from its stored conditions checked again (a
    condition an app no longer declares is an error, never a silent "everyone")."""
    return people(segments.parse(segment.conditions))
