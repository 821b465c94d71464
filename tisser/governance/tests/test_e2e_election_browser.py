"""The issue's journey in a real browser (Playwright + Debian Chromium): an organisation
renews its membership online, staff validate it, draw up the register and open the online
election, the representative votes from "My votes" and gets a receipt, staff close the
vote and the results page shows the elected Collectif."""

import datetime
import re

import pytest
from django.utils import timezone

from tisser.directory.contacts import services as directory_services
from tisser.directory.models import Affiliation, Organisation, Person
from tisser.directory.tests.conftest import communes  # noqa: F401  (a fixture used here)
from tisser.governance import services, services_ballot
from tisser.governance.models import Motion, Voter
from tisser.governance.tokens import make_vote_token
from tisser.memberships import services as membership_services
from tisser.memberships.models import FeeRule, Membership

from .conftest import make_members

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_broker_pools"),
]

PASSWORD = "motdepasse-solide-42"
TIMEOUT = 15_000


@pytest.fixture
def network(communes, make_user):  # noqa: F811
    today = timezone.localdate()
    current = membership_services.ensure_year(today.year)
    previous = membership_services.ensure_year(today.year - 1)
    college = membership_services.ensure_college("Structures de l'ESS", order=1)
    FeeRule.objects.create(year=current, label="Structure", amount=50)
    # Through the directory's services, so the form finds it again (name + commune).
    cabanes = directory_services.create_organisation(
        {
            "name": "Les Cabanes Inspirées",
            "commune": communes["lille"].code,
            "postcode": "59000",
            "legal_form": "association",
        }
    )
    alix = make_user("alix@cabanes.example.org", first_name="Alix", last_name="Bois")
    person = Person.objects.create(first_name="Alix", last_name="Bois", email=alix.email, user=alix)
    Affiliation.objects.create(person=person, organisation=cabanes, is_representative=True)
    last_year, _ = membership_services.request_membership(cabanes, previous, college=college)
    membership_services.validate_membership(last_year)
    others = make_members(3, prefix="Collectif", college=college)
    make_user("equipe@example.org", staff_role="editor")
    assembly = services.create_assembly(
        title="AG 2026",
        starts_at=timezone.now() + datetime.timedelta(hours=1),
        place="Bazaar St So, Lille",
    )
    election = services_ballot.add_motion(
        assembly, kind=Motion.Kind.ELECTION, title="Élection du Collectif", seats=24
    )
    for org in others:
        services_ballot.add_candidacy(election, org, statement=f"{org.name} au Collectif")
    return {"cabanes": cabanes, "others": others, "assembly": assembly, "election": election}


def login(context, base, email, next_path):
    page = context.new_page()
    page.goto(f"{base}/compte/connexion/?next={next_path}")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    return page


def test_renew_validate_vote_and_see_the_elected_collectif(browser, live_server, settings, network):
    settings.TISSER_SITE_URL = live_server.url
    base = live_server.url
    a, election = network["assembly"], network["election"]
    errors = []
    visitor = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844})
    staff = browser.new_context(locale="fr-FR")
    rep = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844})
    for context in (visitor, staff, rep):
        context.set_default_timeout(TIMEOUT)
    try:
        # 1. The organisation renews online.
        page = visitor.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{base}/adhesion/")
        page.get_by_label("Nom de la structure").fill("Les Cabanes Inspirées")
        page.get_by_label("Code postal").fill("59000")
        page.get_by_label("Commune").fill("Lille")
        page.get_by_label("Structures de l'ESS").check()
        page.get_by_label("Prénom").fill("Alix")
        page.locator("#id_last_name").fill("Bois")
        page.locator("#id_email").fill("alix@cabanes.example.org")
        page.get_by_label("J’accepte").check()
        page.get_by_role("button", name="Envoyer ma demande d’adhésion").click()
        page.wait_for_selector("text=Merci !")
        renewal = Membership.objects.get(organisation=network["cabanes"], status="pending")
        assert Organisation.objects.filter(name="Les Cabanes Inspirées").count() == 1

        # 2. Staff validate it, draw up the register and open the election.
        page = login(staff, base, "equipe@example.org", "/gestion/adhesions/?status=pending")
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.get_by_role("button", name="Valider Les Cabanes Inspirées").click()
        page.wait_for_selector(".message")
        renewal.refresh_from_db()
        assert renewal.status == "validated"
        page.goto(f"{base}/gestion/assemblees/{a.pk}/")
        page.get_by_role("button", name="Établir la liste à partir des adhésions").click()
        page.wait_for_selector("text=Liste établie : 4 adhérents à jour")
        page.get_by_role("button", name="Envoyer la convocation").click()
        page.wait_for_selector("text=Convocation en cours d’envoi")
        page.get_by_role("button", name="Ouvrir le vote et envoyer les liens").click()
        page.wait_for_selector("text=Vote ouvert")
        assert Voter.objects.filter(assembly=a, organisation=network["cabanes"]).exists()

        # 3. The representative votes from "My votes" and keeps the receipt.
        page = login(rep, base, "alix@cabanes.example.org", "/mes-votes/")
        page.on("pageerror", lambda error: errors.append(str(error)))
        assert "Élection du Collectif" in page.content()
        page.get_by_role("link", name="Vote", exact=True).click()
        page.get_by_label(re.compile("Collectif 000")).check()
        page.get_by_label(re.compile("Collectif 001")).check()
        page.get_by_role("button", name="Voter").click()
        receipt = page.locator("[data-receipt]").inner_text()
        assert re.fullmatch(r"[0-9A-F]{4}(-[0-9A-F]{4}){3}", receipt)
        page.goto(f"{base}/mes-votes/")
        assert "Voté" in page.content()
        # Two other members vote by their emailed links.
        c = list(election.candidacies.order_by("organisation__name"))
        for org, chosen in zip(network["others"][:2], [[c[0], c[2]], [c[0]]], strict=True):
            voter = Voter.objects.get(assembly=a, organisation=org)
            services_ballot.cast_online(
                make_vote_token(election, voter, voter), selection=[x.pk for x in chosen]
            )
        # No results before the close.
        page.goto(f"{base}/assemblees/{a.slug}/votes/{election.pk}/resultats/")
        assert "publiés à la clôture" in page.content()

        # 4. Staff close the vote; the results page shows the elected Collectif.
        page = staff.pages[0]
        page.goto(f"{base}/gestion/assemblees/{a.pk}/")
        # The button leads to a page that says what closing does, then asks to confirm.
        page.get_by_role("link", name="Clore et dépouiller").click()
        page.wait_for_selector("text=plus aucun vote n’est accepté")
        page.get_by_role("button", name="Clore et dépouiller").click()
        page.wait_for_selector("text=Vote clos et dépouillé")
        page = rep.pages[0]
        page.goto(f"{base}/assemblees/{a.slug}/votes/{election.pk}/resultats/")
        page.wait_for_selector("text=Le Collectif élu : 3 sièges pourvus sur 24")
        elected = page.locator("ol.elected li").all_inner_texts()
        assert elected[0] == "Collectif 000"  # 3 votes; 001 and 002 have one each
        assert sorted(elected) == ["Collectif 000", "Collectif 001", "Collectif 002"]
        # The receipt is in the published list of counted ballots.
        page.goto(f"{base}/assemblees/{a.slug}/votes/{election.pk}/recus/?code={receipt}")
        assert "est dans l’urne et il est compté" in page.content()
        assert errors == []
    finally:
        for context in (visitor, staff, rep):
            context.close()
