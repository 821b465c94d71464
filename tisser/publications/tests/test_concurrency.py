"""Parallel connections claiming one campaign's deliveries on PostgreSQL: real threads,
each with its own database connection; no delivery is ever claimed by two of them."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from tisser.publications import services
from tisser.publications.models import Delivery
from tisser.publications.rendering import render_email
from tisser.publications.sending import engine

from .conftest import make_subscribers

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_claims_never_overlap(simple_newsletter, infolettre):
    if connection.vendor != "postgresql":
        pytest.skip(
            "SELECT … FOR UPDATE SKIP LOCKED is PostgreSQL's; run with DATABASE_URL=postgres://…"
        )
    make_subscribers(infolettre, 600)
    campaign = services.create_campaign(simple_newsletter)
    parts = render_email(simple_newsletter)
    engine.prepare_campaign(campaign.pk, html=parts["html"], text=parts["text"])
    claimed: dict[str, list[int]] = {}
    barrier = threading.Barrier(8)

    def worker(token):
        mine = []
        try:
            barrier.wait()
            while batch := engine.claim(campaign.pk, token, 7):
                mine.extend(d.id for d in batch)
        finally:
            claimed[token] = mine
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(f"t{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [i for ids in claimed.values() for i in ids]
    assert len(every) == len(set(every)) == 600
    assert sum(1 for ids in claimed.values() if ids) > 1  # they really ran side by side
    assert Delivery.objects.filter(campaign=campaign, status="claimed").count() == 600
