"""A sent issue stays as its recipients received it: moving an event it announced, the
list's footer or the network's address changing afterwards, changes nothing of its web
version or of a later send; its blocks can no longer be edited. An issue not sent yet
shows the agenda as it is."""

from __future__ import annotations

import datetime as dt
from html import unescape

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation

from tisser.events.models import Event, EventKind
from tisser.events.tests.test_staff_editing import management
from tisser.publications import services_subscribers
from tisser.publications.models import Block, Campaign, MailingList, Newsletter, SentIssue

pytestmark = pytest.mark.django_db


def event_form(kind, day: dt.date, commune: str, venue: str, session_id=None) -> dict:
    """The staff's event form with one session on `day`, 10:00-13:00."""
    data = {
        "title": "Fresque du handicap en emploi",
        "slug": "fresque-figee",
        "kind": str(kind.pk),
        "status": "published",
        "venue_name": venue,
        "commune": commune,
        "registration_mode": "session",
        "waitlist_enabled": "on",
        "price_member": "0",
        "price_non_member": "0",
        "reminder_days": "2",
        **management("sessions", 1, initial=1 if session_id else 0),
        "sessions-0-starts_at": f"{day.isoformat()}T10:00",
        "sessions-0-ends_at": f"{day.isoformat()}T13:00",
        "sessions-0-capacity": "20",
        **management("programme", 0),
        **management("questions", 0),
    }
    if session_id:
        data["sessions-0-id"] = str(session_id)
        data["sessions-0-event"] = ""
    return data


def label(day: dt.date) -> str:
    with translation.override("fr"):
        return formats.date_format(day, "l j F Y")


def compose(client, infolettre, event, title) -> Newsletter:
    response = client.post(
        reverse("publications:newsletter_create"),
        {
            "mailing_list": infolettre.pk,
            "title": title,
            "subject": title,
            "issue_date": timezone.localdate().isoformat(),
            "toc_title": "Au sommaire :",
        },
    )
    assert response.status_code == 302
    newsletter = Newsletter.objects.get(title=title)
    response = client.post(
        reverse("publications:block_add", args=[newsletter.pk]),
        {
            "kind": "event",
            "events": [str(event.pk)],
            "title": "Fresque du handicap en emploi",
            "cta_label": "Je m'inscris à la Fresque",
            "in_toc": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    return newsletter


def send(client, newsletter, key, capture):
    with capture(execute=True):
        response = client.post(
            reverse("publications:campaign_start", args=[newsletter.pk]),
            {"confirmation_key": key},
        )
    assert response.status_code == 302
    return Campaign.objects.get(confirmation_key=key)


def subscribe(email, infolettre):
    from tisser.directory.contacts.services import find_or_create_person

    person, _created = find_or_create_person(email=email, first_name="Léa")
    services_subscribers.subscribe_by_staff(
        person, infolettre, wording="J'accepte de recevoir l'Infolettre.", method="paper"
    )


def test_moving_an_event_does_not_change_the_web_version_of_an_issue_that_announced_it(
    client, settings, role_users, hauts_de_france, counting_smtp, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "http://testserver"
    settings.TISSER_NEWSLETTER_CONNECTIONS = 1
    settings.TISSER_NEWSLETTER_MESSAGES_PER_SECOND = 0
    client.force_login(role_users["editor"])
    kind = EventKind.objects.create(name="Fresque", slug="fresque")
    first_day = timezone.localdate() + dt.timedelta(days=40)
    moved_day = first_day + dt.timedelta(days=23)
    response = client.post(
        reverse("events:staff_event_new"),
        event_form(kind, first_day, "Lille", "Maison Stéphane Hessel"),
    )
    assert response.status_code == 302
    event = Event.objects.get(slug="fresque-figee")
    infolettre = MailingList.objects.create(
        name="Infolettre",
        slug="infolettre",
        consent_wording="J'accepte de recevoir l'Infolettre.",
        footer_note="L'adresse email est abonnée à l'Infolettre.",
    )
    subscribe("lea@exemple.fr", infolettre)
    newsletter = compose(client, infolettre, event, "Infolettre de juin")
    send(client, newsletter, "premier-envoi", django_capture_on_commit_callbacks)

    received = counting_smtp.messages[0].get_body(("plain",)).get_content()
    assert label(first_day) in received and "Maison Stéphane Hessel, Lille" in received
    web = reverse("publications:newsletter_web", args=[newsletter.slug])
    before = client.get(web).content.decode()
    assert label(first_day) in before and "Maison Stéphane Hessel, Lille" in unescape(before)
    sent = SentIssue.objects.get(newsletter=newsletter)
    assert sent.text.count(label(first_day)) == 1

    # Staff move the event: another day, another town.
    session = event.sessions.get()
    response = client.post(
        reverse("events:staff_event_edit", args=[event.pk]),
        event_form(kind, moved_day, "Lens", "Le Toit Commun", session_id=session.pk),
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert timezone.localtime(session.starts_at).date() == moved_day
    # …and the list's footer and the network's address change too.
    infolettre.footer_note = "Vous êtes inscrit·e à la lettre du réseau."
    infolettre.save()
    settings.TISSER_NETWORK_ADDRESS = "1 place du Nouveau Siège, 62300 Lens"

    after = client.get(web).content.decode()
    assert after == before
    assert label(moved_day) not in after and "Le Toit Commun" not in after

    # Refreshing the block to take the new date is refused, with the reason.
    block = newsletter.blocks.get()
    response = client.post(
        reverse("publications:block_edit", args=[block.pk]),
        {"kind": "event", "events": [str(event.pk)], "title": "Fresque", "in_toc": "on"},
    )
    assert response.status_code == 200
    assert "stays as its recipients received it" in response.content.decode() or (
        "tel que ses destinataires l’ont reçu" in response.content.decode()
    )
    assert Block.objects.get(pk=block.pk).title == "Fresque du handicap en emploi"
    composer = client.get(reverse("publications:composer", args=[newsletter.pk])).content.decode()
    assert sent.sent_at.strftime("%Y") in composer  # "Sent on …"
    assert reverse("publications:block_add", args=[newsletter.pk]) not in composer
    assert reverse("publications:block_edit", args=[block.pk]) not in composer

    # A later send to a new subscriber carries the issue as it was first sent.
    subscribe("tom@exemple.fr", infolettre)
    send(client, newsletter, "second-envoi", django_capture_on_commit_callbacks)
    late = counting_smtp.by_recipient["tom@exemple.fr"]
    assert len(late) == 1
    message = next(m for m in counting_smtp.messages if "tom@exemple.fr" in str(m["To"]))
    text = message.get_body(("plain",)).get_content()
    assert label(first_day) in text and label(moved_day) not in text
    assert "235 boulevard Paul Painlevé" in text and "Nouveau Siège" not in text
    assert client.get(web).content.decode() == before

    # An issue composed now, not sent, shows the agenda as it is.
    fresh = compose(client, infolettre, event, "Infolettre de juillet")
    preview = client.get(reverse("publications:preview_frame", args=[fresh.pk]))
    page = unescape(preview.content.decode())
    assert label(moved_day) in page and "Le Toit Commun, Lens" in page
    assert "Nouveau Siège" in page


def test_an_issue_not_sent_stays_editable(client, role_users):
    infolettre = MailingList.objects.create(
        name="Infolettre", slug="infolettre", consent_wording="J'accepte."
    )
    client.force_login(role_users["editor"])
    newsletter = Newsletter.objects.create(
        mailing_list=infolettre, title="Brouillon", slug="brouillon", subject="Brouillon"
    )
    response = client.post(
        reverse("publications:block_add", args=[newsletter.pk]),
        {"kind": "text", "title": "Bienvenue", "body": "<p>Bonjour</p>", "in_toc": "on"},
    )
    assert response.status_code == 302
    assert newsletter.blocks.get().title == "Bienvenue"
    assert not SentIssue.objects.filter(newsletter=newsletter).exists()
