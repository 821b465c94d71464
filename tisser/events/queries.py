"""Reads of the agenda shared by the pages, the feeds, the API and other apps.

`upcoming_public_events` is the stable interface other apps (publications' newsletter)
use: keep its name and signature.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import (
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    prefetch_related_objects,
)
from django.utils import timezone

from tisser.core import copies

from .models import Event, EventKind, Registration, Session


def _public_events() -> QuerySet[Event]:
    sessions = Prefetch("sessions", queryset=Session.objects.select_related("commune"))
    return (
        Event.objects.filter(status=Event.Status.PUBLISHED)
        .select_related("kind", "commune")
        .prefetch_related(sessions)
    )


def upcoming_public_events(start=None, end=None, kind=None) -> QuerySet[Event]:
    """Published events with a session ending at or after `start` (default: now) and
    starting before `end`; annotated with `first_starts_at` (first session in the window)
    and `last_ends_at`, ordered by it.

    `start`/`end` may be dates or datetimes; `kind` an `EventKind` or its slug.
    """
    start = _as_datetime(start) if start is not None else timezone.now()
    window = Q(sessions__ends_at__gte=start)
    if end is not None:
        window &= Q(sessions__starts_at__lt=_as_datetime(end))
    events = (
        _public_events()
        .filter(window)
        .annotate(
            first_starts_at=Min("sessions__starts_at", filter=window),
            last_ends_at=Max("sessions__ends_at"),
        )
    )
    if kind is not None:
        slug = kind.slug if isinstance(kind, EventKind) else kind
        events = events.filter(kind__slug=slug)
    return events.order_by("first_starts_at", "pk")


def _as_datetime(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    return timezone.make_aware(dt.datetime.combine(value, dt.time.min))


def filter_agenda(
    events: QuerySet[Event], *, territory=None, free_places: bool = False
) -> QuerySet[Event]:
    """Narrow the agenda: `territory` a département code, or a commune INSEE code."""
    if territory:
        field = "departement_id" if len(territory) <= 3 else "code"
        in_session = Session.objects.filter(
            event=OuterRef("pk"), **{f"commune__{field}": territory}
        )
        events = events.filter(Q(**{f"commune__{field}": territory}) | Exists(in_session))
    if free_places:
        open_session = Session.objects.filter(event=OuterRef("pk")).filter(
            Q(capacity__isnull=True) | Q(taken__lt=F("capacity"))
        )
        full_session = Session.objects.filter(
            event=OuterRef("pk"), capacity__isnull=False, taken__gte=F("capacity")
        )
        events = (
            events.filter(Exists(open_session))
            .exclude(Q(registration_mode="course") & Exists(full_session))
            .filter(Q(max_participants__isnull=True) | Q(taken__lt=F("max_participants")))
        )
        events = events.filter(external_registration_url="")
    return events


def public_event(slug: str) -> Event | None:
    """A published or cancelled event (a cancelled one stays visible, marked as such)."""
    return (
        Event.objects.filter(slug=slug, status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED])
        .select_related("kind", "commune")
        .prefetch_related(
            Prefetch("sessions", queryset=Session.objects.select_related("commune")),
            "programme__workshops",
            "questions",
            "attachments",
            "organisers",
            "partners",
            "eligible_categories",
        )
        .first()
    )


def event_for_registration(slug: str) -> Event | None:
    """What the registration form and service read: the event (with whether it has a
    programme, questions, eligible categories), its sessions, and only the relations
    that are not empty. The event comes joined to its sessions' rows: a simple event is
    one query, two with questions."""
    from .models import ProgrammeItem, Question

    def flags(ref: str) -> dict:
        categories = Event.eligible_categories.through.objects.filter(event=OuterRef(ref))
        return {
            "has_programme": Exists(ProgrammeItem.objects.filter(event=OuterRef(ref))),
            "has_questions": Exists(Question.objects.filter(event=OuterRef(ref))),
            "has_categories": Exists(categories),
        }

    statuses = [Event.Status.PUBLISHED, Event.Status.CANCELLED]
    sessions = list(
        Session.objects.select_related("event__kind", "commune")
        .annotate(**flags("event_id"))
        .filter(event__slug=slug, event__status__in=statuses)
        .order_by("starts_at", "pk")
    )
    if sessions:
        event = sessions[0].event
        for name in ("has_programme", "has_questions", "has_categories"):
            setattr(event, name, getattr(sessions[0], name))
        for session in sessions:
            session.event = event
        found = event.sessions.all()
        found._result_cache, found._prefetch_done = sessions, True
        event._prefetched_objects_cache = {"sessions": found}
        lookups = []
    else:
        event = (
            Event.objects.select_related("kind").annotate(**flags("pk")).filter(slug=slug).first()
        )
        if event is None or event.status not in statuses:
            return None
        lookups = [Prefetch("sessions", queryset=Session.objects.select_related("commune"))]
    empty = {}
    for flag, lookup, model in (
        ("has_programme", "programme__workshops", ProgrammeItem),
        ("has_questions", "questions", Question),
        ("has_categories", "eligible_categories", Event.eligible_categories.field.related_model),
    ):
        if getattr(event, flag):
            lookups.append(lookup)
        else:
            none = empty[lookup.split("__")[0]] = model.objects.none()
            none._result_cache, none._prefetch_done = [], True
    if lookups:
        prefetch_related_objects([event], *lookups)
    event._prefetched_objects_cache.update(empty)  # read as empty, without a query
    return event


def cached_event_for_registration(slug: str) -> Event | None:
    """`event_for_registration`, for the registration rush, from this process's copy
    (`core.copies`): the event, its sessions, programme, questions and eligible
    categories change rarely, and every change drops the copies of every web process
    (`registration_data_changed`). Its counters (`taken`) may lag: the service takes
    places by conditional UPDATEs of the rows, never from these.
    `TISSER_REGISTRATION_CACHE_SECONDS` (0 turns it off) bounds how long a change no
    signal reports (a bulk update) can go unseen.

    The copy is shared by the requests of the process: read it, never change it."""
    seconds = getattr(settings, "TISSER_REGISTRATION_CACHE_SECONDS", 60)
    if seconds <= 0:
        return event_for_registration(slug)
    return copies.read_copy(
        f"events:registration:{slug}", lambda: event_for_registration(slug), seconds
    )


def registration_data_changed(**kwargs) -> None:
    """Signal receiver (also called after bulk updates): an event's settings changed, so
    the copies kept for registrations are out of date."""
    copies.changed()


def agenda_departements():
    """The départements where some event or session takes place (for the filter)."""
    from tisser.territories.models import Departement

    codes = set(
        Event.objects.filter(commune__isnull=False).values_list(
            "commune__departement_id", flat=True
        )
    ) | set(
        Session.objects.filter(commune__isnull=False).values_list(
            "commune__departement_id", flat=True
        )
    )
    return Departement.objects.filter(code__in=codes).order_by("code")


def kinds_in_use() -> QuerySet[EventKind]:
    return EventKind.objects.filter(events__status=Event.Status.PUBLISHED).distinct()


def live_registrations(event: Event) -> QuerySet[Registration]:
    return event.registrations.exclude(status=Registration.Status.CANCELLED)
