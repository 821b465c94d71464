"""The demo agenda: every event of the seeds, runnable, and loading it twice changes nothing."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tisser.directory.demo import build_demo_network
from tisser.events import queries
from tisser.events.models import Event, Registration, Session

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        sorted(Event.objects.values_list("slug", "status", "taken")),
        sorted(Session.objects.values_list("event__slug", "starts_at", "capacity", "taken")),
        sorted(Registration.objects.values_list("event__slug", "person__email", "status")),
    )


def test_demo_agenda_is_idempotent_and_has_the_seeds(hauts_de_france):
    with pytest.raises(CommandError):
        call_command("load_demo_events", stdout=StringIO())
    build_demo_network(size=160, seed=1)
    call_command("load_demo_events", stdout=StringIO())
    first = snapshot()
    out = StringIO()
    call_command("load_demo_events", stdout=out)
    assert "already loaded" in out.getvalue()
    assert snapshot() == first

    upcoming = {e.slug: e for e in queries.upcoming_public_events()}
    rencontre = upcoming["rencontre-des-solidaires"]
    assert rencontre.sessions.get().capacity == 150
    slot = rencontre.programme.get(choose_workshop=True)
    assert slot.starts_at.strftime("%H:%M") == "13:30" and slot.workshops.count() == 2
    assert rencontre.attachments.get().title == "Kit de communication"
    assert rencontre.registrations.filter(status="confirmed").count() >= 50
    fresque = upcoming["fresque-du-handicap-en-emploi"]
    lens, lille = fresque.sessions_list
    assert (lens.place_commune.name, lille.place_commune.name) == ("Lens", "Lille")
    assert lens.is_full and not lille.is_full
    assert fresque.registrations.filter(status="waitlisted").count() == 3
    course = upcoming["parcours-amelioration-continue-des-pratiques"]
    assert (course.min_participants, course.max_participants) == (8, 12)
    assert course.registration_mode == "course" and len(course.sessions_list) == 5
    assert course.registration_closes_at is not None
    assert "Budget citoyen" in course.reserved_for
    forum = upcoming["forum-mondial-ess-bordeaux"]
    assert forum.registration_url.startswith("https://")
    assert "ramene-ta-gamelle-tourcoing" in upcoming
    assert "matinale-serious-game-parcours-migrant" in upcoming
    assert "journee-democratie-alimentaire" not in upcoming  # past: 150 places filled then
