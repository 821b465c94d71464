"""A visitor in a real browser (Playwright + Debian Chromium): finds the Rencontre in the
agenda, registers choosing a workshop, receives the confirmation at a real SMTP server on
loopback, cancels through its link, and the first person waiting is promoted."""

import re

import pytest

from tisser.events.models import Registration, Session, Workshop
from tisser.events.registration import services
from tisser.events.registration.rules import Choices, Registrant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TIMEOUT = 15_000


def test_find_register_cancel_and_promotion(browser, live_server, settings, smtp_server, rencontre):
    settings.SITE_URL = live_server.url
    Session.objects.filter(event=rencontre).update(capacity=2)
    rencontre.questions.create(
        text="Régime alimentaire", kind="choice", choices="Aucun\nVégétarien", required=True
    )
    financer = Workshop.objects.get(title="Financer")
    services.register(
        rencontre,
        Registrant(email="premier@example.org"),
        choices=Choices(workshops=[financer], answers={rencontre.questions.get().pk: "Aucun"}),
    )
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    try:
        page.goto(f"{live_server.url}/agenda/")
        page.select_option("#id_kind", "rencontre")
        page.click("form.agenda-filters button[type=submit]")
        page.click("text=Rencontre des Solidaires")
        assert "1 place restante" in page.content()
        page.click("a.button:has-text('S’inscrire'), a.button:has-text(\"S'inscrire\")")
        page.fill("#id_first_name", "Léa")
        page.fill("#id_last_name", "Martin")
        page.fill("#id_email", "lea@example.org")
        page.fill("#id_organisation", "Coop Test")
        page.check("label:has-text('Essaimer')")
        page.click("button.primary")
        # The required question was left out: an error, and what was typed is kept.
        assert page.input_value("#id_first_name") == "Léa"
        assert page.is_checked("label:has-text('Essaimer')")
        assert "demande une réponse" in page.content() or "obligatoire" in page.content()
        page.select_option("[name^=question_]", "Végétarien")
        page.click("button.primary")
        page.wait_for_selector(".registration-status")
        assert page.inner_text(".registration-status") == "Confirmée"
        assert "Essaimer" in page.content()

        # The full event now takes a waiting list.
        waiting = services.register(
            rencontre,
            Registrant(email="attente@example.org", first_name="Alex"),
            choices=Choices(workshops=[financer], answers={rencontre.questions.get().pk: "Aucun"}),
        )
        assert waiting.status == Registration.Status.WAITLISTED

        [confirmation] = [m for m in smtp_server.messages if m["To"] == "lea@example.org"]
        assert "confirmée" in confirmation["Subject"]
        text = confirmation.get_body(("plain",)).get_content()
        assert "Essaimer" in text
        link = re.search(r"(http://\S+/agenda/inscription/\S+/)", text).group(1)
        assert {p.get_filename() for p in confirmation.iter_attachments()} == {
            "evenement.ics",
            "billet-qr.png",
        }
        page.goto(link)
        page.click("button[value=cancel]")
        page.wait_for_selector("text=Votre inscription est annulée.")
        assert page.inner_text(".registration-status") == "Annulée"

        waiting.refresh_from_db()
        assert waiting.status == Registration.Status.CONFIRMED
        promoted = [m for m in smtp_server.messages if m["To"] == "attente@example.org"]
        assert "liste d'attente" in promoted[0]["Subject"]
        assert "place" in promoted[-1]["Subject"] and "libérée" in promoted[-1]["Subject"]
    finally:
        context.close()
