"""Registrations and attendance in the directory's timelines, merges and personal data
(registered from `apps.py` through `directory.engagement`)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tisser.directory.engagement import (
    Branch,
    Contributor,
    Entry,
    Fact,
    MoveLine,
    Row,
    SubqueryCount,
    this_year_start,
)

from .models import Answer, Attendance, Registration

KIND = "registrations"
LIVE = ~Q(status=Registration.Status.CANCELLED)
#: an organisation's newest registrations whose check-ins its timeline and header read
RECENT = 200


def _where(registration: Registration) -> str:
    session = registration.session
    if session is None:
        return registration.event.title
    return (
        f"{registration.event.title} · {session.title}"
        if session.title
        else (registration.event.title)
    )


#: what a registration's entries show: its event and session, read in the timeline's query
SHOWN = {
    "status": "status",
    "event_id": "event_id",
    "event": "event__title",
    "session": "session__title",
}


def _shown_where(row: Row) -> str:
    if row.data["session"]:
        return f"{row.data['event']} · {row.data['session']}"
    return row.data["event"]


def _registration_entry(row: Row) -> Entry:
    registration = Registration(status=row.data["status"])
    return Entry(
        at=row.at,
        kind=KIND,
        title=_("Registered for %(event)s") % {"event": _shown_where(row)},
        detail=str(registration.get_status_display()),
        url=reverse("events:staff_participants", args=[row.data["event_id"]]),
        tone="success" if registration.holds_place else "info",
    )


def _cancellation_entry(row: Row) -> Entry:
    return Entry(
        at=row.at,
        kind=KIND,
        title=_("Registration cancelled: %(event)s") % {"event": _shown_where(row)},
        url=reverse("events:staff_participants", args=[row.data["event_id"]]),
        tone="warning",
    )


def _attendance_entry(row: Row) -> Entry:
    return Entry(
        at=row.at,
        kind=KIND,
        title=_("Attended %(event)s") % {"event": row.data["event"]},
        detail=row.data["session"] or "",
        url=reverse("events:staff_participants", args=[row.data["event_id"]]),
        tone="success",
    )


def _branches(registrations, attendances, cancellations) -> list[Branch]:
    """Registrations (newest first, from the index on person or organisation and date),
    the `cancellations` among them and the check-ins."""
    came = attendances.filter(attended=True).order_by(
        Coalesce("checked_at", "session__starts_at").desc()
    )
    return [
        Branch(
            KIND, registrations.order_by("-created_at"), "created_at", SHOWN, _registration_entry
        ),
        Branch(
            KIND,
            cancellations.filter(cancelled_at__isnull=False).order_by("-cancelled_at"),
            "cancelled_at",
            SHOWN,
            _cancellation_entry,
        ),
        Branch(
            KIND,
            came,
            Coalesce("checked_at", "session__starts_at"),
            {
                "event_id": "registration__event_id",
                "event": "registration__event__title",
                "session": "session__title",
            },
            _attendance_entry,
        ),
    ]


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


def _recent(organisation):
    """Its newest registrations, read from the index on organisation and date: the last
    event attended and the latest check-ins are among them in any real history."""
    registrations = Registration.objects.filter(organisation=organisation)
    return registrations.order_by("-created_at").values("pk")[:RECENT]


class EventsContributor(Contributor):
    kinds = {KIND: gettext_lazy("Registrations and attendance")}

    def person_branches(self, person):
        registrations = Registration.objects.filter(person=person)
        return _branches(registrations, Attendance.objects.filter(person=person), registrations)

    def organisation_branches(self, organisation):
        return _branches(
            Registration.objects.filter(organisation=organisation),
            # The check-ins of its newest registrations (index-bounded, a few pages' worth):
            # a busy organisation's every check-in would be hashed to sort them by date.
            Attendance.objects.filter(registration_id__in=_recent(organisation)),
            Registration.objects.filter(pk__in=_recent(organisation)),
        )

    def fact_queries(self, *, person=None, organisation=None):
        if person is not None:
            registrations = Registration.objects.filter(person=person)
            # One indexed read: a check-in carries its person.
            # (A person's registrations are few: all are read for the events this year.)
            came = Attendance.objects.filter(attended=True, person=person)
        else:
            # A registration for this year's events is made at most a year before it
            # starts: the index on organisation and date bounds a busy organisation's.
            registrations = Registration.objects.filter(
                organisation=organisation,
                created_at__gte=this_year_start() - dt.timedelta(days=366),
            )
            # Among the newest registrations (index-bounded): the last event attended is
            # one of them in any real history.
            came = Attendance.objects.filter(
                attended=True, registration_id__in=_recent(organisation)
            )
        start = this_year_start()
        this_year = (
            registrations.filter(LIVE)
            .filter(
                Q(session__starts_at__gte=start)
                | Q(session__isnull=True, event__sessions__starts_at__gte=start)
            )
            .order_by()
            .values("event_id")
            .distinct()
        )
        last = came.order_by("-session__starts_at").values("session__starts_at")[:1]
        return {"last_event": Subquery(last), "events_this_year": SubqueryCount(this_year)}

    def facts(self, values, *, person=None, organisation=None):
        last = values["last_event"]
        return [
            Fact(
                key="last_event",
                label=_("Last event attended"),
                value=date_format(localtime(last), "DATE_FORMAT") if last else _("none"),
                order=20,
            ),
            Fact(
                key="events_this_year",
                label=_("Events this year"),
                value=str(values["events_this_year"]),
                order=30,
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
