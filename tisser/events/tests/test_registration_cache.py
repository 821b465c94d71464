"""The event a registration posts to comes from the shared cache; every change to what the
rules read of it drops the cached copy, and places are still taken on the counters."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tisser.directory.models import Category
from tisser.events.models import Event, Question, Registration, Session
from tisser.events.staff.editing import cancel_event

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached(settings):
    cache.clear()
    settings.TISSER_REGISTRATION_CACHE_SECONDS = 60
    yield
    cache.clear()


@pytest.fixture
def plain(kinds, cached):
    event = Event.objects.create(title="Rencontre (rush)", slug="rush", kind=kinds["rencontre"])
    Session.objects.create(event=event, starts_at=at(30, 9), ends_at=at(30, 17), capacity=2)
    return event


def post(client, n, **extra):
    data = {
        "first_name": f"Prénom{n}",
        "last_name": "Rush",
        "email": f"rush{n}@example.org",
        "organisation": "Structure 1",
        **extra,
    }
    return client.post("/agenda/rush/inscription/", data)


def event_reads(captured) -> list[str]:
    return [q["sql"] for q in captured if q["sql"].startswith("SELECT") and "events_" in q["sql"]]


def test_a_post_reads_the_event_from_the_cache_once_warm(client, plain):
    assert post(client, 0).status_code == 302
    with CaptureQueriesContext(connection) as ctx:
        assert post(client, 1).status_code == 302
    assert event_reads(ctx.captured_queries) == []


def test_the_stale_counters_of_the_cached_copy_never_sell_a_place_twice(client, plain):
    for n in range(4):
        assert post(client, n).status_code == 302
    statuses = list(Registration.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert Session.objects.get(event=plain).taken == 2


def test_closing_registration_is_seen_by_the_next_post(client, plain):
    assert post(client, 0).status_code == 302
    plain.registration_closes_at = timezone.now() - dt.timedelta(hours=1)
    plain.save()
    refused = post(client, 1)
    assert refused.status_code == 400
    assert Registration.objects.count() == 1


def test_a_cancellation_by_bulk_update_is_seen_by_the_next_post(client, plain):
    assert post(client, 0).status_code == 302
    cancel_event(plain)
    assert post(client, 1).status_code == 400
    assert Registration.objects.count() == 1


def test_a_new_required_question_is_asked_at_once(client, plain):
    assert post(client, 0).status_code == 302
    question = Question.objects.create(event=plain, text="Régime", kind="text", required=True)
    assert post(client, 1).status_code == 400
    assert post(client, 2, **{f"question_{question.pk}": "Aucun"}).status_code == 302
    assert Registration.objects.count() == 2


def test_eligible_categories_added_apply_at_once(client, plain):
    assert post(client, 0).status_code == 302
    plain.eligible_categories.add(Category.objects.create(name="Alimentation", slug="alim"))
    refused = post(client, 1)
    assert refused.status_code == 400
    assert "Alimentation" in refused.content.decode()
    assert Registration.objects.count() == 1


def test_a_new_session_is_offered_at_once(client, plain):
    assert post(client, 0).status_code == 302
    other = Session.objects.create(event=plain, starts_at=at(40, 9), ends_at=at(40, 17), capacity=5)
    assert post(client, 1).status_code == 400  # two dates now: one must be chosen
    assert post(client, 2, session=other.pk).status_code == 302
    assert Registration.objects.get(person__email="rush2@example.org").session == other


def test_without_the_setting_every_post_reads_the_event(client, plain, settings):
    settings.TISSER_REGISTRATION_CACHE_SECONDS = 0
    assert post(client, 0).status_code == 302
    with CaptureQueriesContext(connection) as ctx:
        assert post(client, 1).status_code == 302
    assert event_reads(ctx.captured_queries)
