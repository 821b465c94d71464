"""The campaign of the rehearsal and the SMTP sink it goes to: the newsletter composed and
started as staff do, the sending worker host killed a third of the way and brought back,
then who received what (nobody missed, at most one duplicate per killed connection)."""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from pathlib import Path

from .hosts import Hosts
from .netns import ADDRESSES
from .params import DOWN_S, RECIPIENTS, log

# --- the sink --------------------------------------------------------------------------------


def sink_status(sink_dir: Path) -> dict:
    for _ in range(20):
        try:
            return json.loads((sink_dir / "status.json").read_text())
        except (OSError, ValueError):
            time.sleep(0.1)
    raise RuntimeError("the SMTP sink writes no status")


def received(sink_dir: Path, prefix: str) -> tuple[Counter, Counter]:
    """Per address and per sending host, the messages the sink accepted for `prefix*`."""
    by_address, by_peer = Counter(), Counter()
    with open(sink_dir / "recipients.log", encoding="utf-8") as lines:
        for line in lines:
            peer, address = line.split()
            if address.startswith(prefix):
                by_address[address] += 1
                by_peer[peer] += 1
    return by_address, by_peer


def wait_for_emails(sink_dir: Path, prefix: str, expected: int, timeout: float) -> Counter:
    deadline, last, still = time.monotonic() + timeout, -1, time.monotonic()
    while time.monotonic() < deadline:
        got, _ = received(sink_dir, prefix)
        total = sum(got.values())
        if len(got) >= expected:
            return got
        if total != last:
            last, still = total, time.monotonic()
        elif time.monotonic() - still > 30:  # nothing more for 30 s
            break
        time.sleep(1)
    return received(sink_dir, prefix)[0]


# --- the campaign ------------------------------------------------------------------------------


def compose(mailing_list_id: int):
    from tisser.publications import services
    from tisser.publications.models import MailingList

    newsletter = services.create_newsletter(
        mailing_list=MailingList.objects.get(pk=mailing_list_id),
        title="Infolettre de la répétition",
        subject="Ce mois de juin sera solidaire !",
        intro="Bienvenue dans l'Infolettre mensuelle.",
    )
    for n in range(3):
        services.add_block(
            newsletter,
            {
                "kind": "text",
                "title": f"Rubrique {n + 1}",
                "body": '<p>Bonjour {{ contact.FIRSTNAME | default:"à vous" }},</p>'
                + "<p>Rencontre des Solidaires, Matinales, Fresque : le mois en bref.</p>" * 4,
                "cta_label": "En savoir plus",
                "cta_url": "https://www.apes-hdf.org/",
            },
        )
    return newsletter


def campaign(hosts: Hosts, sink_dir: Path, mailing_list_id: int) -> dict:
    """Start the campaign as staff do; kill the worker host that is sending once a third
    has gone, bring it back, wait for the end."""
    from django.utils import timezone

    from tisser.publications import services
    from tisser.publications.models import Campaign, Delivery

    worker_of = {ADDRESSES[h]: h for h in ("worker1", "worker2")}
    newsletter = compose(mailing_list_id)
    base = sink_status(sink_dir)["messages"]
    item = services.create_campaign(newsletter)
    started = time.perf_counter()
    services.start_campaign(item)
    failure: dict = {}
    deadline = time.monotonic() + float(os.environ.get("TISSER_CLUSTER_CAMPAIGN_TIMEOUT", "3600"))
    while time.monotonic() < deadline:
        status = sink_status(sink_dir)
        live = {p: n for p, n in status["live"].items() if p in worker_of and n > 0}
        if status["messages"] - base >= RECIPIENTS // 3 and live:
            peer = max(live, key=live.get)
            host = worker_of[peer]
            failure.update(host=host, live_connections=live[peer], kill_wall=time.time())
            failure["processes"] = hosts.kill_host(host)
            claimed = list(
                Delivery.objects.filter(campaign=item, status="claimed").values_list(
                    "id", flat=True
                )
            )
            failure["claimed_at_kill"] = len(claimed)
            log(f"{host} killed while sending ({failure['processes']} processes, "
                f"{live[peer]} SMTP connections, {len(claimed)} deliveries claimed)")  # fmt: skip
            time.sleep(DOWN_S)
            hosts.start_worker(host, beat=host == "worker2")
            log(f"{host} restarted")
            break
        time.sleep(0.1)
    else:
        raise RuntimeError("the campaign did not reach a third of its recipients in time")
    while time.monotonic() < deadline:
        item.refresh_from_db()
        if item.status not in (Campaign.Status.QUEUED, Campaign.Status.SENDING):
            break
        time.sleep(0.5)
    elapsed = time.perf_counter() - started
    # Let the sink write the last lines, then read who got what.
    time.sleep(1)
    last_sent = (
        Delivery.objects.filter(id__in=claimed)
        .order_by("-sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )
    recovery = (last_sent.timestamp() - failure["kill_wall"]) if last_sent else 0.0
    by_address, by_peer = received(sink_dir, "abonne")
    status = sink_status(sink_dir)
    killed_peer = ADDRESSES[failure["host"]]
    killed_connections = sum(
        1
        for peer, at in status["aborted_at"]
        if peer == killed_peer and at >= failure["kill_wall"] - 1
    )
    expected = {f"abonne{n}@exemple.fr" for n in range(RECIPIENTS)}
    states = Counter(Delivery.objects.filter(campaign=item).values_list("status", flat=True))
    return {
        "status": item.status,
        "elapsed_s": elapsed,
        "missing_recipients": len(expected - set(by_address)),
        "duplicate_recipients": sum(n - 1 for n in by_address.values() if n > 1),
        "killed_connections": killed_connections,
        "recovery_s": max(0.0, recovery),
        "by_host": {worker_of.get(p, p): n for p, n in by_peer.items()},
        "deliveries": dict(states),
        "failure": {k: v for k, v in failure.items() if k != "kill_wall"},
        "finished": timezone.now().isoformat(),
    }
