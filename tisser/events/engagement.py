"""Registrations and attendance in the directory's timelines, merges and personal data
(registered from `apps.py` through `directory.engagement`)."""

from __future__ import annotations

from django.db.models import Max, Prefetch, Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tisser.directory.engagement import Contributor, Entry, Fact, MoveLine, this_year_start

from .models import Answer, Attendance, Registration

KIND = "registrations"
LIVE = ~Q(status=Registration.Status.CANCELLED)


def _where(registration: Registration) -> str:
    session = registration.session
    if session is None:
        return registration.event.title
    return (
        f"{registration.event.title} · {session.title}"
        if session.title
        else (registration.event.title)
    )


def _registration_entries(registration: Registration) -> list[Entry]:
    url = reverse("events:staff_participants", args=[registration.event_id])
    entries = [
        Entry(
            at=registration.created_at,
            kind=KIND,
            title=_("Registered for %(event)s") % {"event": _where(registration)},
            detail=str(registration.get_status_display()),
            url=url,
            tone="success" if registration.holds_place else "info",
        )
    ]
    if registration.cancelled_at:
        entries.append(
            Entry(
                at=registration.cancelled_at,
                kind=KIND,
                title=_("Registration cancelled: %(event)s") % {"event": _where(registration)},
                url=url,
                tone="warning",
            )
        )
    return entries


def _attendance_entry(registration: Registration, attendance: Attendance) -> Entry:
    return Entry(
        at=attendance.checked_at or attendance.session.starts_at,
        kind=KIND,
        title=_("Attended %(event)s") % {"event": registration.event.title},
        detail=attendance.session.title,
        url=reverse("events:staff_participants", args=[registration.event_id]),
        tone="success",
    )


def _entries(registrations, limit: int) -> list[Entry]:
    """The newest registrations (read from the index on person or organisation and date)
    with their cancellations and check-ins."""
    # Only the columns an entry shows: an event's description or a session's programme
    # can weigh kilobytes each, fifty times over.
    came = Prefetch(
        "attendances",
        queryset=Attendance.objects.filter(attended=True)
        .select_related("session")
        .only("registration_id", "checked_at", "session__title", "session__starts_at"),
        to_attr="came",
    )
    rows = (
        registrations.select_related("event", "session")
        .only(
            "created_at",
            "status",
            "cancelled_at",
            "event__title",
            "session__title",
        )
        .prefetch_related(came)
        .order_by("-created_at")[:limit]
    )
    entries = []
    for registration in rows:
        entries += _registration_entries(registration)
        entries += [_attendance_entry(registration, a) for a in registration.came]
    return entries


def _conflicts(keep, duplicate) -> list[Registration]:
    """The duplicate's live registrations to a session (or course) the kept one holds too:
    the database allows one per person, so staff cancel one of the two first."""
    kept = Registration.objects.filter(LIVE, person=keep)
    sessions = kept.filter(session__isnull=False).values("session_id")
    courses = kept.filter(session__isnull=True).values("event_id")
    return list(
        Registration.objects.filter(LIVE, person=duplicate)
        .filter(
            Q(session__isnull=False, session_id__in=sessions)
            | Q(session__isnull=True, event_id__in=courses)
        )
        .select_related("event", "session")
    )


class EventsContributor(Contributor):
    kinds = {KIND: gettext_lazy("Registrations and attendance")}

    def person_entries(self, person, *, kinds, limit):
        if KIND not in kinds:
            return []
        return _entries(Registration.objects.filter(person=person), limit)

    def organisation_entries(self, organisation, *, kinds, limit):
        if KIND not in kinds:
            return []
        return _entries(Registration.objects.filter(organisation=organisation), limit)

    def facts(self, *, person=None, organisation=None):
        if person is not None:
            registrations = Registration.objects.filter(person=person)
        else:
            registrations = Registration.objects.filter(organisation=organisation)
        if person is not None:  # one indexed read: a check-in carries its person
            came = Attendance.objects.filter(attended=True, person=person)
        else:
            # Among the newest registrations (index-bounded): the last event attended is
            # one of them in any real history.
            recent = registrations.order_by("-created_at").values_list("pk", flat=True)[:200]
            came = Attendance.objects.filter(attended=True, registration_id__in=list(recent))
        last = came.aggregate(last=Max("session__starts_at"))["last"]
        this_year = (
            registrations.filter(LIVE)
            .filter(
                Q(session__starts_at__gte=this_year_start())
                | Q(session__isnull=True, event__sessions__starts_at__gte=this_year_start())
            )
            .values("event_id")
            .distinct()
            .count()
        )
        return [
            Fact(
                key="last_event",
                label=_("Last event attended"),
                value=date_format(localtime(last), "DATE_FORMAT") if last else _("none"),
                order=20,
            ),
            Fact(
                key="events_this_year", label=_("Events this year"), value=str(this_year), order=30
            ),
        ]

    def merge_preview(self, keep, duplicate):
        blockers = [
            _("Both are registered for %(event)s: cancel one of the two registrations first.")
            % {"event": _where(r)}
            for r in _conflicts(keep, duplicate)
        ]
        return [
            MoveLine(
                _("event registrations"),
                Registration.objects.filter(person=duplicate).count(),
                blockers,
            ),
            MoveLine(
                _("registrations made for others"),
                Registration.objects.filter(registered_by=duplicate).count(),
            ),
        ]

    def merge_people(self, keep, duplicate):
        Registration.objects.filter(person=duplicate).update(person=keep)
        Attendance.objects.filter(person=duplicate).update(person=keep)
        Registration.objects.filter(registered_by=duplicate).update(registered_by=keep)

    def export(self, person):
        rows = (
            Registration.objects.filter(person=person)
            .select_related("event", "session", "organisation")
            .prefetch_related("answers__question", "attendances__session")
            .order_by("created_at", "pk")
        )
        return {
            "event_registrations": [
                {
                    "event": r.event.title,
                    "session": r.session.title if r.session_id else None,
                    "organisation": r.organisation.name if r.organisation_id else None,
                    "status": r.status,
                    "tier": r.tier,
                    "price": str(r.price),
                    "payment_status": r.payment_status,
                    "language": r.language,
                    "registered_at": r.created_at.isoformat(),
                    "cancelled_at": r.cancelled_at.isoformat() if r.cancelled_at else None,
                    "answers": [
                        {"question": a.question.text, "answer": a.value} for a in r.answers.all()
                    ],
                    "attendance": [
                        {
                            "session": a.session.starts_at.isoformat(),
                            "attended": a.attended,
                            "checked_at": a.checked_at.isoformat() if a.checked_at else None,
                        }
                        for a in r.attendances.all()
                    ],
                }
                for r in rows
            ]
        }

    def erase(self, person):
        # Places and attendance stay (counts); what the person wrote in the form goes.
        Answer.objects.filter(registration__person=person).update(value="")
