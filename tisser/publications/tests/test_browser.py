"""In a real browser (Playwright + Debian Chromium): staff compose a newsletter from
agenda events, preview it (desktop and phone), send a test, send the campaign and watch
its progress; a subscriber unsubscribes in one click from the link of their email."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tisser.publications import demo
from tisser.publications.models import Campaign, Subscription

from .conftest import make_subscribers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "motdepasse-solide-42"
TIMEOUT = 15_000


def test_compose_preview_test_send_campaign_and_unsubscribe(
    browser, live_server, settings, hauts_de_france, make_user, counting_smtp
):
    settings.SITE_URL = live_server.url
    settings.TISSER_NEWSLETTER_CONNECTIONS = 1
    settings.TISSER_NEWSLETTER_MESSAGES_PER_SECOND = 0
    events = demo.ensure_events()
    demo.ensure_content()
    from tisser.publications.models import MailingList

    infolettre = MailingList.objects.get(slug="infolettre")
    people = make_subscribers(infolettre, 3)
    make_user("redaction@example.org", staff_role="editor")

    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    try:
        page.goto(live_server.url + reverse("publications:staff_home"))
        page.fill("#id_username", "redaction@example.org")
        page.fill("#id_password", PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url("**/gestion/publications/")

        page.get_by_role("link", name="Nouvelle infolettre").first.click()
        page.select_option("#id_mailing_list", str(infolettre.pk))
        page.fill("#id_title", "Infolettre de juin")
        page.fill("#id_subject", "Ce mois de juin sera solidaire !")
        page.fill("#id_issue_date", "2026-05-28")
        page.fill("#id_toc_title", "Au sommaire de cette Infolettre :")
        page.get_by_role("button", name="Créer et composer").click()
        page.wait_for_url("**/gestion/publications/infolettres/*/")

        # A block pulled from the agenda: the Fresque, two dates in two towns.
        page.select_option("#id_kind", "event")
        page.select_option("#id_events", str(events["fresque-du-handicap-en-emploi-2026"].pk))
        page.fill("#id_title", "Fresque du handicap en emploi")
        page.fill("#id_cta_label", "Je m'inscris à la Fresque")
        page.get_by_role("button", name="Ajouter le bloc").click()
        page.wait_for_selector("text=Le bloc est enregistré.")
        toc = page.locator(".toc-preview").inner_text()
        assert "Fresque du handicap en emploi, le 16 juin à Lens et le 19 juin à Lille" in toc

        page.get_by_role("link", name="Aperçu et test").click()
        desktop = page.frame_locator("iframe[title='Aperçu sur ordinateur']")
        phone = page.frame_locator("iframe[title='Aperçu sur téléphone']")
        assert "Je m'inscris à la Fresque" in desktop.locator("body").inner_text()
        assert "mardi 16 juin 2026" in phone.locator("body").inner_text()
        page.fill("#id_addresses", "relecture@exemple.fr, equipe@exemple.fr")
        page.get_by_role("button", name="Envoyer un test").click()
        page.wait_for_selector("text=Test envoyé à 2 adresses.")
        tests = [m for m in counting_smtp.messages if str(m["Subject"]).startswith("[TEST]")]
        assert {m["To"] for m in tests} == {"relecture@exemple.fr", "equipe@exemple.fr"}

        page.get_by_role("link", name="Retour à la composition").click()
        page.get_by_role("link", name="Envoyer la campagne").click()
        # The confirmation: list, count, sender and subject; nothing sent yet.
        page.wait_for_url("**/gestion/publications/infolettres/*/envoyer/")
        assert page.locator(".send-recipients").inner_text() == "3"
        assert page.locator(".send-subject").inner_text() == "Ce mois de juin sera solidaire !"
        assert page.locator(".send-sender").inner_text()
        assert counting_smtp.total() == len(tests) and not Campaign.objects.exists()
        confirm = page.get_by_role("button", name="Envoyer à 3 destinataires")
        # An impatient double click posts the confirmation twice.
        confirm.dblclick()
        page.wait_for_url("**/gestion/publications/campagnes/*/")
        page.wait_for_selector(".campaign-status:text('Envoyée')")
        assert page.locator(".stat-sent").inner_text() == "3"
        # The back button, then the same confirmation sent again: nothing more.
        page.go_back()
        page.wait_for_url("**/envoyer/")
        if page.get_by_role("button", name="Envoyer à 3 destinataires").count():
            page.get_by_role("button", name="Envoyer à 3 destinataires").click()
            page.wait_for_selector("text=rien de plus n’a été envoyé")
        else:  # the browser fetched the page again: nobody is left to send it to
            assert page.get_by_text("Il ne reste personne").count() == 1
        campaign = Campaign.objects.get()
        assert campaign.status == Campaign.Status.SENT
        received = [m for m in counting_smtp.messages if m not in tests]
        assert len(received) == 3
        assert {m["To"].addresses[0].addr_spec for m in received} == {p.email for p in people}
        page.goto(live_server.url + reverse("publications:campaign", args=[campaign.pk]))

        # The subscriber's side: the link of the email, one button.
        message = next(m for m in received if people[0].email in str(m["To"]))
        link = str(message["List-Unsubscribe"]).strip("<>")
        reader = context.new_page()
        reader.goto(link)
        reader.get_by_role("button", name="Se désabonner").click()
        reader.wait_for_selector("text=Plus aucun message de cette liste ne lui sera envoyé.")
        assert (
            Subscription.objects.get(person=people[0], mailing_list=infolettre).status
            == Subscription.Status.UNSUBSCRIBED
        )
        page.reload()
        assert page.locator(".stat-unsubscribed").inner_text() == "1"
    finally:
        context.close()
