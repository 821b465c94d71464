"""Fixtures of the publications tests: a counting SMTP server and a small list of
subscribers (worker processes a test may kill and restart: `celery_workers`)."""

from __future__ import annotations

import collections
import email
import email.policy
import threading
from types import SimpleNamespace

import pytest


@pytest.fixture
def counting_smtp(smtp_sink):
    """A real SMTP server on loopback that counts what it receives by Message-ID.

    `.by_message_id` (Counter), `.by_recipient` ({address: [Message-IDs]}), `.messages`
    (parsed), `.total`. Django in this process sends to it too."""
    state = SimpleNamespace(
        by_message_id=collections.Counter(),
        by_recipient=collections.defaultdict(list),
        messages=[],
        raw=[],
        lock=threading.Lock(),
    )

    class Sink:
        async def handle_DATA(self, server, session, envelope):
            parsed = email.message_from_bytes(
                envelope.original_content, policy=email.policy.default
            )
            mid = str(parsed.get("Message-ID", "")).strip()
            with state.lock:
                state.by_message_id[mid] += 1
                for rcpt in envelope.rcpt_tos:
                    state.by_recipient[rcpt.lower()].append(mid)
                state.messages.append(parsed)
                state.raw.append(envelope.original_content)
            return "250 OK"

    state.port = smtp_sink(Sink())
    state.total = lambda: sum(state.by_message_id.values())
    return state


@pytest.fixture
def infolettre(db):
    from tisser.publications.models import MailingList

    return MailingList.objects.create(
        name="Infolettre de l'APES",
        slug="infolettre",
        consent_wording="J'accepte de recevoir l'Infolettre mensuelle de l'APES.",
        footer_note="L'adresse email est abonnée à l'Infolettre de l'APES.",
    )


def make_subscribers(mailing_list, count: int, *, prefix="abonne") -> list:
    """`count` active subscribers (people of the contacts base) with a consent each."""
    from django.utils import timezone

    from tisser.directory.models import Consent, Person
    from tisser.publications.models import Subscription

    people = Person.objects.bulk_create(
        [
            Person(first_name=f"Prénom{n}" if n % 3 else "", last_name=f"Nom{n}",
                   email=f"{prefix}{n}@exemple.fr")
            for n in range(count)
        ]
    )  # fmt: skip
    people = list(Person.objects.filter(email__startswith=prefix).order_by("id"))
    now = timezone.now()
    consents = Consent.objects.bulk_create(
        [
            Consent(person=p, purpose="newsletter", method="import", at=now, wording="test")
            for p in people
        ]
    )
    Subscription.objects.bulk_create(
        [
            Subscription(person=p, mailing_list=mailing_list, status="active", origin="staff",
                         consent=c, confirmed_at=now)
            for p, c in zip(people, consents, strict=True)
        ]
    )  # fmt: skip
    return people


@pytest.fixture
def simple_newsletter(infolettre):
    from tisser.publications import services

    newsletter = services.create_newsletter(
        mailing_list=infolettre,
        title="Infolettre du 28 mai 2026",
        subject="Ce mois de juin sera solidaire !",
        intro="Bienvenue dans l'Infolettre mensuelle de l'APES Hauts-de-France",
    )
    services.add_block(
        newsletter,
        {
            "kind": "text",
            "title": 'Bonjour {{ contact.FIRSTNAME | default:"à vous" }}',
            "body": '<p>Votre structure : {{ contact.ORGANISATION | default:"(aucune)" }}</p>',
            "cta_label": "Adhérez",
            "cta_url": "https://apes-hdf.org/adherer",
        },
    )
    return newsletter


@pytest.fixture(autouse=True)
def eager_tasks(request):
    """Tasks run in this process, as `settings_test` says, whatever an earlier test left in
    the Celery app; the worker tests (which need a real broker) are left alone."""
    if "celery_workers" in request.fixturenames:
        yield
        return
    # Celery acquires a producer even for an eager call: a worker fixture that closed the
    # broker pool without dropping the producer pool built on it leaves every later
    # `.delay()` failing with "Acquire on closed pool" (kombu keeps the closed pool in its
    # global registry). Start from fresh pools.
    from kombu import pools

    from tisser.celery import app

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = saved
