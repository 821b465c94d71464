"""Acceptance of the demo's story: the Infolettre of June 2025 and the one of 28 May 2026
are sent issues, at their dates; each one's web version, and the email a new reader
receives at a real SMTP server, carry every entry of its "Au sommaire" with the dates and
places the seed prints, and what the agenda said of each event on that day (the Journée
Démocratie alimentaire "Complet", every event of May 2026 still open)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from tisser.publications.demo import june_2025, may_2026
from tisser.publications.models import Campaign, Newsletter, SentIssue, Subscription

from .sommaire import flat, html_block, missing_facts, seed_file, toc_of

pytestmark = pytest.mark.django_db

SEEDS = {
    june_2025: "000_deb03822dc1176de.txt",
    may_2026: "001_39c56f19a64757e2.txt",
}


def test_the_facts_checked_are_the_seeds_words():
    for issue, name in SEEDS.items():
        path = seed_file(name)
        if path is None:
            pytest.skip("the seeds (shared/seeds/) are not beside this checkout")
        seed = flat(path.read_text(encoding="utf-8"))
        for label, fragments in issue.SEED_FACTS.items():
            for fragment in fragments:
                assert flat(fragment) in seed, (name, label, fragment)


def load_the_demo():
    from tisser.directory.demo import build_demo_network

    build_demo_network(size=40, seed=1)
    for command in (
        "load_demo_memberships",
        "load_demo_events",
        "load_demo_governance",
        "load_demo_publications",
    ):
        call_command(command, stdout=StringIO())


def test_both_newsletters_as_sent_carry_every_entry_of_their_sommaire(
    client, settings, role_users, hauts_de_france, counting_smtp, django_capture_on_commit_callbacks
):
    settings.TISSER_NEWSLETTER_CONNECTIONS = 1  # threads would not see the test transaction
    settings.TISSER_NEWSLETTER_MESSAGES_PER_SECOND = 0
    load_the_demo()
    client.force_login(role_users["editor"])
    from tisser.directory.contacts.services import find_or_create_person
    from tisser.publications.services_subscribers import subscribe_by_staff

    for issue in (june_2025, may_2026):
        newsletter = Newsletter.objects.get(slug=issue.NEWSLETTER["slug"])
        sent = SentIssue.objects.get(newsletter=newsletter)
        campaign = Campaign.objects.get(newsletter=newsletter)
        assert sent.sent_at.date() == issue.SENT_AT[0]
        assert campaign.status == "sent" and campaign.total > 0
        assert newsletter.status == "published"

        # The web version: the seed's sommaire, every entry with its dates and places.
        web = client.get(reverse("publications:newsletter_web", args=[newsletter.slug]))
        html = web.content.decode()
        assert web.status_code == 200 and html == sent.web_html
        expected = issue.SOMMAIRE if issue is june_2025 else issue.SEED_TOC
        assert toc_of(html) == [(label, children) for label, children in expected]
        assert (
            missing_facts(newsletter, html, sent.text, issue.SEED_FACTS, issue.AGENDA_DATES) == []
        )
        pulled = {
            item["url"].rstrip("/").rsplit("/", 1)[-1]
            for block in newsletter.blocks.filter(kind="event")
            for item in block.items
        }
        assert pulled == set(issue.AGENDA_DATES)

        # A new reader gets it: the email received says the same, entry by entry.
        email = f"nouvelle.lectrice.{issue.NEWSLETTER['issue_date'].year}@exemple.fr"
        person, _created = find_or_create_person(email=email, first_name="Nina")
        subscribe_by_staff(person, newsletter.mailing_list, wording="J'accepte.", method="paper")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("publications:campaign_start", args=[newsletter.pk]),
                {"confirmation_key": f"nouvelle-lectrice-{newsletter.pk}"},
            )
        assert response.status_code == 302
        assert len(counting_smtp.by_recipient[email]) == 1
        message = next(m for m in counting_smtp.messages if email in str(m["To"]))
        received_html = message.get_body(("html",)).get_content()
        received_text = message.get_body(("plain",)).get_content()
        assert toc_of(received_html) == [(label, children) for label, children in expected]
        assert (
            missing_facts(
                newsletter, received_html, received_text, issue.SEED_FACTS, issue.AGENDA_DATES
            )
            == []
        )
        assert f"Ce message a été envoyé à {email}" in received_text

    # June 2025: the Journée Démocratie alimentaire was full, the parcours still open.
    june = Newsletter.objects.get(slug=june_2025.NEWSLETTER["slug"])
    html = SentIssue.objects.get(newsletter=june).web_html
    blocks = {
        b.items[0]["url"].rstrip("/").rsplit("/", 1)[-1]: b
        for b in june.blocks.filter(kind="event")
    }
    assert "Complet" in html_block(html, blocks["journee-democratie-alimentaire-2025"])
    assert "Complet" not in html_block(
        html, blocks["parcours-amelioration-continue-des-pratiques-2025"]
    )
    # May 2026: every event still had places; the kit is linked from the Rencontre.
    may = Newsletter.objects.get(slug=may_2026.NEWSLETTER["slug"])
    html = SentIssue.objects.get(newsletter=may).web_html
    assert "Complet" not in html
    assert "/ressources/kit-de-communication-rencontre-des-solidaires-2026/" in html
    kit = client.get("/ressources/kit-de-communication-rencontre-des-solidaires-2026/")
    assert kit.status_code == 200


def test_the_demo_readers_are_a_few_hundred_with_their_consents(hauts_de_france):
    load_the_demo()
    readers = Subscription.objects.filter(mailing_list__slug="infolettre")
    active = readers.filter(status="active")
    assert 250 <= active.count() <= 400
    assert not active.filter(consent__isnull=True).exists()
    assert not active.exclude(consent__purpose="newsletter").exists()
    assert readers.filter(status="unsubscribed").exists()
    june = Campaign.objects.get(newsletter__slug=june_2025.NEWSLETTER["slug"])
    may = Campaign.objects.get(newsletter__slug=may_2026.NEWSLETTER["slug"])
    # Readers came over time: fewer received the June 2025 issue than the May 2026 one.
    assert 0 < june.total < may.total <= active.count() + readers.exclude(status="active").count()


def test_running_the_whole_demo_twice_changes_nothing(hauts_de_france):
    """What `make run` loads, loaded again: every table holds the same rows."""
    from django.apps import apps

    def tables():
        return {
            model._meta.label: model.objects.count()
            for model in apps.get_models()
            if model._meta.app_label.startswith(
                ("directory", "memberships", "events", "governance", "publications")
            )
        }

    load_the_demo()
    first = tables()
    texts = sorted(SentIssue.objects.values_list("newsletter__slug", "sent_at", "html", "text"))
    load_the_demo()
    assert tables() == first
    assert (
        sorted(SentIssue.objects.values_list("newsletter__slug", "sent_at", "html", "text"))
        == texts
    )
