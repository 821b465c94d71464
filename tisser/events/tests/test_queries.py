"""The agenda's query interface, which other apps (the newsletter) rely on."""

import pytest

from tisser.events import queries
from tisser.events.models import Event, Session

from .conftest import at

pytestmark = pytest.mark.django_db


def test_upcoming_public_events_in_date_order_with_first_session(rencontre, fresque):
    events = list(queries.upcoming_public_events())
    assert [e.slug for e in events] == ["fresque-ess", "rencontre-des-solidaires"]
    assert events[0].first_starts_at == at(10, 14)
    assert events[1].first_starts_at == at(20, 9)


def test_window_and_kind(rencontre, fresque, kinds):
    # Lens is before the window, Lille inside: the first session shown is Lille's.
    events = list(queries.upcoming_public_events(start=at(12, 0), end=at(15, 0)))
    assert [e.slug for e in events] == ["fresque-ess"]
    assert events[0].first_starts_at == at(13, 14)
    assert list(queries.upcoming_public_events(kind="rencontre")) == [rencontre]
    assert list(queries.upcoming_public_events(kind=kinds["fresque"])) == [fresque]
    # Dates work as well as datetimes.
    assert list(queries.upcoming_public_events(start=at(21).date())) == []


def test_only_published_and_future(rencontre, fresque):
    fresque.status = Event.Status.PROPOSED
    fresque.save()
    rencontre.status = Event.Status.CANCELLED
    rencontre.save()
    assert list(queries.upcoming_public_events()) == []


def test_past_events_are_left_out(rencontre):
    Session.objects.filter(event=rencontre).update(starts_at=at(-3), ends_at=at(-3, 17))
    assert list(queries.upcoming_public_events()) == []


def test_event_interface(rencontre, fresque):
    assert rencontre.get_absolute_url() == "/agenda/rencontre-des-solidaires/"
    assert rencontre.registration_url == "/agenda/rencontre-des-solidaires/inscription/"
    assert rencontre.place_label == "Lille"
    assert not rencontre.is_full
    fresque.external_registration_url = "https://example.org/forum"
    fresque.online_url = "https://visio.example.org/fresque"
    assert fresque.registration_url == "https://example.org/forum"
    assert fresque.place_label == "En ligne"


def test_is_full_when_every_session_is(fresque):
    lens, lille = fresque.sessions_list
    Session.objects.filter(pk=lens.pk).update(taken=2)
    assert not Event.objects.get(pk=fresque.pk).is_full
    Session.objects.filter(pk=lille.pk).update(taken=2)
    assert Event.objects.get(pk=fresque.pk).is_full


def test_filters_territory_and_free_places(rencontre, fresque):
    events = queries.upcoming_public_events()
    assert set(queries.filter_agenda(events, territory="62")) == {fresque}
    assert set(queries.filter_agenda(events, territory="59350")) == {rencontre, fresque}
    Session.objects.filter(event=fresque).update(taken=2)
    assert list(queries.filter_agenda(events, free_places=True)) == [rencontre]


def test_a_course_is_full_when_one_of_its_sessions_is(kinds):
    course = Event.objects.create(
        title="Parcours", slug="parcours", kind=kinds["formation"], registration_mode="course"
    )
    first = Session.objects.create(event=course, starts_at=at(5), ends_at=at(5, 17), capacity=2)
    Session.objects.create(event=course, starts_at=at(9), ends_at=at(9, 17), capacity=3)
    assert not Event.objects.get(pk=course.pk).is_full
    Session.objects.filter(pk=first.pk).update(taken=2)
    assert Event.objects.get(pk=course.pk).is_full
    events = queries.upcoming_public_events()
    assert list(queries.filter_agenda(events, free_places=True)) == []


def test_event_for_registration_reads_only_what_is_not_empty(
    rencontre, fresque, django_assert_num_queries
):
    from tisser.directory.models import Category
    from tisser.events.models import Question

    sessions = fresque.sessions.count()
    # The fresque has no programme, question or category: the event with its sessions,
    # joined in one query.
    with django_assert_num_queries(1):
        event = queries.event_for_registration(fresque.slug)
        assert list(event.programme.all()) == []
        assert list(event.questions.all()) == []
        assert list(event.eligible_categories.all()) == []
        assert len(event.sessions_list) == sessions > 0
    question = Question.objects.create(event=rencontre, text="Régime", kind="text")
    category = Category.objects.create(name="Alimentation", slug="alimentation")
    rencontre.eligible_categories.add(category)
    # event with sessions, programme, workshops, questions, categories
    with django_assert_num_queries(5):
        event = queries.event_for_registration(rencontre.slug)
        assert [i.title for i in event.programme.all()] == ["Accueil", "Ateliers"]
        assert [w.title for w in event.programme.all()[1].workshops.all()] == [
            "Coopérer",
            "Financer",
            "Essaimer",
        ]
        assert list(event.questions.all()) == [question]
        assert list(event.eligible_categories.all()) == [category]
    assert queries.event_for_registration("nope") is None
