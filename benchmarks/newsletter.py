"""Benchmark of newsletter sending on SQLite and PostgreSQL.

For each database (a fresh SQLite file; `bench_publications` on the local PostgreSQL), in
its own process: migrate, create 100,000 subscribers (people of the contacts base with a
consent and a subscription), compose a newsletter from the seed of 28 May 2026, then:

1. **Campaign**: start it as staff do (render once, one delivery row per recipient) and
   let a real `celery worker` process send it, unthrottled, over
   `TISSER_NEWSLETTER_CONNECTIONS` SMTP connections to a local SMTP sink (aiosmtpd, in
   its own process). `messages_per_s` = messages / time from the first claim to the
   campaign's end (preparation is reported apart); the worker's peak RSS is its VmHWM.
2. **Ceiling**: the same number of pre-rendered messages (bytes built before the clock
   starts) sent with plain `smtplib` over the same number of connections, to the same sink.

The sink counts distinct Message-IDs, so the run also checks one message per recipient.

    make bench NAME=newsletter
    TISSER_BENCH_SUBSCRIBERS=10000 .venv/bin/python benchmarks/newsletter.py   # quicker look
"""

from __future__ import annotations

import multiprocessing
import os
import smtplib
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    CHILD_ENV,
    ROOT,
    BenchDatabase,
    load_average,
    main_per_database,
    write_result,
)

SUBSCRIBERS = int(os.environ.get("TISSER_BENCH_SUBSCRIBERS", "100000"))
CONNECTIONS = int(os.environ.get("TISSER_NEWSLETTER_CONNECTIONS", "4"))
SEED = ROOT.parent.parent / "shared" / "seeds" / "001_39c56f19a64757e2.txt"


class PublicationsBenchDatabase(BenchDatabase):
    PG_NAME = "bench_publications"


# --- the SMTP sink, in its own process ------------------------------------------------


class SinkProcess:
    def __init__(self):
        ctx = multiprocessing.get_context("spawn")
        self.ports, self.commands = ctx.Queue(), ctx.Queue()
        self.replies = ctx.Queue()
        self.process = ctx.Process(
            target=_sink_main, args=(self.ports, self.commands, self.replies)
        )
        self.process.start()
        self.port = self.ports.get(timeout=30)

    def read_and_reset(self):
        self.commands.put("read")
        return self.replies.get(timeout=60)

    def close(self):
        self.commands.put("stop")
        self.process.join(timeout=10)


def _sink_main(ports, commands, replies):
    import asyncio  # noqa: F401 - aiosmtpd runs its own loop in a thread
    import re

    from aiosmtpd.controller import Controller

    state = {"messages": 0, "ids": set(), "bytes": 0}
    pattern = re.compile(rb"^Message-ID:\s*(\S+)", re.M | re.I)

    class Sink:
        async def handle_DATA(self, server, session, envelope):
            content = envelope.original_content or envelope.content
            state["messages"] += 1
            state["bytes"] += len(content)
            end = content.find(b"\r\n\r\n")
            match = pattern.search(content[: end if end > 0 else 4096])
            if match:
                state["ids"].add(match.group(1))
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Sink(), hostname="127.0.0.1", port=port, data_size_limit=0)
    controller.start()
    ports.put(port)
    while True:
        command = commands.get()
        if command == "stop":
            break
        replies.put((state["messages"], len(state["ids"]), state["bytes"]))
        state.update(messages=0, ids=set(), bytes=0)
    controller.stop()


# --- data -------------------------------------------------------------------------------


def load_subscribers(count: int):
    from django.db import connection
    from django.utils import timezone

    from tisser.directory.models import Consent, Person
    from tisser.publications.models import MailingList, Subscription

    mailing_list = MailingList.objects.create(
        name="Infolettre de l'APES",
        slug="infolettre",
        consent_wording="J'accepte de recevoir l'Infolettre mensuelle de l'APES.",
        footer_note="L'adresse email est abonnée à l'Infolettre de l'APES.",
    )
    now = timezone.now()
    step = 5000
    for start in range(0, count, step):
        people = Person.objects.bulk_create(
            [
                Person(
                    first_name=f"Prénom{n}" if n % 4 else "",
                    last_name=f"Nom{n}",
                    email=f"abonne{n}@exemple.fr",
                )
                for n in range(start, min(count, start + step))
            ]
        )
        if people[0].pk is None:
            people = list(
                Person.objects.filter(email__startswith="abonne").order_by("-id")[: len(people)]
            )
        consents = Consent.objects.bulk_create(
            [Consent(person=p, purpose="newsletter", method="import", at=now) for p in people]
        )
        Subscription.objects.bulk_create(
            [
                Subscription(
                    person=p,
                    mailing_list=mailing_list,
                    status="active",
                    origin="brevo",
                    consent=c,
                    confirmed_at=now,
                )
                for p, c in zip(people, consents, strict=True)
            ]
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return mailing_list


def compose(mailing_list):
    """A newsletter about the size of the seed's: its paragraphs as blocks."""
    from tisser.publications import services

    newsletter = services.create_newsletter(
        mailing_list=mailing_list,
        title="Infolettre du 28 mai 2026",
        subject="Ce mois de juin sera solidaire !",
        intro="Bienvenue dans l'Infolettre mensuelle de l'APES Hauts-de-France",
    )
    text = SEED.read_text(encoding="utf-8") if SEED.exists() else "Bonjour\n\n" * 200
    chunks = [c.strip() for c in text.split("\n\n") if c.strip() and "{{" not in c]
    for n in range(0, len(chunks), 6):
        body = "".join(f"<p>{c}</p>" for c in chunks[n : n + 6])
        services.add_block(
            newsletter,
            {
                "kind": "text",
                "title": chunks[n][:80],
                "body": '<p>Bonjour {{ contact.FIRSTNAME | default:"à vous" }},</p>' + body,
                "cta_label": "En savoir plus",
                "cta_url": "https://www.apes-hdf.org/",
            },
        )
    return newsletter


# --- measurements ----------------------------------------------------------------------


def start_worker(env: dict, log_path: Path) -> subprocess.Popen:
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "tisser", "worker", "--pool", "solo",
             "--loglevel", "WARNING", "--without-gossip", "--without-mingle",
             "--without-heartbeat", "--hostname", f"bench-{os.getpid()}@localhost"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    return process


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def ceiling(port: int, messages: list[bytes], total: int, connections: int) -> float:
    """Plain smtplib: `total` pre-rendered messages over `connections` connections."""
    counter = {"next": 0}
    lock = threading.Lock()

    def run():
        smtp = smtplib.SMTP("127.0.0.1", port)
        try:
            while True:
                with lock:
                    n = counter["next"]
                    if n >= total:
                        return
                    counter["next"] = n + 1
                smtp.sendmail(
                    "noreply@tisser.localhost",
                    [f"abonne{n}@exemple.fr"],
                    messages[n % len(messages)],
                )
        finally:
            smtp.quit()

    threads = [threading.Thread(target=run) for _ in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return total / (time.perf_counter() - started)


def measure(database: str) -> None:
    load_at_start = load_average()
    broker_dir = Path(tempfile.mkdtemp(prefix="tisser-bench-broker-"))
    for sub in ("in", "processed", "control"):
        (broker_dir / sub).mkdir()
    with PublicationsBenchDatabase(database):
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        mailing_list = load_subscribers(SUBSCRIBERS)
        load_s = time.perf_counter() - started
        newsletter = compose(mailing_list)
        sink = SinkProcess()
        try:
            settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
            settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
            env = {k: v for k, v in os.environ.items() if k != CHILD_ENV}
            env.update(
                {
                    "DJANGO_SETTINGS_MODULE": "tisser.settings",
                    "DATABASE_URL": os.environ["DATABASE_URL"],
                    "TISSER_DATA_DIR": os.environ["TISSER_DATA_DIR"],
                    "BROKER_URL": "filesystem://",
                    "TISSER_EMAIL_HOST": "127.0.0.1",
                    "TISSER_EMAIL_PORT": str(sink.port),
                    "TISSER_NEWSLETTER_MESSAGES_PER_SECOND": "0",
                    "TISSER_NEWSLETTER_CONNECTIONS": str(CONNECTIONS),
                    "TISSER_NEWSLETTER_TASK_SECONDS": "3600",
                    "TISSER_LOG_LEVEL": "WARNING",
                    "TISSER_DEBUG": "0",
                }
            )
            # The worker and this process share the data folder's filesystem broker.
            log_path = Path(os.environ["TISSER_DATA_DIR"]) / "worker.log"
            worker = start_worker(env, log_path)
            try:
                from tisser.publications import services
                from tisser.publications.models import Campaign, Delivery

                time.sleep(3)  # the worker's start-up (its resume task finds nothing)
                from django.utils import timezone

                campaign = services.create_campaign(newsletter)
                clicked_at = timezone.now()
                services.start_campaign(campaign)  # render once; the worker prepares, sends
                deadline = time.monotonic() + 3600
                while True:
                    status = Campaign.objects.values_list("status", flat=True).get(pk=campaign.pk)
                    if status not in ("queued", "sending") or time.monotonic() > deadline:
                        break
                    if worker.poll() is not None:
                        raise RuntimeError("the worker died:\n" + log_path.read_text())
                    time.sleep(0.25)
                campaign.refresh_from_db()
                rss = peak_rss_mb(worker.pid)
                # started_at is set when the delivery rows are ready (end of preparation).
                prepare_s = (campaign.started_at - clicked_at).total_seconds()
                window = (campaign.finished_at - campaign.started_at).total_seconds()
                sent = Delivery.objects.filter(campaign=campaign, status="sent").count()
            finally:
                worker.terminate()
                worker.wait(timeout=30)
            received, distinct, size = sink.read_and_reset()
            # The ceiling: the same number of pre-rendered messages, same connections.
            from tisser.publications.sending.sender import template_for

            template = template_for(campaign)
            pool = [
                template.render(d)[1]
                for d in Delivery.objects.filter(campaign=campaign).order_by("id")[:500]
            ]
            ceiling_rate = ceiling(sink.port, pool, SUBSCRIBERS, CONNECTIONS)
            ceiling_received, _, _ = sink.read_and_reset()
        finally:
            sink.close()
        rate = sent / window if window else 0.0
        params = {
            "subscribers": SUBSCRIBERS,
            "connections": CONNECTIONS,
            "message_kb": round(size / max(received, 1) / 1024, 1),
            "load_average_at_start": load_at_start,
            "load_average_at_end": load_average(),
            "cpus": os.cpu_count(),
            "database_vendor": connection.vendor,
        }
        metrics = {
            "messages_per_s": round(rate, 1),
            "ceiling_messages_per_s": round(ceiling_rate, 1),
            "ratio_to_ceiling": round(rate / ceiling_rate, 3) if ceiling_rate else 0,
            "worker_peak_rss_mb": round(rss, 1),
            "prepare_s": round(prepare_s, 2),
            "send_s": round(window, 2),
            "end_to_end_messages_per_s": round(sent / (window + prepare_s), 1),
            "sent": sent,
            "received_by_sink": received,
            "distinct_message_ids": distinct,
            "ceiling_received": ceiling_received,
            "subscribers_load_s": round(load_s, 1),
        }
        notes = {
            "campaign": "a real celery worker (solo pool) sending an unthrottled campaign:"
            " claimed delivery rows, raw MIME by templating, one UPDATE per message sent",
            "ceiling": "plain smtplib.sendmail of pre-built bytes over the same number of"
            " connections (threads) to the same aiosmtpd sink, in the same run",
            "sink": "aiosmtpd in its own process; counts messages and distinct Message-IDs",
            "load": "the machine (2 cores) is shared with other work: see the load averages",
        }
        path = write_result("newsletter", database, params, metrics, notes)
        width = max(len(k) for k in metrics)
        for key, value in metrics.items():
            print(f"  {key:<{width}}  {value}")
        print(f"  -> {path}")


if __name__ == "__main__":
    main_per_database(__file__, measure)
