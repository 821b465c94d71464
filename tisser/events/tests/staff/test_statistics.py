"""Attendance statistics over a year with known numbers: by event, by legal form, by
département; a course counts each of its days."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tisser.events.models import Event, RegistrationMode, Session
from tisser.events.staff import queries as queries_staff
from tisser.events.staff import services as services_staff

pytestmark = pytest.mark.django_db


def _day(year, month, day, hour=9):
    return timezone.make_aware(dt.datetime(year, month, day, hour))


@pytest.fixture
def past_year(kinds, communes, orgs):
    """Last year: the Fresque in Lens (4 registered, 3 came), a two-day course (2
    registered: one came both days, one only the first); this year: one event (ignored)."""
    year = timezone.localdate().year - 1
    fresque = Event.objects.create(title="Fresque", slug="fresque-y", kind=kinds["fresque"])
    lens = Session.objects.create(
        event=fresque, starts_at=_day(year, 6, 16, 14), ends_at=_day(year, 6, 16, 17)
    )
    course = Event.objects.create(
        title="Parcours",
        slug="parcours-y",
        kind=kinds["formation"],
        registration_mode=RegistrationMode.WHOLE_COURSE,
    )
    d1 = Session.objects.create(
        event=course, starts_at=_day(year, 9, 1), ends_at=_day(year, 9, 1, 17)
    )
    d2 = Session.objects.create(
        event=course, starts_at=_day(year, 10, 1), ends_at=_day(year, 10, 1, 17)
    )
    later = Event.objects.create(title="Cette année", slug="now-y", kind=kinds["matinale"])
    Session.objects.create(
        event=later, starts_at=_day(year + 1, 1, 10), ends_at=_day(year + 1, 1, 10, 12)
    )
    people = [
        ("a", "asso", True),
        ("b", "asso", True),
        ("c", "scop", True),
        ("d", "scic", False),
    ]
    for name, org, came in people:
        r = _register_past(fresque, lens, name, orgs[org])
        if came:
            services_staff.check_in(r, lens)
    both = _register_past(course, None, "e", orgs["scop"])
    services_staff.check_in(both, d1)
    services_staff.check_in(both, d2)
    first_only = _register_past(course, None, "f", orgs["asso"])
    services_staff.check_in(first_only, d1)
    _register_past(later, later.sessions_list[0], "g", orgs["asso"])
    return year


def _register_past(event, session, name, org):
    """Registration for a past event, written directly (the service refuses past dates)."""
    from tisser.directory.models import Person
    from tisser.events.models import Registration

    person = Person.objects.create(first_name=name.upper(), last_name="Test", email=f"{name}@x.org")
    return Registration.objects.create(
        event=event, session=session, person=person, organisation=org, status="confirmed"
    )


def test_year_figures(past_year):
    stats = queries_staff.attendance_stats(past_year)
    assert (stats.total.registered, stats.total.attended, stats.total.no_show) == (8, 6, 2)
    by_event = {t.label: (t.registered, t.attended, t.no_show) for t in stats.by_event}
    assert by_event == {"Fresque": (4, 3, 1), "Parcours": (4, 3, 1)}
    by_form = {t.label: (t.registered, t.attended) for t in stats.by_legal_form}
    assert by_form == {"Association": (4, 3), "SCOP": (3, 3), "SCIC": (1, 0)}
    by_dep = {t.label: (t.registered, t.attended) for t in stats.by_territory}
    assert by_dep == {"59 Nord": (4, 3), "62 Pas-de-Calais": (3, 3), "Non renseigné": (1, 0)}
    assert stats.total.rate == 75


def test_future_sessions_and_cancelled_places_do_not_count(past_year, kinds):
    stats = queries_staff.attendance_stats(past_year + 1, now=_day(past_year + 1, 1, 1))
    assert stats.total.registered == 0  # the January event has not started yet
    stats = queries_staff.attendance_stats(past_year + 1, now=_day(past_year + 1, 2, 1))
    assert (stats.total.registered, stats.total.no_show) == (1, 1)


def test_statistics_page_draws_the_chart_and_the_table(staff_client, past_year):
    page = staff_client.get(reverse("events:staff_statistics"), {"year": past_year}).content
    page = page.decode()
    assert '<svg class="chart"' in page and "8 inscrit·e·s, 6 présent·e·s, 2 absent·e·s." in page
    assert "<td>Pas-de-Calais</td>" not in page and "62 Pas-de-Calais" in page
    assert "Taux de présence 75 %." in page
    # SVG numbers are not localised ("22,5" is no width in French pages).
    start = page.index('<svg class="chart"')  # (the icons of the menus are SVG too)
    svg = page[start : page.index("</svg>", start)]
    numbers = re.findall(r' (?:x|y|width|height)="([^"]+)"', svg)
    assert numbers and all(float(n) >= 0 for n in numbers)
    assert any(float(n) > 0 for n in re.findall(r'class="no-show"[^>]* width="([^"]+)"', svg))
