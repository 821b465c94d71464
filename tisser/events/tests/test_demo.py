"""The demo agenda: the newsletters' events at their real dates with what happened there,
events to come dated from today that a newcomer can register for; loading it twice
changes nothing, and two loads on the same day give the same agenda."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tisser.directory.demo import build_demo_network
from tisser.events import queries
from tisser.events.models import Attendance, Event, Registration, Session
from tisser.events.models_proposals import CallForProposals
from tisser.events.registration import rules
from tisser.events.staff import queries as queries_staff

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        sorted(Event.objects.values_list("slug", "status", "taken")),
        sorted(Session.objects.values_list("event__slug", "starts_at", "capacity", "taken")),
        sorted(Registration.objects.values_list("event__slug", "person__email", "status")),
        Attendance.objects.filter(attended=True).count(),
    )


def local_day(value) -> str:
    return timezone.localtime(value).date().isoformat()


def test_demo_agenda_tells_the_newsletters_story_and_is_idempotent(hauts_de_france):
    with pytest.raises(CommandError):
        call_command("load_demo_events", stdout=StringIO())
    build_demo_network(size=160, seed=1)
    call_command("load_demo_events", stdout=StringIO())
    first = snapshot()
    out = StringIO()
    call_command("load_demo_events", stdout=out)
    assert out.getvalue().count("\n") == 1
    assert snapshot() == first

    events = {e.slug: e for e in Event.objects.all()}
    # The 2nd Rencontre des Solidaires: 12 June 2025, Louvre-Lens Vallée, 180 checked in.
    rencontre_2025 = events["rencontre-des-solidaires-2025"]
    assert local_day(rencontre_2025.sessions.get().starts_at) == "2025-06-12"
    assert rencontre_2025.venue_name == "Louvre-Lens Vallée"
    assert rencontre_2025.registrations.filter(status="confirmed").count() == 196
    assert Attendance.objects.filter(registration__event=rencontre_2025, attended=True).count() == (
        180
    )
    row = next(
        r
        for r in queries_staff.attendance_stats(2025).by_event
        if r.label == (rencontre_2025.title)
    )
    assert (row.registered, row.attended) == (196, 180)
    # The Journée Démocratie alimentaire of 3 July 2025: its 150 places full, people waiting.
    alimentaire = events["journee-democratie-alimentaire-2025"]
    session = alimentaire.sessions.get()
    assert local_day(session.starts_at) == "2025-07-03"
    assert (session.capacity, session.taken) == (150, 150) and alimentaire.is_full
    assert alimentaire.registrations.filter(status="waitlisted").count() == 23
    # The parcours: 8 to 12 participants, starting 16 Sept. 2025 at Le Toit Commun in Lens,
    # registrations closed on 15 August 2025, reserved to the Budget citoyen's actors.
    course = events["parcours-amelioration-continue-des-pratiques-2025"]
    assert (course.min_participants, course.max_participants) == (8, 12)
    assert course.registration_mode == "course" and len(course.sessions_list) == 5
    assert local_day(course.sessions_list[0].starts_at) == "2025-09-16"
    assert course.sessions_list[0].place_commune.name == "Lens"
    assert local_day(course.registration_closes_at) == "2025-08-15"
    assert "Budget citoyen" in course.reserved_for
    assert 8 <= course.registrations.filter(status="confirmed").count() <= 12
    # The Fresque of 2026: Lens on 16 June, Lille on 19 June, registered for separately.
    fresque = events["fresque-du-handicap-en-emploi-2026"]
    lens, lille = fresque.sessions_list
    assert (local_day(lens.starts_at), lens.place_commune.name) == ("2026-06-16", "Lens")
    assert (local_day(lille.starts_at), lille.place_commune.name) == ("2026-06-19", "Lille")
    # The 2026 Rencontre: 11 June at the Bazaar St So, with its programme and its kit.
    rencontre = events["rencontre-des-solidaires-2026"]
    assert local_day(rencontre.sessions.get().starts_at) == "2026-06-11"
    assert rencontre.venue_name == "Bazaar St So" and rencontre.sessions.get().capacity == 150
    slot = rencontre.programme.get(choose_workshop=True)
    assert slot.starts_at.strftime("%H:%M") == "13:30" and slot.workshops.count() == 2
    assert rencontre.attachments.get().title == "Kit de communication"
    for slug, day in [
        ("journee-economie-de-proximite-albert-2026", "2026-06-10"),
        ("ramene-ta-gamelle-tourcoing-2026", "2026-07-03"),
        ("matinale-serious-game-parcours-migrant-2026", "2026-07-09"),
        ("visites-inspirantes-transition-franco-belge-2026", "2026-06-14"),
        ("ramene-ta-gamelle-anzin-2025", "2025-07-04"),
        ("rendez-vous-regional-vie-associative-arras-2025", "2025-07-01"),
    ]:
        assert local_day(events[slug].sessions_list[0].starts_at) == day, slug

    # The live agenda: events to come, that a newcomer can register for.
    upcoming = {e.slug: e for e in queries.upcoming_public_events()}
    assert {"ramene-ta-gamelle-prochaine", "fresque-du-handicap-en-emploi"} <= set(upcoming)
    gamelle = upcoming["ramene-ta-gamelle-prochaine"]
    assert rules.registration_problem(gamelle) is None and not gamelle.is_full
    matinale = upcoming["matinale-cooperer-sur-son-territoire"]
    assert matinale.is_full and matinale.registrations.filter(status="waitlisted").exists()
    next_course = upcoming["parcours-amelioration-continue-des-pratiques"]
    assert next_course.registration_closes_at > timezone.now()
    call = CallForProposals.objects.get()
    assert call.event.slug == "rencontre-des-solidaires-prochaine-edition"
    assert call.event.sessions.get().starts_at > timezone.now()


def test_two_loads_on_the_same_day_give_the_same_agenda(hauts_de_france):
    """Deterministic: the same network and the same day give the same events, dates and
    registrations (here loaded twice from scratch)."""
    from tisser.events.demo import load_demo_events

    build_demo_network(size=60, seed=1)
    today = dt.date(2026, 12, 6)
    load_demo_events(today=today)
    first = snapshot()
    Registration.objects.all().delete()
    Event.objects.all().delete()
    load_demo_events(today=today)
    assert snapshot() == first
