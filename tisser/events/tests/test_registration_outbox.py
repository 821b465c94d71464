"""A registration's own email is left due on its row (the outbox) and sent by the worker:
exactly once, kept while the mail server is away, never for a registration rolled back,
and a web process wakes the worker at most once a second during a rush."""

from __future__ import annotations

import smtplib
import threading
import time

import pytest
from django.core.mail import EmailMultiAlternatives
from django.db import connection, connections
from django.urls import reverse

from tisser.events import tasks
from tisser.events.models import Event, EventKind, Registration, Session
from tisser.events.registration import notices, rules, services
from tisser.events.registration.rules import Registrant

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def matinale(db):
    kind = EventKind.objects.create(name="Matinale", slug="matinale")
    event = Event.objects.create(title="Matinale de l'ESS", slug="matinale", kind=kind)
    Session.objects.create(event=event, starts_at=at(5, 8, 30), ends_at=at(5, 10), capacity=1)
    return event


def _register(event, n):
    return services.register(event, Registrant(email=f"p{n}@example.org", first_name="Lou"))


def _due():
    return dict(Registration.objects.values_list("person__email", "notice_pending"))


def test_the_registration_row_holds_its_email_until_the_worker_sends_it(
    matinale, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _register(matinale, 1)
        _register(matinale, 2)
    assert callbacks, "the worker is woken once the transaction commits"
    assert _due() == {"p1@example.org": "confirmed", "p2@example.org": "waitlisted"}
    assert notices.send_pending_notices() == 2
    assert _due() == {"p1@example.org": "", "p2@example.org": ""}
    subjects = {m["To"]: m["Subject"] for m in smtp_server.messages}
    assert "confirmée" in subjects["p1@example.org"]
    assert "attente" in subjects["p2@example.org"]
    assert notices.send_pending_notices() == 0  # sent once, never again
    assert len(smtp_server.messages) == 2


def test_a_refused_registration_leaves_no_email(matinale, smtp_server):
    _register(matinale, 1)
    Registration.objects.update(notice_pending="")
    with pytest.raises(rules.AlreadyRegistered):
        _register(matinale, 1)
    assert notices.send_pending_notices() == 0
    assert smtp_server.messages == []


def test_a_registration_cancelled_before_its_email_went_gets_none(
    matinale, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        registration = _register(matinale, 1)
    Registration.objects.filter(pk=registration.pk).update(status="cancelled")
    assert notices.send_pending_notices() == 0
    assert smtp_server.messages == []
    assert _due() == {"p1@example.org": ""}


def test_the_mail_server_away_keeps_the_email_due(
    matinale, smtp_server, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        _register(matinale, 1)
    original = EmailMultiAlternatives.send

    def away(self, *args, **kwargs):
        raise ConnectionRefusedError("the mail server is away")

    monkeypatch.setattr(EmailMultiAlternatives, "send", away)
    assert notices.send_pending_notices() == 0
    assert _due() == {"p1@example.org": "confirmed"}
    monkeypatch.setattr(EmailMultiAlternatives, "send", original)
    assert notices.send_pending_notices() == 1
    assert [m["To"] for m in smtp_server.messages] == ["p1@example.org"]


def test_an_address_refused_for_good_is_not_tried_again(
    matinale, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        _register(matinale, 1)
    tries = []

    def refused(self, *args, **kwargs):
        tries.append(self.to)
        raise smtplib.SMTPRecipientsRefused({"p1@example.org": (550, b"unknown")})

    monkeypatch.setattr(EmailMultiAlternatives, "send", refused)
    assert notices.send_pending_notices() == 0
    assert notices.send_pending_notices() == 0
    assert tries == [["p1@example.org"]]
    assert _due() == {"p1@example.org": ""}


@pytest.fixture
def served(monkeypatch):
    """Tasks queued for a worker, as in production (not run in the test's process)."""
    conf = tasks.send_pending_registration_emails.app.conf
    saved = conf.task_always_eager
    conf.task_always_eager = False
    yield
    conf.task_always_eager = saved


def test_a_web_process_wakes_the_worker_at_most_once_a_second(served, monkeypatch):
    clock = [1000.0]
    woken = []
    monkeypatch.setattr(notices, "_last_wake", [float("-inf")])
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(
        tasks.send_pending_registration_emails, "delay", lambda **kw: woken.append(kw)
    )
    for step in (0.0, 0.3, 0.6, 0.9):  # a rush within one second: one wake-up
        clock[0] = 1000.0 + step
        notices.wake_notices()
    assert woken == [{"follow_up": True}]
    clock[0] = 1001.2
    notices.wake_notices()
    assert len(woken) == 2


def test_a_wake_up_looks_again_later_for_what_was_committed_meanwhile(monkeypatch):
    later = []
    monkeypatch.setattr(notices, "send_pending_notices", lambda: 0)
    monkeypatch.setattr(
        tasks.send_pending_registration_emails, "apply_async", lambda **kw: later.append(kw)
    )
    tasks.send_pending_registration_emails(follow_up=True)
    assert later == [{"countdown": notices.FOLLOW_UP_SECONDS}]
    tasks.send_pending_registration_emails()  # the follow-up and the sweep stop there
    assert len(later) == 1


def test_the_worker_sweeps_due_emails_every_minute():
    from tisser.celery import app

    sweep = [
        entry
        for entry in app.conf.beat_schedule.values()
        if entry["task"] == "tisser.events.send_pending_registration_emails"
    ]
    assert [entry["schedule"] for entry in sweep] == [60.0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_draining_at_once_send_each_email_once(kinds, smtp_server):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested against PostgreSQL (set DATABASE_URL=postgres://…)")
    event = Event.objects.create(title="Rencontre", slug="rencontre-x", kind=kinds["rencontre"])
    Session.objects.create(event=event, starts_at=at(9, 9), ends_at=at(9, 17), capacity=500)
    for n in range(120):
        _register(event, n)
    Registration.objects.update(notice_pending="confirmed")  # due, as if nobody woke a worker
    del smtp_server.messages[:]
    start = threading.Barrier(3)
    sent = []

    def drain():
        start.wait()
        try:
            sent.append(notices.send_pending_notices())
        finally:
            connections.close_all()

    workers = [threading.Thread(target=drain) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    recipients = [m["To"] for m in smtp_server.messages]
    assert sum(sent) == 120
    assert sorted(recipients) == sorted(f"p{n}@example.org" for n in range(120))
    assert not Registration.objects.exclude(notice_pending="").exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_burst_of_registrations_each_gets_one_email_through_the_real_worker(
    smtp_for_worker, celery_worker_process, client
):
    smtp_server = smtp_for_worker
    kind = EventKind.objects.create(name="Matinale", slug="matinale")
    event = Event.objects.create(title="Matinale", slug="matinale", kind=kind)
    Session.objects.create(event=event, starts_at=at(5, 8, 30), ends_at=at(5, 10), capacity=3)
    emails = [f"burst{n}@example.org" for n in range(6)]
    for email in emails:  # well within one second: the worker is woken once
        response = client.post(
            reverse("events:register", args=["matinale"]),
            {"first_name": "Lou", "last_name": "Petit", "email": email},
        )
        assert response.status_code == 302
    deadline = time.monotonic() + 30
    while len(smtp_server.messages) < len(emails) and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(2)  # the follow-up look has run: nothing is sent twice
    recipients = sorted(m["To"] for m in smtp_server.messages)
    assert recipients == sorted(emails), celery_worker_process.log_path.read_text()
    assert not Registration.objects.exclude(notice_pending="").exists()
