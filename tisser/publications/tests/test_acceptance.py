"""Acceptance: with the demo network, staff compose the Infolettre of 28 May 2026
through the composer's pages; the result has the seed's sections and "Au sommaire"
entries, each with the date and place the seed prints for it, each event with its date,
place and registration button, and the footer with the network's address, the
unsubscribe and the web-version links — in the email received and in the web version."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from tisser.publications import demo, services
from tisser.publications.demo import may_2026
from tisser.publications.models import Newsletter, Subscription
from tisser.publications.rendering import newsletter_context, render_email

from .sommaire import flat, missing_facts, seed_file, toc_of

SEED = seed_file("001_39c56f19a64757e2.txt")


@pytest.fixture
def demo_network(hauts_de_france, settings):
    from tisser.directory.demo import build_demo_network

    settings.TISSER_NEWSLETTER_CONNECTIONS = 1
    settings.TISSER_NEWSLETTER_MESSAGES_PER_SECOND = 0
    build_demo_network(size=0)
    events = demo.ensure_events()
    demo.ensure_content()
    return events


def seed_toc_from_file() -> list:
    """The "Au sommaire" bullets of the seed file: [(entry, [sub-entries])]."""
    text = SEED.read_text(encoding="utf-8")
    block = text.split("Au sommaire de cette Infolettre du 28 mai 2026 :", 1)[1]
    block = block.split("\n\n", 2)[1]
    entries: list = []
    for line in block.splitlines():
        if line.startswith("- "):
            entries.append((line[2:].strip(), []))
        elif line.startswith(" - "):
            entries[-1][1].append(line[3:].strip())
    return entries


def test_the_expected_table_of_contents_and_facts_are_the_seeds():
    if SEED is None:
        pytest.skip("the seeds (shared/seeds/) are not beside this checkout")
    assert seed_toc_from_file() == [(label, children) for label, children in demo.SEED_TOC]
    seed = flat(SEED.read_text(encoding="utf-8"))
    for label, fragments in may_2026.SEED_FACTS.items():
        for fragment in fragments:
            assert flat(fragment) in seed, (label, fragment)


def compose_through_the_staff_pages(client, events) -> Newsletter:
    from tisser.publications.models import Article, MailingList, Resource

    infolettre = MailingList.objects.get(slug="infolettre")
    data = dict(demo.NEWSLETTER)
    data.pop("slug")
    response = client.post(
        reverse("publications:newsletter_create"),
        {**data, "mailing_list": infolettre.pk, "issue_date": "2026-05-28"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    newsletter = Newsletter.objects.get(title=data["title"])
    for spec in demo.infolettre_blocks("http://127.0.0.1:8000"):
        form = {k: v for k, v in spec.items() if k not in demo.PULLED}
        form.setdefault("in_toc", True)
        if not form["in_toc"]:
            form.pop("in_toc")  # an unticked checkbox is not sent
        if "event" in spec:
            form["events"] = [str(events[spec["event"]].pk)]
        if "article" in spec:
            form["articles"] = [Article.objects.get(slug=spec["article"]).pk]
        if "resource" in spec:
            form["resources"] = [Resource.objects.get(slug=spec["resource"]).pk]
        response = client.post(reverse("publications:block_add", args=[newsletter.pk]), form)
        assert response.status_code == 302, response.context["form"].errors
    return newsletter


def test_staff_compose_the_infolettre_of_28_may_2026_as_the_seed(
    client, role_users, demo_network, counting_smtp, django_capture_on_commit_callbacks
):
    client.force_login(role_users["editor"])
    newsletter = compose_through_the_staff_pages(client, demo_network)
    parts = render_email(newsletter)
    html, text = parts["html"], parts["text"]

    # The same "Au sommaire" entries, with anchors to their blocks, and the same section.
    assert toc_of(html) == demo.SEED_TOC
    context = newsletter_context(newsletter)
    for entry in context["toc"]:
        assert f'id="{entry["anchor"]}"' in html
    assert [s["name"] for s in context["sections"] if s["name"]] == ["Vie de réseau"]
    assert "Au sommaire de cette Infolettre du 28 mai 2026 :" in html
    assert "- Fresque du handicap en emploi, le 16 juin à Lens et le 19 juin à Lille" in text

    # Every entry of the sommaire: the dates and places the seed prints for it, and the
    # event's date, place and registration button from the agenda.
    assert missing_facts(newsletter, html, text, may_2026.SEED_FACTS, may_2026.AGENDA_DATES) == []
    for slug in may_2026.AGENDA_DATES:
        event = demo_network[slug]
        url = event.registration_url
        url = url if url.startswith("http") else "http://127.0.0.1:8000" + url
        assert f'href="{url}"' in html, slug
        assert url in text, slug
    assert "Je m&#x27;inscris à la matinale" in html or "Je m'inscris à la matinale" in html

    # Sent to a subscriber: the footer with the address, unsubscribe and web version.
    from tisser.directory.contacts.services import find_or_create_person

    person, _ = find_or_create_person(email="lecteur@exemple.fr", first_name="Léa")
    services_subscribe(person, newsletter.mailing_list)
    campaign = services.create_campaign(newsletter)
    with django_capture_on_commit_callbacks(execute=True):
        services.start_campaign(campaign)
    message = counting_smtp.messages[0]
    sent_html = message.get_body(("html",)).get_content()
    sent_text = message.get_body(("plain",)).get_content()
    # The email received says the same, entry by entry.
    assert (
        missing_facts(newsletter, sent_html, sent_text, may_2026.SEED_FACTS, may_2026.AGENDA_DATES)
        == []
    )
    for body in (unescape(sent_html), sent_text):
        assert "Acteurs pour une Économie Solidaire en Hauts-de-France" in body
        assert "Maison de l'Économie Sociale et Solidaire" in body
        assert "235 boulevard Paul Painlevé, 59000 Lille" in body
        assert "Ce message a été envoyé à lecteur@exemple.fr" in body
        assert "L'adresse email est abonnée à l'Infolettre de l'APES." in body
    unsubscribe = re.search(r'href="([^"]+/desabonnement/[^"]+)"[^>]*>Se désabonner<', sent_html)
    web = re.search(r'href="([^"]+)"[^>]*>Consulter dans un navigateur<', sent_html)
    assert unsubscribe and web
    assert str(message["List-Unsubscribe"]).strip("<>") == unescape(unsubscribe.group(1))
    client.logout()
    page = client.get(unescape(web.group(1)).replace("http://127.0.0.1:8000", ""))
    assert page.status_code == 200 and "Rencontre des Solidaires" in page.content.decode()
    response = client.post(unescape(unsubscribe.group(1)).replace("http://127.0.0.1:8000", ""))
    assert response.status_code == 200
    assert Subscription.objects.get(person=person).status == Subscription.Status.UNSUBSCRIBED


def services_subscribe(person, mailing_list):
    from tisser.directory.models import Consent
    from tisser.publications.services_subscribers import subscribe_by_staff

    subscribe_by_staff(
        person, mailing_list, wording=mailing_list.consent_wording, method=Consent.Method.PAPER
    )


def test_a_full_event_shows_complet_instead_of_the_button(client, role_users, demo_network):
    from tisser.events.models import Event

    event = demo_network["rencontre-des-solidaires-2026"]
    Event.objects.filter(pk=event.pk).update(max_participants=150, taken=150)
    client.force_login(role_users["editor"])
    newsletter = compose_through_the_staff_pages(client, demo_network)
    block = next(b for b in newsletter.blocks.all() if b.items and b.items[0].get("id") == event.pk)
    html = render_email(newsletter)["html"]
    section = html.split(f'id="{block.anchor}"', 1)[1].split('class="pad divider"', 1)[0]
    assert "Complet" in section
    assert "/agenda/rencontre-des-solidaires-2026/inscription/" not in section


def test_load_demo_publications_is_idempotent(demo_network):
    from django.core.management import call_command

    from tisser.events.models import Event
    from tisser.publications.models import Article, Block, Campaign, Delivery, Resource, SentIssue

    call_command("load_demo_publications", verbosity=0)

    def counts():
        return (
            Newsletter.objects.count(), Block.objects.count(), Article.objects.count(),
            Resource.objects.count(), Event.objects.count(), Subscription.objects.count(),
            Campaign.objects.count(), Delivery.objects.count(),
            sorted(SentIssue.objects.values_list("newsletter__slug", "sent_at", "text")),
        )  # fmt: skip

    before = counts()
    call_command("load_demo_publications", verbosity=0)
    assert counts() == before
    newsletter = Newsletter.objects.get(slug=demo.NEWSLETTER["slug"])
    assert toc_of(render_email(newsletter)["html"]) == demo.SEED_TOC
