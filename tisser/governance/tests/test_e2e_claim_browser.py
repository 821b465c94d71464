"""Representation is granted, never claimed — in a real browser (Playwright + Debian
Chromium), with the emails read from a real SMTP server on loopback.

A stranger names a member organisation in the public membership form and makes an
account: no right, no vote, the pages say the request waits. Staff see the request and
its evidence; the organisation's representative (who reads Tisser in English) confirms
it from the link in her email; only then the claimant votes for the organisation.
"""

import re

import pytest
from django.core.cache import cache

from tisser.directory.models import Affiliation
from tisser.directory.tests.conftest import communes  # noqa: F401  (a fixture used here)
from tisser.governance.models import Participation, Voter
from tisser.memberships import services as membership_services
from tisser.memberships.models import FeeRule

from .conftest import REPRESENTATIVE as RITA
from .conftest import member_with_open_vote

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_broker_pools"),
]

PASSWORD = "motdepasse-solide-42"
TIMEOUT = 15_000
STRANGER = "ivan.intrus@example.org"
LINK = re.compile(r"https?://\S+")


@pytest.fixture
def network(communes, make_user):  # noqa: F811
    college = membership_services.ensure_college("Structures de l'ESS", order=1)
    world = member_with_open_vote(
        make_user, {"commune": communes["lille"].code, "postcode": "59000"}, college=college
    )
    FeeRule.objects.create(year=world["year"], label="Structure", amount=50)
    make_user("equipe@example.org", staff_role="editor")
    return world


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def mail_to(smtp, address, containing):
    found = [m for m in smtp.messages if m["To"] == address and containing in text_of(m)]
    assert found, [(m["To"], m["Subject"]) for m in smtp.messages]
    return found[-1]


def test_a_stranger_gets_nothing_until_the_representative_confirms(
    browser, live_server, settings, smtp_server, network
):
    settings.SITE_URL = live_server.url  # the links in emails
    cache.clear()  # the one-message-a-minute limit of account emails, from other tests
    base = live_server.url
    coop, motion = network["coop"], network["motion"]
    errors = []
    stranger = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844})
    staff = browser.new_context(locale="fr-FR")
    rita = browser.new_context(locale="en-GB")
    for context in (stranger, staff, rita):
        context.set_default_timeout(TIMEOUT)
    try:
        # 1. The stranger names the member organisation in the public membership form.
        page = stranger.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{base}/adhesion/")
        page.get_by_label("Nom de la structure").fill("Coop Manau")
        page.get_by_label("Code postal").fill("59000")
        page.get_by_label("Commune").fill("Lille")
        page.get_by_label("Structures de l'ESS").check()
        page.get_by_label("Prénom").fill("Ivan")
        page.locator("#id_last_name").fill("Intrus")
        page.locator("#id_email").fill(STRANGER)
        page.get_by_label("J’accepte").check()
        page.get_by_role("button", name="Envoyer ma demande d’adhésion").click()
        page.wait_for_selector("text=Merci !")
        body = page.content()
        assert "Votre demande pour représenter Coop Manau attend une confirmation." in body
        assert "Montant dû" not in body  # nothing of the organisation's membership

        # 2. They make an account on their own address and prove it: still nothing.
        page.goto(f"{base}/compte/inscription/")
        page.locator("#id_email").fill(STRANGER)
        page.locator("#id_first_name").fill("Ivan")
        page.locator("#id_last_name").fill("Intrus")
        page.locator("#id_password1").fill(PASSWORD)
        page.locator("#id_password2").fill(PASSWORD)
        page.locator("main form button[type=submit]").last.click()
        page.wait_for_load_state()
        verify = mail_to(smtp_server, STRANGER, "/compte/verification/")
        (link,) = [u for u in LINK.findall(text_of(verify)) if "/compte/verification/" in u]
        page.goto(link)
        page.goto(f"{base}/mon-organisation/")
        assert "Votre demande pour représenter Coop Manau attend une confirmation." in (
            page.content()
        )
        response = page.goto(f"{base}/mon-organisation/{coop.slug}/modifier/")
        assert response.status == 403
        page.goto(f"{base}/mes-votes/")
        assert page.locator("a[href^='/vote/']").count() == 0

        # 3. Staff see the request and its evidence on one page.
        page = staff.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{base}/compte/connexion/?next=/gestion/demandes/")
        page.fill("#id_username", "equipe@example.org")
        page.fill("#id_password", PASSWORD)
        page.locator("main form button[type=submit]").last.click()
        page.wait_for_selector("h1:has-text('Demandes de représentation')")
        row = page.locator("tr", has_text="Ivan Intrus")
        assert "Formulaire d’adhésion" in row.inner_text() and STRANGER in row.inner_text()
        assert "sollicité·e par courriel" in row.inner_text()

        # 4. Rita confirms from the link of her email (in English).
        claim_mail = mail_to(smtp_server, RITA, "Confirm:")
        assert claim_mail["Subject"] == "Ivan Intrus asks to represent Coop Manau"
        accept = re.search(r"Confirm: (\S+)", text_of(claim_mail)).group(1)
        page = rita.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(accept)
        assert "Ivan Intrus asks to represent Coop Manau" in page.locator("h1").inner_text()
        assert Affiliation.objects.get(person__email=STRANGER).status == "claimed"
        page.get_by_role("button", name="Yes, I confirm").click()
        page.wait_for_selector("text=Confirmed: Ivan Intrus is now linked to Coop Manau.")
        page.goto(accept)  # a second use says so and changes nothing
        page.wait_for_selector("text=This request has already been decided")

        # 5. Only now the claimant votes for Coop Manau.
        page = stranger.pages[0]
        page.goto(f"{base}/mes-votes/")
        page.locator("a[href^='/vote/']").click()
        page.get_by_label("Pour").check()
        page.get_by_role("button", name="Voter").click()
        receipt = page.locator("[data-receipt]").inner_text()
        assert re.fullmatch(r"[0-9A-F]{4}(-[0-9A-F]{4}){3}", receipt)
        voter = Voter.objects.get(assembly=network["assembly"], organisation=coop)
        assert Participation.objects.get(motion=motion).voter == voter
        assert errors == []
    finally:
        for context in (stranger, staff, rita):
            context.close()
