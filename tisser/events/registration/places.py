"""Place counters of events, sessions and workshops, taken and released atomically."""

from __future__ import annotations

from django.db import connections, router, transaction
from django.db.models import F

from tisser.core.compiled import hot_cursor
from tisser.events.models import Event, Registration, Session, Workshop


def counted_sessions(event: Event, session: Session | None) -> list[Session]:
    if session is not None:
        return [session]
    return sorted(event.sessions_list, key=lambda s: s.pk)


def _take_one(model, pk: int, limit: str) -> bool:
    """`UPDATE … SET taken = taken + 1 WHERE id = pk AND (limit IS NULL OR taken < limit)`,
    written out: the ORM would compile it anew at every registration, for more CPU than
    the database spends running it."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    opts = model._meta
    table, pk_column = quote(opts.db_table), quote(opts.pk.column)
    taken, limit = quote(opts.get_field("taken").column), quote(opts.get_field(limit).column)
    with hot_cursor(connection.alias) as cursor:
        cursor.execute(
            f"UPDATE {table} SET {taken} = {taken} + 1 WHERE {pk_column} = %s "
            f"AND ({limit} IS NULL OR {taken} < {limit})",
            [pk],
        )
        return cursor.rowcount == 1


def take_places(event: Event, sessions: list[Session], workshops: list[Workshop]) -> bool:
    """Take one place on every counter, or none; False when one is full.

    Several counters are taken in a savepoint, rolled back if one of them is full; a single
    counter needs none (its one conditional UPDATE either happens or not)."""
    counters = []
    if event.max_participants is not None:
        counters.append((Event, event.pk, "max_participants"))
    counters += [(Session, s.pk, "capacity") for s in sessions]
    counters += [(Workshop, w.pk, "capacity") for w in sorted(workshops, key=lambda w: w.pk)]
    if len(counters) == 1:
        return _take_one(*counters[0])
    with transaction.atomic():
        for counter in counters:
            if not _take_one(*counter):
                transaction.set_rollback(True)
                return False
    return True


def release_places(registration: Registration) -> None:
    event = registration.event
    if event.max_participants is not None:
        Event.objects.filter(pk=event.pk, taken__gt=0).update(taken=F("taken") - 1)
    for session in counted_sessions(event, registration.session):
        Session.objects.filter(pk=session.pk, taken__gt=0).update(taken=F("taken") - 1)
    workshop_ids = sorted(registration.workshop_choices.values_list("workshop_id", flat=True))
    for pk in workshop_ids:
        Workshop.objects.filter(pk=pk, taken__gt=0).update(taken=F("taken") - 1)


def chosen_workshops(registration: Registration) -> list[Workshop]:
    return [c.workshop for c in registration.workshop_choices.select_related("workshop")]


def take_places_partial(sessions: list[Session], workshops: list[Workshop]) -> bool:
    with transaction.atomic():
        counters = [(Session, s.pk, "capacity") for s in sorted(sessions, key=lambda s: s.pk)]
        counters += [(Workshop, w.pk, "capacity") for w in sorted(workshops, key=lambda w: w.pk)]
        for counter in counters:
            if not _take_one(*counter):
                transaction.set_rollback(True)
                return False
    return True
