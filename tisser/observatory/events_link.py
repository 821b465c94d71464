"""What the observatory reads from the events app: participants by territory and year (a
live indicator), a territory's upcoming events, and invitations of a shortlist's
suppliers to a sourcing event. Observatory may import events; events never imports it."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Min, Q
from django.utils import timezone

from tisser.events.models import Event, Registration, Session
from tisser.territories.models import Commune

from .models import Level

LEVEL_INDEX = {Level.COMMUNE: 0, Level.DEPARTEMENT: 1, Level.REGION: 2, Level.EPCI: 3}


def _commune_parents() -> dict[str, tuple]:
    found = cache.get("observatory:commune-parents")
    if found is None:
        found = {
            code: (code, dep, reg, epci)
            for code, dep, reg, epci in Commune.objects.values_list(
                "code", "departement_id", "region_id", "epci_id"
            )
        }
        cache.set("observatory:commune-parents", found, 3600)
    return found


def participants() -> dict[tuple[str, int], int]:
    """`{(commune, year): participants}`: registrations holding a place at a published
    event, by the session's commune (else the event's) and the session's year (a course
    registration counts once, in the year and place of its first session)."""
    first = dict(
        Session.objects.values("event")
        .annotate(start=Min("starts_at"))
        .values_list("event", "start")
    )
    rows = Registration.objects.filter(
        status__in=Registration.HOLDS_PLACE, event__status=Event.Status.PUBLISHED
    ).values_list("event_id", "session__commune_id", "event__commune_id", "session__starts_at")
    counts: dict[tuple[str, int], int] = {}
    for event_id, session_commune, event_commune, starts_at in rows:
        commune = session_commune or event_commune
        when = starts_at or first.get(event_id)
        if not commune or when is None:
            continue
        key = (commune, timezone.localtime(when).year)
        counts[key] = counts.get(key, 0) + 1
    return counts


def participants_by(level: str) -> dict[tuple[str, int], int]:
    parents = _commune_parents()
    index = LEVEL_INDEX[level]
    out: dict[tuple[str, int], int] = {}
    for (commune, year), n in participants().items():
        territory = parents.get(commune, (None,) * 4)[index]
        if territory:
            out[(territory, year)] = out.get((territory, year), 0) + n
    return out


def _territory_q(prefix: str, territory_code: str) -> Q:
    kind, _sep, value = territory_code.partition("-")
    field = {"reg": "region_id", "dep": "departement_id", "epci": "epci_id"}.get(kind)
    if field is None:
        return Q(**{f"{prefix}commune_id": territory_code})
    return Q(**{f"{prefix}commune__{field}": value})


def upcoming_events(territory_code: str, limit: int = 10) -> list[dict]:
    """Published events with a session to come in the territory, soonest first."""
    sessions = (
        Session.objects.filter(starts_at__gte=timezone.now(), event__status=Event.Status.PUBLISHED)
        .filter(
            _territory_q("", territory_code)
            | (Q(commune__isnull=True) & _territory_q("event__", territory_code))
        )
        .select_related("event", "commune", "event__commune")
        .order_by("starts_at", "pk")
    )
    seen, found = set(), []
    for session in sessions[: limit * 5]:
        if session.event_id in seen:
            continue
        seen.add(session.event_id)
        commune = session.commune or session.event.commune
        found.append(
            {
                "event": session.event,
                "starts_at": session.starts_at,
                "place": commune.name if commune else "",
                "url": session.event.get_absolute_url(),
            }
        )
        if len(found) == limit:
            break
    return found


def events_to_invite_to():
    """Published events still to come: those a shortlist's suppliers may be invited to."""
    return (
        Event.objects.filter(status=Event.Status.PUBLISHED, sessions__starts_at__gte=timezone.now())
        .distinct()
        .annotate(start=Min("sessions__starts_at"))
        .order_by("start")
    )
