"""The composer beyond the seed: new members from the memberships app, blocks moved and
deleted, the email services' path (django-anymail), pausing and cancelling a campaign."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tisser.directory.models import Organisation
from tisser.publications import services
from tisser.publications.models import Campaign, Delivery
from tisser.publications.rendering import newsletter_context, render_email
from tisser.publications.sending import engine, preparation, sender

from .conftest import make_subscribers


@pytest.fixture(autouse=True)
def one_connection(settings):
    settings.TISSER_NEWSLETTER_CONNECTIONS = 1
    settings.TISSER_NEWSLETTER_MESSAGES_PER_SECOND = 0


def test_new_members_block_lists_the_organisations_that_joined(
    client, role_users, simple_newsletter
):
    from tisser.memberships.models import Membership, MembershipYear

    year = MembershipYear.objects.create(year=2026)
    joined = Organisation.objects.create(name="Les Cabanes Inspirées", slug="les-cabanes-inspirees")
    older = Organisation.objects.create(name="Ancienne Coop", slug="ancienne-coop")
    Membership.objects.create(organisation=joined, year=year, status="validated",
                              validated_at=timezone.now() - dt.timedelta(days=5))  # fmt: skip
    old_year = MembershipYear.objects.create(year=2024)
    Membership.objects.create(organisation=older, year=old_year, status="validated",
                              validated_at=timezone.now() - dt.timedelta(days=600))  # fmt: skip
    client.force_login(role_users["editor"])
    since = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
    response = client.post(
        reverse("publications:block_add", args=[simple_newsletter.pk]),
        {"kind": "members", "title": "Bienvenue aux nouveaux adhérents", "in_toc": "on",
         "members_since": since},
    )  # fmt: skip
    assert response.status_code == 302
    html = render_email(simple_newsletter)["html"]
    assert "Les Cabanes Inspirées" in html and "Ancienne Coop" not in html
    assert "/acteurs/les-cabanes-inspirees/" in html


def test_block_form_explains_what_is_missing_and_keeps_the_text(
    client, role_users, simple_newsletter
):
    client.force_login(role_users["editor"])
    response = client.post(
        reverse("publications:block_add", args=[simple_newsletter.pk]),
        {"kind": "event", "title": "Mon événement", "body": "Texte gardé"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choisissez au moins un événement" in page and "Texte gardé" in page
    response = client.post(
        reverse("publications:block_add", args=[simple_newsletter.pk]),
        {"kind": "text", "title": "Hello", "body": "{{ contact.TAILLE }}"},
    )
    assert "Balises de personnalisation inconnues" in response.content.decode()


def test_blocks_move_and_delete(client, role_users, simple_newsletter):
    second = services.add_block(simple_newsletter, {"kind": "text", "title": "Deuxième"})
    client.force_login(role_users["editor"])
    client.post(reverse("publications:block_move", args=[second.pk]), {"direction": "up"})
    titles = [e["label"] for e in newsletter_context(simple_newsletter)["toc"]]
    assert titles[0] == "Deuxième"
    client.post(reverse("publications:block_delete", args=[second.pk]))
    assert simple_newsletter.blocks.count() == 1


def test_an_email_service_backend_gets_one_message_per_recipient_with_the_headers(
    settings, simple_newsletter, infolettre, django_capture_on_commit_callbacks
):
    from django.core import mail

    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    people = make_subscribers(infolettre, 3)
    campaign = services.create_campaign(simple_newsletter)
    with django_capture_on_commit_callbacks(execute=True):
        services.start_campaign(campaign)
    assert {m.to[0] for m in mail.outbox} == {p.email for p in people}
    message = mail.outbox[0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["Message-ID"].startswith("<tisser.")
    assert "text/html" in [alt[1] for alt in message.alternatives]
    assert Delivery.objects.filter(campaign=campaign, status="sent").count() == 3


def test_pause_then_cancel_sends_nothing_more(simple_newsletter, infolettre, counting_smtp):
    make_subscribers(infolettre, 4)
    campaign = services.create_campaign(simple_newsletter)
    parts = render_email(simple_newsletter)
    preparation.prepare_campaign(campaign.pk, html=parts["html"], text=parts["text"])
    services.pause_campaign(campaign)
    assert engine.send_for(campaign.pk) == engine.Outcome.STOPPED
    services.cancel_campaign(campaign)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CANCELLED
    assert counting_smtp.total() == 0
    assert Delivery.objects.filter(campaign=campaign, status="skipped").count() == 4


def test_a_campaign_cannot_be_started_twice(
    simple_newsletter, infolettre, django_capture_on_commit_callbacks
):
    from django.core.exceptions import ValidationError

    campaign = services.create_campaign(simple_newsletter)
    with django_capture_on_commit_callbacks(execute=True):
        services.start_campaign(campaign)
    with pytest.raises(ValidationError):
        services.start_campaign(campaign)


def test_throttle_spaces_the_messages():
    """Five messages at 200/s: the fifth may not leave before four intervals have passed."""
    import time

    throttle = sender.Throttle(200)
    started = time.monotonic()
    for _ in range(5):
        throttle.wait()
    assert time.monotonic() - started >= 4 / 200
    assert sender.Throttle(0).interval == 0  # 0: no limit


def test_started_campaign_is_prepared_by_the_worker_and_shows_it(
    client, role_users, simple_newsletter, infolettre, counting_smtp
):
    """Starting only renders and queues: the recipients are prepared by the task."""
    make_subscribers(infolettre, 2)
    campaign = services.create_campaign(simple_newsletter)
    services.start_campaign(campaign)  # the task is queued after commit: not run here
    assert campaign.status == Campaign.Status.QUEUED and not campaign.deliveries.exists()
    client.force_login(role_users["editor"])
    page = client.get(
        reverse("publications:campaign_progress", args=[campaign.pk])
    ).content.decode()
    assert "Préparation des destinataires" in page and 'hx-trigger="every 1s"' in page
    from tisser.publications.tasks import prepare_and_send

    prepare_and_send(campaign.pk)  # what the worker does (tasks are eager in the tests)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT and counting_smtp.total() == 2
