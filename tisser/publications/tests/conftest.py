"""Fixtures of the publications tests: a counting SMTP server, worker processes that a
test may kill and restart, and a small list of subscribers."""

from __future__ import annotations

import collections
import email
import email.policy
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest


@pytest.fixture
def counting_smtp(settings):
    """A real SMTP server on loopback that counts what it receives by Message-ID.

    `.by_message_id` (Counter), `.by_recipient` ({address: [Message-IDs]}), `.messages`
    (parsed), `.total`. Django in this process sends to it too."""
    from aiosmtpd.controller import Controller

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

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    state.port = port
    state.total = lambda: sum(state.by_message_id.values())
    try:
        yield state
    finally:
        controller.stop()


def _database_url(connection) -> str:
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(settings_dict["NAME"])
        if name == ":memory:" or name.startswith("file:memorydb"):
            pytest.skip("the SQLite test database is in memory: a worker cannot share it")
        return f"sqlite:///{name}"
    user = settings_dict.get("USER") or ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user + '@' if user else ''}{host}:{port}/{settings_dict['NAME']}"


@pytest.fixture
def worker_factory(transactional_db, tmp_path):
    """Start real `celery worker --pool solo` processes on the test database, sharing one
    filesystem broker with this process; the test may kill them (`.kill()`) and start
    others. Every process started is stopped at the end."""
    from django.db import connection

    from tisser.celery import app

    url = _database_url(connection)
    data_dir = tmp_path / "worker-data"
    folders = {name: data_dir / "broker" / name for name in ("in", "processed", "control")}
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    broker = {
        "data_folder_in": str(folders["in"]),
        "data_folder_out": str(folders["in"]),
        "processed_folder": str(folders["processed"]),
        "control_folder": str(folders["control"]),
        "store_processed": False,
    }
    saved = (app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_transport_options)
    app.conf.task_always_eager = False
    app.conf.broker_url = "filesystem://"
    app.conf.broker_transport_options = broker
    _reset(app)
    processes = []
    root = Path(__file__).resolve().parents[3]

    def start(extra_env: dict | None = None, name: str = "w"):
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "tisser.settings",
                "DATABASE_URL": url,
                "TISSER_DATA_DIR": str(data_dir),
                "BROKER_URL": "filesystem://",
                "TISSER_TASKS_EAGER": "0",
                "TISSER_ADDRESS_API_URL": "",
                "TISSER_GEO_API_URL": "",
                "TISSER_LOG_LEVEL": "WARNING",
                **(extra_env or {}),
            }
        )
        log_path = tmp_path / f"worker-{name}-{len(processes)}.log"
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "tisser", "worker", "--pool", "solo",
                 "--loglevel", "INFO", "--without-gossip", "--without-mingle",
                 "--without-heartbeat", "--hostname", f"{name}-{len(processes)}-{os.getpid()}@localhost"],
                cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        processes.append(process)
        process.log_path = log_path
        deadline = time.monotonic() + 60
        while b" ready." not in log_path.read_bytes():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the worker did not start:\n" + log_path.read_text(errors="replace"))
            time.sleep(0.2)
        return process

    try:
        yield start
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=5)
        _reset(app)
        (app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_transport_options) = saved


def _reset(app):
    from kombu import pools

    if app._pool is not None:
        app._pool.force_close_all()
    pools.reset()  # the closed pool would stay in kombu's registry otherwise
    app._pool = None
    app.amqp._producer_pool = None


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
    if "worker_factory" in request.fixturenames or "celery_worker_process" in request.fixturenames:
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
