"""The agenda's part of the staff side: its section of the navigation and its lines on
the staff home (upcoming events with their fill rate and waiting list, proposals)."""

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from tisser.accounts.roles import is_staff_editor
from tisser.core import staff
from tisser.core.dates import short_day

SECTION = "agenda"
#: How many upcoming events the home details; the count covers them all.
SHOWN = 5


def upcoming_item(request) -> staff.HomeItem:
    from tisser.events.staff import queries as queries_staff

    from .models import Event

    upcoming = (
        queries_staff.events_with_counts()
        .exclude(status=Event.Status.CANCELLED)
        .annotate(last_ends_at=Max("sessions__ends_at"))
        .filter(last_ends_at__gte=timezone.now())  # a course under way is still upcoming
        .order_by("first_starts_at", "pk")
    )
    count = upcoming.count()
    rows = []
    for row in queries_staff.fill_rows(upcoming[:SHOWN]):
        event = row["event"]
        if row["capacity"]:
            meta = gettext("%(day)s, %(taken)s of %(capacity)s places (%(rate)s %%)") % {
                "day": short_day(event.first_starts_at),
                "taken": event.confirmed,
                "capacity": row["capacity"],
                "rate": row["rate"],
            }
        else:
            meta = ngettext(
                "%(day)s, %(count)s registration",
                "%(day)s, %(count)s registrations",
                event.confirmed,
            ) % {"day": short_day(event.first_starts_at), "count": event.confirmed}
        badge = ""
        if event.waitlisted:
            badge = ngettext(
                "%(count)s on the waiting list", "%(count)s on the waiting list", event.waitlisted
            ) % {"count": event.waitlisted}
        rows.append(
            staff.HomeRow(
                label=event.title,
                url=reverse("events:staff_participants", args=[event.pk]),
                meta=meta,
                percent=min(row["rate"], 100) if row["rate"] is not None else None,
                badge=badge,
                badge_tone="warning" if badge else "",
            )
        )
    return staff.HomeItem(
        label=ngettext("upcoming event", "upcoming events", count),
        count=count,
        url=reverse("events:staff_events"),
        tone=staff.INFO,
        rows=rows,
    )


def proposals_item(request) -> staff.HomeItem:
    from .models_proposals import EventProposal

    count = EventProposal.objects.filter(status=EventProposal.Status.PENDING).count()
    return staff.HomeItem(
        label=ngettext("event proposed by a member", "events proposed by members", count),
        count=count,
        url=reverse("events:staff_proposals"),
        detail=gettext("to review") if count else "",
    )


def register() -> None:
    staff.register_section(SECTION, _("Agenda"), icon="calendar-days", order=20)
    staff.register_links(
        SECTION,
        [
            (_("Events"), "events:staff_events"),
            (_("New event"), "events:staff_event_new"),
            (_("Proposed events"), "events:staff_proposals"),
            (_("Calls for proposals"), "events:staff_calls"),
            (_("Kinds of event"), "events:staff_kinds"),
            (_("Statistics"), "events:staff_statistics"),
        ],
        allowed=is_staff_editor,
    )
    staff.register_home_item(SECTION, "upcoming", upcoming_item, order=10)
    staff.register_home_item(SECTION, "proposals", proposals_item, order=20)
