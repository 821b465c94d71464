"""A registration to a plain event costs a handful of SQL statements, whatever the
number of registrations the event already holds (counts are not timings)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tisser.directory.models import Affiliation
from tisser.events.models import Event, Question, Registration, Session
from tisser.events.tasks import send_pending_registration_emails

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def plain(kinds):
    """One date, a capacity, one question: the benchmark's rush event."""
    event = Event.objects.create(title="Rencontre (rush)", slug="rush", kind=kinds["rencontre"])
    Session.objects.create(event=event, starts_at=at(30, 9), ends_at=at(30, 17), capacity=2)
    question = Question.objects.create(
        event=event, text="Régime alimentaire", kind="choice", choices="Aucun\nVégétarien"
    )
    return event, question


def post(client, question, n, organisation="Structure 1"):
    return client.post(
        "/agenda/rush/inscription/",
        {
            "first_name": f"Prénom{n}",
            "last_name": "Rush",
            "email": f"rush{n}@example.org",
            "organisation": organisation,
            f"question_{question.pk}": "Végétarien",
        },
    )


TRANSACTION = {"BEGIN", "BEGIN IMMEDIATE", "COMMIT"}


def statements(captured) -> list[str]:
    """The SQL statements sent, less the transaction's BEGIN and COMMIT (one pair per
    registration); savepoints are kept: the hot path must have none."""
    return [q["sql"] for q in captured if q["sql"] not in TRANSACTION]


@pytest.mark.django_db(transaction=True)
def test_a_registration_takes_at_most_eight_statements_and_no_savepoint(client, plain, monkeypatch):
    """As served: the email is left due on the registration's row and the worker woken
    after the commit (recorded here, not run)."""
    event, question = plain
    woken = []
    monkeypatch.setattr(
        send_pending_registration_emails, "delay", lambda **kwargs: woken.append(kwargs)
    )
    assert post(client, question, 0).status_code == 302  # the organisation is created once
    counts = []
    for n in (1, 2, 3):  # the last place, the waiting list, the waiting list again
        with CaptureQueriesContext(connection) as ctx:
            response = post(client, question, n)
        assert response.status_code == 302
        sent = statements(ctx.captured_queries)
        assert not [sql for sql in sent if "SAVEPOINT" in sql], sent
        counts.append(len(sent))
    assert max(counts) <= 8, counts
    rows = list(Registration.objects.order_by("pk").values_list("status", "notice_pending"))
    assert [status for status, _due in rows] == [
        "confirmed",
        "confirmed",
        "waitlisted",
        "waitlisted",
    ]
    # Each email left due by the registration's own INSERT, for the worker.
    assert [due for _status, due in rows] == [status for status, _due in rows]
    assert Session.objects.get(event=event).taken == 2
    # The worker woken once the first transaction committed (eager here: every time).
    assert woken


@pytest.mark.django_db(transaction=True)
def test_the_count_holds_with_the_assert_helper(
    client, plain, django_assert_max_num_queries, monkeypatch
):
    """The same bound through pytest-django's helper, which also counts BEGIN and COMMIT."""
    _event, question = plain
    monkeypatch.setattr(send_pending_registration_emails, "delay", lambda **kwargs: None)
    post(client, question, 0)
    with django_assert_max_num_queries(8 + 2):
        assert post(client, question, 1).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_a_second_registration_by_the_same_person_is_refused_and_takes_no_place(client, plain):
    event, question = plain
    assert post(client, question, 1).status_code == 302
    again = post(client, question, 1)
    assert again.status_code == 400
    assert "rush1@example.org" in again.content.decode()
    assert Registration.objects.count() == 1
    assert Session.objects.get(event=event).taken == 1


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_two_statements_write_all_of_it(client, plain, monkeypatch, settings):
    """PostgreSQL: the contact with the organisation's look-up, then the claim of a link
    to it, the place, the registration and its answer in one statement (a data-modifying
    WITH; the event is open and has one price, so the link's confirmation changes
    nothing); the event read from the shared cache, as served."""
    if connection.vendor != "postgresql":
        pytest.skip("one-statement writes are PostgreSQL's (set DATABASE_URL=postgres://…)")
    settings.TISSER_REGISTRATION_CACHE_SECONDS = 60
    cache.clear()
    event, question = plain
    monkeypatch.setattr(send_pending_registration_emails, "delay", lambda **kwargs: None)
    assert post(client, question, 0).status_code == 302  # the organisation is created once
    for n in (1, 2):  # the last place, then the waiting list
        with CaptureQueriesContext(connection) as ctx:
            assert post(client, question, n).status_code == 302
        sent = statements(ctx.captured_queries)
        assert len(sent) == 2, sent
        assert "directory_organisation" in sent[0]  # looked up with the contact
        for table in ("events_session", "events_registration", "events_answer", "affiliation"):
            assert table in sent[1], table
    rows = Registration.objects.order_by("created_at", "pk")
    assert [(r.status, r.notice_pending) for r in rows] == [
        ("confirmed", "confirmed"),
        ("confirmed", "confirmed"),
        ("waitlisted", "waitlisted"),
    ]
    assert all(r.organisation and r.organisation.name == "Structure 1" for r in rows)
    assert [list(r.answers.values_list("value", flat=True)) for r in rows] == [["Végétarien"]] * 3
    assert Session.objects.get(event=event).taken == 2
    claims = Affiliation.objects.filter(organisation__name="Structure 1")
    assert sorted(claims.values_list("person__email", "status", "source")) == [
        (f"rush{n}@example.org", "claimed", "registration") for n in range(3)
    ]


@pytest.mark.django_db(transaction=True)
def test_a_full_event_without_waiting_list_writes_nothing(client, plain):
    event, question = plain
    Event.objects.filter(pk=event.pk).update(waitlist_enabled=False)
    for n in (1, 2):
        assert post(client, question, n).status_code == 302
    refused = post(client, question, 3)
    assert refused.status_code == 400
    assert Registration.objects.count() == 2
    assert not Registration.objects.filter(person__email="rush3@example.org").exists()
    assert Session.objects.get(event=event).taken == 2
    again = post(client, question, 1)  # already registered, full or not
    assert again.status_code == 400 and "rush1@example.org" in again.content.decode()
