"""The staff demo: a past Rencontre whose attendees (180 of 196 in the seed) show in the 2025 statistics, the
seeds' call for proposals; loading it twice changes nothing."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tisser.directory.demo import build_demo_network
from tisser.events import queries_staff
from tisser.events.models import Attendance, Event, Registration
from tisser.events.models_proposals import CallForProposals

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        sorted(Event.objects.values_list("slug", "status", "taken")),
        sorted(Registration.objects.values_list("event__slug", "person__email", "status")),
        Attendance.objects.count(),
        sorted(CallForProposals.objects.values_list("slug", "event__slug")),
    )


def test_staff_demo_is_idempotent(hauts_de_france):
    build_demo_network(size=260, seed=1)
    with pytest.raises(CommandError):
        call_command("load_demo_events_staff", stdout=StringIO())
    call_command("load_demo_events", stdout=StringIO())
    call_command("load_demo_events_staff", stdout=StringIO())
    first = snapshot()
    out = StringIO()
    call_command("load_demo_events_staff", stdout=out)
    assert "already loaded" in out.getvalue()
    assert snapshot() == first
    past = Event.objects.get(slug="rencontre-des-solidaires-2025")
    assert past.sessions.get().starts_at.date().isoformat() == "2025-06-12"
    stats = queries_staff.attendance_stats(2025)
    row = next(t for t in stats.by_event if t.label == past.title)
    registered = past.registrations.count()
    assert registered > 50 and row.registered == registered
    assert row.attended == round(registered * 180 / 196) and row.no_show > 0
    call = CallForProposals.objects.get()
    assert call.event.slug == "rencontre-des-solidaires"
