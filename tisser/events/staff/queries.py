"""The staff's reads: participants of an event with filters, the rows of the exports and
sheets, check-in search, and attendance statistics across a year."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import partial

from django.db.models import Count, Min, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tisser.core import params as core_params
from tisser.core.text import fold
from tisser.directory.models import LegalForm
from tisser.events.models import Answer, Attendance, Event, Registration, Session, WorkshopChoice

Status = Registration.Status


@dataclass
class ParticipantFilters:
    """What the participants list is narrowed to (every field optional)."""

    status: str = ""
    session: int | None = None
    organisation: str = ""
    legal_form: str = ""
    territory: str = ""
    workshop: int | None = None
    payment: str = ""
    question: int | None = None
    answer: str = ""

    @classmethod
    def from_query(cls, data) -> ParticipantFilters:
        number = partial(core_params.identifier, data)
        return cls(
            status=(data.get("status") or "").strip(),
            session=number("session"),
            organisation=(data.get("organisation") or "").strip(),
            legal_form=(data.get("legal_form") or "").strip(),
            territory=(data.get("territory") or "").strip(),
            workshop=number("workshop"),
            payment=(data.get("payment") or "").strip(),
            question=number("question"),
            answer=(data.get("answer") or "").strip(),
        )


def participants(event: Event, filters: ParticipantFilters | None = None) -> QuerySet:
    """The event's registrations (cancelled ones only when asked for), with the person,
    organisation, answers, workshop choices and attendances loaded for the list."""
    f = filters or ParticipantFilters()
    rows = Registration.objects.filter(event=event)
    if f.status in Status.values:
        rows = rows.filter(status=f.status)
    elif f.status == "live" or not f.status:
        rows = rows.exclude(status=Status.CANCELLED)
    if f.session:
        rows = rows.filter(Q(session_id=f.session) | Q(session__isnull=True))
    if f.organisation:
        rows = rows.filter(organisation__name__icontains=f.organisation)
    if f.legal_form:
        rows = rows.filter(organisation__legal_form=f.legal_form)
    if f.territory:
        rows = rows.filter(organisation__commune__departement_id=f.territory)
    if f.workshop:
        rows = rows.filter(workshop_choices__workshop_id=f.workshop)
    if f.payment in Registration.Payment.values:
        rows = rows.filter(payment_status=f.payment)
    if f.question:
        answered = Answer.objects.filter(question_id=f.question)
        if f.answer:
            answered = answered.filter(value__icontains=f.answer)
        else:
            answered = answered.exclude(value="")
        rows = rows.filter(pk__in=answered.values("registration_id"))
    return (
        rows.select_related(
            "person", "organisation", "organisation__commune", "session", "registered_by"
        )
        .prefetch_related(
            Prefetch("answers", queryset=Answer.objects.select_related("question")),
            Prefetch(
                "workshop_choices", queryset=WorkshopChoice.objects.select_related("workshop")
            ),
            "attendances",
        )
        .order_by("person__last_name", "person__first_name", "pk")
        .distinct()
    )


def staff_event(pk: int) -> Event | None:
    return (
        Event.objects.filter(pk=pk)
        .select_related("kind", "commune")
        .prefetch_related(
            Prefetch("sessions", queryset=Session.objects.select_related("commune")),
            "programme__workshops",
            "questions",
        )
        .first()
    )


def counts(event: Event) -> dict:
    """Confirmed, waiting, cancelled; and whether the minimum is reached."""
    statuses = list(Registration.objects.filter(event=event).values_list("status", flat=True))
    confirmed = sum(1 for s in statuses if s in Registration.HOLDS_PLACE)
    minimum = event.min_participants
    return {
        "confirmed": confirmed,
        "waitlisted": statuses.count(Status.WAITLISTED),
        "cancelled": statuses.count(Status.CANCELLED),
        "minimum": minimum,
        "maximum": event.max_participants,
        "minimum_reached": minimum is None or confirmed >= minimum,
        "missing": max((minimum or 0) - confirmed, 0),
    }


def answer_of(registration: Registration, question) -> str:
    for answer in registration.answers.all():
        if answer.question_id == question.pk:
            return answer.value
    return ""


def workshops_of(registration: Registration) -> str:
    return ", ".join(c.workshop.title for c in registration.workshop_choices.all())


def attended_sessions(registration: Registration) -> set[int]:
    return {a.session_id for a in registration.attendances.all() if a.attended}


def sheet_rows(event: Event, session: Session | None = None) -> list[Registration]:
    """Who holds a place (for badges and the signature sheet), by name."""
    rows = participants(event, ParticipantFilters(session=session.pk if session else None))
    return [r for r in rows if r.holds_place]


def search_for_checkin(event: Event, session: Session, text: str, limit: int = 20) -> list:
    """Registrants of this session whose name, email or organisation contains the typed
    words, ignoring accents and case ("Hélène" is found by "helene"). Events have at most
    a few thousand registrations: folded in Python, the same on SQLite and PostgreSQL."""
    words = fold(text).split()
    if not words:
        return []
    rows = (
        Registration.objects.filter(event=event)
        .filter(Q(session=session) | Q(session__isnull=True))
        .exclude(status=Status.CANCELLED)
        .select_related("person", "organisation")
        .prefetch_related("attendances")
        .order_by("person__last_name", "person__first_name", "pk")
    )
    found = []
    for registration in rows:
        person = registration.person
        haystack = fold(
            " ".join(
                [
                    person.first_name,
                    person.last_name,
                    person.email,
                    registration.organisation.name if registration.organisation else "",
                ]
            )
        )
        if all(word in haystack for word in words):
            registration.is_present = session.pk in attended_sessions(registration)
            found.append(registration)
            if len(found) >= limit:
                break
    return found


# --- statistics ----------------------------------------------------------------------------


@dataclass
class Tally:
    label: str
    registered: int = 0
    attended: int = 0

    @property
    def no_show(self) -> int:
        return self.registered - self.attended

    @property
    def rate(self) -> int | None:
        return round(100 * self.attended / self.registered) if self.registered else None


@dataclass
class YearStats:
    year: int
    total: Tally
    by_event: list[Tally] = field(default_factory=list)
    by_legal_form: list[Tally] = field(default_factory=list)
    by_territory: list[Tally] = field(default_factory=list)


def attendance_stats(year: int, now=None) -> YearStats:
    """Registered / attended / no-show over the events whose first session fell in `year`
    and has already started (a future event has no no-shows yet).

    One registered place per live registration and session (a 4.5-day course counts
    each day), attended when staff checked the person in at that session. Grouped by the
    legal form of the registrant's organisation and by its département.
    """
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    start = dt.datetime(year, 1, 1, tzinfo=tz)
    end = dt.datetime(year + 1, 1, 1, tzinfo=tz)
    events = (
        Event.objects.annotate(first=Min("sessions__starts_at"))
        .filter(first__gte=start, first__lt=end)
        .exclude(status=Event.Status.CANCELLED)
        .order_by("first", "pk")
    )
    sessions_by_event: dict[int, list[int]] = {}
    for session in Session.objects.filter(event__in=events, starts_at__lte=now).order_by(
        "starts_at", "pk"
    ):
        sessions_by_event.setdefault(session.event_id, []).append(session.pk)
    present = set(
        Attendance.objects.filter(
            session_id__in=[pk for pks in sessions_by_event.values() for pk in pks],
            attended=True,
        ).values_list("registration_id", "session_id")
    )
    labels = dict(LegalForm.choices)
    total = Tally(_("All events"))
    by_event: dict[int, Tally] = {}
    by_form: dict[str, Tally] = {}
    by_territory: dict[str, Tally] = {}
    registrations = (
        Registration.objects.filter(event_id__in=sessions_by_event.keys())
        .filter(status__in=Registration.HOLDS_PLACE)
        .values_list(
            "pk",
            "event_id",
            "event__title",
            "session_id",
            "organisation__legal_form",
            "organisation__commune__departement_id",
            "organisation__commune__departement__name",
        )
    )
    for pk, event_id, title, session_id, form, dep_code, dep_name in registrations:
        held = sessions_by_event[event_id]
        counted = [session_id] if session_id else held
        for sid in counted:
            if sid not in held:
                continue
            came = (pk, sid) in present
            tallies = [
                total,
                by_event.setdefault(event_id, Tally(title)),
                by_form.setdefault(form or "", Tally(str(labels.get(form, _("Not known"))))),
                by_territory.setdefault(
                    dep_code or "",
                    Tally(f"{dep_code} {dep_name}" if dep_code else _("Not known")),
                ),
            ]
            for tally in tallies:
                tally.registered += 1
                tally.attended += came

    def ordered(groups):
        return sorted(groups.values(), key=lambda t: (-t.registered, t.label))

    return YearStats(
        year=year,
        total=total,
        by_event=list(by_event.values()),
        by_legal_form=ordered(by_form),
        by_territory=ordered(by_territory),
    )


def bar_chart(tallies: list[Tally], *, width: int = 640, bar: int = 22) -> dict:
    """Geometry of a horizontal stacked bar chart (attended, no-show) drawn as SVG by the
    template: no script, readable without colour (the table says the same)."""
    label_width = 200
    top = 24
    scale_max = max((t.registered for t in tallies), default=0) or 1
    room = width - label_width - 60
    rows = []
    for i, tally in enumerate(tallies):
        y = top + i * (bar + 8)
        attended_w = round(room * tally.attended / scale_max, 1)
        no_show_w = round(room * tally.no_show / scale_max, 1)
        rows.append(
            {
                "tally": tally,
                "y": y,
                "text_y": y + bar * 0.7,
                "attended_w": attended_w,
                "no_show_x": label_width + attended_w,
                "no_show_w": no_show_w,
                "total_x": label_width + attended_w + no_show_w + 6,
            }
        )
    return {
        "width": width,
        "height": top + len(tallies) * (bar + 8) + 8,
        "bar": bar,
        "label_width": label_width,
        "label_x": label_width - 8,
        "rows": rows,
    }


def events_with_counts() -> QuerySet[Event]:
    """Events with their first session's start and their confirmed, waitlisted and live
    (not cancelled) registrations counted."""
    live = ~Q(registrations__status=Registration.Status.CANCELLED)
    return (
        Event.objects.select_related("kind", "commune")
        .prefetch_related("sessions")
        .annotate(
            first_starts_at=Min("sessions__starts_at"),
            confirmed=Count(
                "registrations",
                filter=Q(registrations__status__in=Registration.HOLDS_PLACE),
                distinct=True,
            ),
            waitlisted=Count(
                "registrations",
                filter=Q(registrations__status=Registration.Status.WAITLISTED),
                distinct=True,
            ),
            live=Count("registrations", filter=live, distinct=True),
        )
    )


def fill_rows(events) -> list[dict]:
    """Each event of `events_with_counts()` with its capacity and fill rate: the event's
    own limit, else the sessions' (a course holds as many as its smallest session)."""
    rows = []
    for event in events:
        capacity = event.max_participants
        sessions = event.sessions_list
        if capacity is None and sessions and all(s.capacity is not None for s in sessions):
            capacity = sum(s.capacity for s in sessions)
            if event.registration_mode == "course":
                capacity = min(s.capacity for s in sessions)
        rate = round(100 * event.confirmed / capacity) if capacity else None
        below_minimum = (
            event.min_participants is not None and event.confirmed < event.min_participants
        )
        rows.append(
            {"event": event, "capacity": capacity, "rate": rate, "below_minimum": below_minimum}
        )
    return rows
