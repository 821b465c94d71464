"""Parallel connections claiming one campaign's deliveries on PostgreSQL: real threads,
each with its own database connection; no delivery is ever claimed by two of them."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from tisser.publications import services
from tisser.publications.models import Delivery
from tisser.publications.rendering import render_email
from tisser.publications.sending import engine, preparation

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
    preparation.prepare_campaign(campaign.pk, html=parts["html"], text=parts["text"])
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


def test_concurrent_confirmations_start_one_campaign(simple_newsletter, infolettre, make_user):
    """Eight staff browsers post the confirmation at once (six the same key, as a double
    click does, two their own): one campaign, each address written to once."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions are tested on PostgreSQL (DATABASE_URL=postgres://…)")
    from django.core import mail
    from django.test import Client
    from django.urls import reverse

    from tisser.publications.models import Campaign

    make_subscribers(infolettre, 20)
    editor = make_user("equipe@example.org", staff_role="editor")
    url = reverse("publications:campaign_start", args=[simple_newsletter.pk])
    keys = ["double-clic"] * 6 + ["autre-onglet", "collegue"]
    barrier = threading.Barrier(len(keys))
    statuses = []

    def post(key):
        client = Client()
        client.force_login(editor)
        try:
            barrier.wait()
            statuses.append(client.post(url, {"confirmation_key": key}).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * len(keys)
    assert Campaign.objects.count() == 1
    assert Delivery.objects.count() == 20
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        Delivery.objects.values_list("email", flat=True)
    )
