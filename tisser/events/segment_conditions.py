"""The events' segment conditions: who registered, who came (checked in).

"Came" reads `Attendance.attended` (ticked at check-in); "registered" reads live
registrations (cancelled ones never count)."""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from tisser.directory import segments

from .models import Attendance, Event, EventKind, Registration

LIVE = "live"
WAITLISTED = "waitlisted"


def _events():
    rows = Event.objects.exclude(status=Event.Status.PROPOSED).order_by("-created_at")[:500]
    return [(e.pk, e.title) for e in rows.only("pk", "title")]


def _kinds():
    return [(k.pk, str(k)) for k in EventKind.objects.all()]


def _statuses():
    return [
        (LIVE, _("confirmed or place offered")),
        (WAITLISTED, _("on the waiting list")),
    ]


def _event_params() -> tuple:
    return (
        segments.Param(
            "event",
            _("event"),
            kind="id",
            choices=_events,
            exists=lambda pk: Event.objects.filter(pk=pk).exists(),
        ),
        segments.Param(
            "kind",
            _("kind of event"),
            kind="id",
            choices=_kinds,
            exists=lambda pk: EventKind.objects.filter(pk=pk).exists(),
        ),
        segments.Param("year", _("year"), kind="year"),
    )


def registered(params: dict):
    """A registration that is not cancelled (by default: holding a place)."""
    rows = Registration.objects.filter(person=OuterRef("pk"))
    if params.get("status") == WAITLISTED:
        rows = rows.filter(status=Registration.Status.WAITLISTED)
    else:
        rows = rows.filter(status__in=Registration.HOLDS_PLACE)
    if "event" in params:
        rows = rows.filter(event_id=params["event"])
    if "kind" in params:
        rows = rows.filter(event__kind_id=params["kind"])
    if "year" in params:
        # A session's registration: its session; a whole course's: any of its sessions.
        year = params["year"]
        rows = rows.filter(
            Q(session__starts_at__year=year)
            | Q(session__isnull=True, event__sessions__starts_at__year=year)
        )
    return Exists(rows)


def attended(params: dict):
    """Checked in at a session (of the event, of the kind, in the year)."""
    # `person` is the registration's, copied: one indexed table (`attendance_came`).
    rows = Attendance.objects.filter(person=OuterRef("pk"), attended=True)
    if "event" in params:
        rows = rows.filter(session__event_id=params["event"])
    if "kind" in params:
        rows = rows.filter(session__event__kind_id=params["kind"])
    if "year" in params:
        rows = rows.filter(session__starts_at__year=params["year"])
    return Exists(rows)


def register() -> None:
    group = _("Events")
    segments.register(
        segments.Condition(
            key="attended",
            label=_("Came to an event"),
            help=_("Checked in at one of its sessions."),
            group=group,
            order=30,
            build=attended,
            params=_event_params(),
        )
    )
    segments.register(
        segments.Condition(
            key="registered",
            label=_("Registered for an event"),
            help=_("Cancelled registrations do not count."),
            group=group,
            order=31,
            build=registered,
            params=(
                *_event_params(),
                segments.Param("status", _("registration"), choices=_statuses, default=LIVE),
            ),
        )
    )
