"""Correctness under load, with real concurrent clients: 32 threads, each with its own
database connection, call the registration service at once against PostgreSQL (SQLite
serialises writers, so the race this guards against cannot happen there)."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection, connections
from django.db.models import Count

from tisser.events.models import Event, ProgrammeItem, Registration, Session, Workshop
from tisser.events.registration import changes, rules, services
from tisser.events.registration.rules import Choices, Registrant

from .conftest import at

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
THREADS = 32


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested against PostgreSQL (set DATABASE_URL=postgres://…)")


def _in_threads(items: list, work, threads: int = THREADS) -> list:
    """Run `work(item)` for every item from `threads` threads started together, each with
    its own database connection (closed when the thread is done); results in order."""
    results = [None] * len(items)
    queue = list(enumerate(items))
    lock = threading.Lock()
    start = threading.Barrier(threads)

    def worker():
        start.wait()
        try:
            while True:
                with lock:
                    if not queue:
                        return
                    index, item = queue.pop()
                results[index] = work(item)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return results


def _rush(attempts: list, event_id: int, choose) -> Counter:
    """Run every attempt through the service from THREADS threads; count the outcomes."""

    def attempt(email: str):
        try:
            event = Event.objects.get(pk=event_id)
            registration = services.register(
                event,
                Registrant(email=email, first_name="Rush"),
                choices=choose(event),
                notify=False,
            )
            return registration.status
        except rules.AlreadyRegistered:
            return "already"
        except Exception as error:  # any other outcome is a defect the test reports
            return f"error: {type(error).__name__}: {error}"

    return Counter(_in_threads(attempts, attempt))


def _no_live_duplicates(event):
    twice = (
        Registration.objects.filter(event=event)
        .exclude(status="cancelled")
        .values("person", "session")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert list(twice) == []


def test_2000_attempts_for_150_places(kinds, communes):
    event = Event.objects.create(title="Rencontre", slug="rush", kind=kinds["rencontre"])
    session = Session.objects.create(event=event, starts_at=at(9), ends_at=at(9, 17), capacity=150)
    # 1,900 different people, 100 of whom try twice at the same time.
    emails = [f"rush{i}@example.org" for i in range(1900)]
    attempts = emails + emails[:100]
    attempts.sort(key=lambda e: hash(e) % 97)
    outcomes = _rush(attempts, event.pk, lambda event: Choices())
    assert not [o for o in outcomes if str(o).startswith("error")], outcomes
    assert outcomes["confirmed"] == 150
    assert outcomes["waitlisted"] == 1900 - 150
    assert outcomes["already"] == 100
    session.refresh_from_db()
    assert session.taken == 150
    assert Registration.objects.filter(status="confirmed").count() == 150
    assert Registration.objects.count() == 1900
    _no_live_duplicates(event)


def test_a_workshop_capacity_inside_an_event(kinds, communes):
    event = Event.objects.create(title="Ateliers", slug="ateliers", kind=kinds["rencontre"])
    Session.objects.create(event=event, starts_at=at(9), ends_at=at(9, 17), capacity=2000)
    slot = ProgrammeItem.objects.create(
        event=event, starts_at="13:30", title="Ateliers", choose_workshop=True
    )
    small = Workshop.objects.create(item=slot, title="Petit atelier", capacity=40)
    Workshop.objects.create(item=slot, title="Grand atelier", capacity=None)
    attempts = [f"atelier{i}@example.org" for i in range(800)]
    outcomes = _rush(attempts, event.pk, lambda event: Choices(workshops=[small]))
    assert not [o for o in outcomes if str(o).startswith("error")], outcomes
    assert outcomes == Counter({"confirmed": 40, "waitlisted": 760})
    small.refresh_from_db()
    assert small.taken == 40
    assert Session.objects.get(event=event).taken == 40  # the waitlisted hold no place
    assert (
        Registration.objects.filter(status="confirmed", workshop_choices__workshop=small).count()
        == 40
    )
    _no_live_duplicates(event)


def test_concurrent_cancellations_promote_exactly_as_many(kinds, communes):
    event = Event.objects.create(title="Fresque", slug="fresque-rush", kind=kinds["fresque"])
    session = Session.objects.create(event=event, starts_at=at(9), ends_at=at(9, 17), capacity=20)
    outcomes = _rush([f"f{i}@example.org" for i in range(60)], event.pk, lambda e: Choices())
    assert outcomes == Counter({"confirmed": 20, "waitlisted": 40})
    confirmed = list(Registration.objects.filter(status="confirmed")[:10])

    def cancel(registration):
        return len(changes.cancel_registration(registration, notify=False))

    promoted = sum(_in_threads(confirmed, cancel, threads=10))
    assert promoted == 10
    session.refresh_from_db()
    assert session.taken == 20
    assert Registration.objects.filter(status="confirmed").count() == 20
    # Promoted in the order they registered.
    waiting = Registration.objects.exclude(status="cancelled").order_by("created_at", "pk")
    assert [r.status for r in waiting][:20] == ["confirmed"] * 20
