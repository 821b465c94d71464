"""Acceptance: with the demo network, staff compose the Infolettre of 28 May 2026
through the composer's pages; the result has the seed's sections and "Au sommaire"
entries, each event with its date, place and registration button, and the footer with
the network's address, the unsubscribe and the web-version links."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from django.urls import reverse

from tisser.publications import demo, services
from tisser.publications.models import Newsletter, Subscription
from tisser.publications.rendering import newsletter_context, render_email

SEED = Path(__file__).resolve().parents[3].parent / "shared" / "seeds" / "001_39c56f19a64757e2.txt"


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


def test_the_expected_table_of_contents_is_the_seeds():
    if not SEED.exists():
        pytest.skip(f"the seed is not at {SEED}")
    assert seed_toc_from_file() == [(label, children) for label, children in demo.SEED_TOC]


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
        form = {k: v for k, v in spec.items() if k not in ("event", "article", "resource")}
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


def toc_of(html: str) -> list:
    toc = html.split('class="toc"', 1)[1].split("</ul>\n", 1)[0]
    entries: list = []
    for item in re.finditer(r"<li[^>]*>\s*<a[^>]*>(.*?)</a>(\s*<ul>(.*?)</ul>)?", toc, re.S):
        children = re.findall(r"<a[^>]*>(.*?)</a>", item.group(3) or "")
        entries.append((unescape(item.group(1)).strip(), [unescape(c).strip() for c in children]))
    return entries


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

    # Every event: its date, its place, its registration button.
    expected_events = {
        "rencontre-des-solidaires-2026": ("jeudi 11 juin 2026", "Bazaar St So, Lille"),
        "journee-economie-de-proximite-albert-2026": ("mercredi 10 juin 2026", "Albert"),
        "fresque-du-handicap-en-emploi-2026": ("mardi 16 juin 2026", "Le Toit Commun, Lens"),
        "ramene-ta-gamelle-tourcoing-2026": ("vendredi 3 juillet 2026", "Tourcoing"),
        "matinale-serious-game-parcours-migrant-2026": ("jeudi 9 juillet 2026", "Lens"),
        "visites-inspirantes-transition-franco-belge-2026": ("dimanche 14 juin 2026", "Templeuve"),
    }
    for slug, (date_label, place) in expected_events.items():
        event = demo_network[slug]
        assert date_label in html and date_label in text, slug
        assert place in unescape(html), slug
        url = event.registration_url
        url = url if url.startswith("http") else "http://127.0.0.1:8000" + url
        assert f'href="{url}"' in html, slug
        assert url in text, slug
    assert "vendredi 19 juin 2026" in html and "Maison Stéphane Hessel, Lille" in unescape(html)
    assert "Je m&#x27;inscris à la matinale" in html or "Je m'inscris à la matinale" in html

    # Sent to a subscriber: the footer with the address, unsubscribe and web version.
    from tisser.directory.services import find_or_create_person

    person, _ = find_or_create_person(email="lecteur@exemple.fr", first_name="Léa")
    services_subscribe(person, newsletter.mailing_list)
    campaign = services.create_campaign(newsletter)
    with django_capture_on_commit_callbacks(execute=True):
        services.start_campaign(campaign)
    message = counting_smtp.messages[0]
    sent_html = message.get_body(("html",)).get_content()
    sent_text = message.get_body(("plain",)).get_content()
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


def test_a_full_event_shows_complet_instead_of_the_button(demo_network):
    from tisser.events.models import Event

    event = demo_network["rencontre-des-solidaires-2026"]
    Event.objects.filter(pk=event.pk).update(taken=150)
    result = demo.load_demo_publications()
    newsletter = result["newsletter"]
    block = next(b for b in newsletter.blocks.all() if b.items and b.items[0].get("id") == event.pk)
    from tisser.publications import sources

    services.update_block(
        block, {"items": sources.event_items([event.pk], start=newsletter.issue_date)}
    )
    html = render_email(newsletter)["html"]
    section = html.split(f'id="{block.anchor}"', 1)[1].split('class="pad divider"', 1)[0]
    assert "Complet" in section
    assert "/agenda/rencontre-des-solidaires-2026/inscription/" not in section


def test_load_demo_publications_is_idempotent(demo_network):
    from django.core.management import call_command

    from tisser.events.models import Event
    from tisser.publications.models import Article, Block, Resource

    call_command("load_demo_publications", verbosity=0)
    counts = (Newsletter.objects.count(), Block.objects.count(), Article.objects.count(),
              Resource.objects.count(), Event.objects.count())  # fmt: skip
    call_command("load_demo_publications", verbosity=0)
    assert counts == (Newsletter.objects.count(), Block.objects.count(), Article.objects.count(),
                      Resource.objects.count(), Event.objects.count())  # fmt: skip
    newsletter = Newsletter.objects.get(slug=demo.NEWSLETTER["slug"])
    assert toc_of(render_email(newsletter)["html"]) == demo.SEED_TOC


def test_with_the_events_demo_loaded_first_nothing_is_duplicated(hauts_de_france, settings):
    """`make run` loads the events demo (dated from today) before this one: its events are
    reused, and the issue's wording follows their real dates."""
    from tisser.directory.demo import build_demo_network
    from tisser.events.demo import load_demo_events
    from tisser.events.models import Event

    build_demo_network(size=0)
    load_demo_events()
    events_before = Event.objects.count()
    newsletter = demo.load_demo_publications()["newsletter"]
    assert Event.objects.count() == events_before
    toc = toc_of(render_email(newsletter)["html"])
    assert [label for label, _children in toc][3] == "Vie de réseau"
    assert len(toc) == 8 and len(toc[3][1]) == 3
    fresque = Event.objects.get(slug="fresque-du-handicap-en-emploi")
    from django.utils import formats, timezone

    day = formats.date_format(timezone.localtime(fresque.sessions.first().starts_at), "j F")
    assert toc[2][0].startswith(f"Fresque du handicap en emploi, le {day} à Lens")
