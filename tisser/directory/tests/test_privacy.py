"""A person's data on request: staff admins export or erase it; a user downloads their own."""

import json

import pytest
from django.urls import reverse

from tisser.accounts.models import User
from tisser.directory.contacts import services, services_privacy
from tisser.directory.models import Affiliation, Consent, Person, PersonEvent


@pytest.fixture
def camille(make_user, role_users):
    user = make_user("camille@example.org", first_name="Camille", last_name="Martin")
    person = Person.objects.create(
        first_name="Camille",
        last_name="Martin",
        email="camille@example.org",
        phone="06 12 34 56 78",
        user=user,
    )
    Affiliation.objects.create(
        person=person,
        organisation=role_users["own_organisation"],
        role="Trésorière",
        is_representative=True,
    )
    services.record_consent(
        person,
        purpose=Consent.Purpose.CONTACT,
        method=Consent.Method.WEB_FORM,
        wording="J’accepte que le réseau me contacte.",
        source="proposition de Camille Martin",
    )
    return person


def download(response) -> dict:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    return json.loads(response.content)


def test_staff_admin_exports_a_persons_data(client, role_users, camille):
    client.force_login(role_users["admin"])
    data = download(client.get(reverse("directory:staff_person_export_data", args=[camille.pk])))
    assert data["person"]["email"] == "camille@example.org"
    assert data["person"]["phone"] == "06 12 34 56 78"
    assert data["account"]["email"] == "camille@example.org"
    assert data["affiliations"] == [
        {
            "organisation": "Coop Manau",
            "organisation_slug": "coop-manau",
            "role": "Trésorière",
            "is_representative": True,
            "status": "verified",
            "asks_to_represent": False,
            "established_through": "staff",
            "claimed_at": None,
            "claimed_from": "",
            "claimed_through": "",
            "reviewed_at": None,
            "since": data["affiliations"][0]["since"],
        }
    ]
    assert data["consents"][0]["purpose"] == "contact"
    assert data["consents"][0]["wording"] == "J’accepte que le réseau me contacte."
    # The export itself is in the person's history, and in the next export.
    event = PersonEvent.objects.get(person=camille)
    assert event.action == "exported" and event.author == role_users["admin"]
    again = download(client.get(reverse("directory:staff_person_export_data", args=[camille.pk])))
    assert again["history"][0]["action"] == "exported"
    assert again["history"][0]["by"] == str(role_users["admin"])


def test_the_detail_page_offers_the_actions_to_admins_only(client, role_users, camille):
    url = reverse("directory:staff_person_detail", args=[camille.pk])
    client.force_login(role_users["editor"])
    html = client.get(url).content.decode()
    assert reverse("directory:staff_person_erase", args=[camille.pk]) not in html
    client.force_login(role_users["admin"])
    html = client.get(url).content.decode()
    assert reverse("directory:staff_person_erase", args=[camille.pk]) in html
    assert "Exporter les données de cette personne" in html


def test_erasure_asks_first_then_anonymises_and_keeps_the_row(client, role_users, camille):
    client.force_login(role_users["admin"])
    url = reverse("directory:staff_person_erase", args=[camille.pk])
    confirm = client.get(url).content.decode()
    assert "ne peut pas être annulé" in confirm and 'method="post"' in confirm
    assert Person.objects.get(pk=camille.pk).email == "camille@example.org"  # not yet

    people_before = Person.objects.count()
    affiliations_before = Affiliation.objects.count()
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("directory:staff_person_detail", args=[camille.pk])

    person = Person.objects.get(pk=camille.pk)
    assert (person.first_name, person.last_name, person.email, person.phone) == ("", "", "", "")
    assert person.erased_at is not None
    assert Person.objects.count() == people_before  # counts hold
    assert Affiliation.objects.count() == affiliations_before
    affiliation = person.affiliations.get()
    assert affiliation.role == "" and not affiliation.is_representative
    assert person.consents.get().source == ""
    # The linked account can no longer log in, and says nothing of who it was.
    account = User.objects.get(pk=camille.user_id)
    assert not account.is_active and not account.has_usable_password()
    assert "camille" not in account.email and account.first_name == account.last_name == ""
    assert not client.login(username="camille@example.org", password="motdepasse-solide-42")
    # The history keeps who erased it and when; the page shows it, with no name.
    entry = PersonEvent.objects.get(person=person, action="erased")
    assert entry.author == role_users["admin"]
    client.force_login(role_users["admin"])
    html = client.get(response["Location"]).content.decode()
    assert f"Personne effacée n° {person.pk}" in html
    assert "Effacée le" in html and str(role_users["admin"]) in html
    assert "Camille" not in html and "06 12 34 56 78" not in html
    # Nothing left in a fresh export either.
    exported = json.dumps(services_privacy.person_data(person), ensure_ascii=False)
    assert "Camille" not in exported and "camille@example.org" not in exported


def test_the_persons_proposals_are_exported_then_lose_their_sender(role_users, camille):
    from tisser.directory.proposals.services import submit_proposal

    proposal = submit_proposal(
        kind="new",
        data={"name": "Ressourcerie du Centre"},
        proposer_name="Camille Martin",
        proposer_email="Camille@example.org",
        ip_hash="h",
    )
    other = submit_proposal(
        kind="new",
        data={"name": "Autre"},
        proposer_name="Quelqu’un",
        proposer_email="autre@example.org",
        ip_hash="h2",
    )
    data = services_privacy.person_data(camille)
    assert [(p["id"], p["actor"]) for p in data["proposals"]] == [
        (proposal.pk, "Ressourcerie du Centre")
    ]
    services_privacy.erase_person(camille.pk, actor=role_users["admin"])
    proposal.refresh_from_db()
    other.refresh_from_db()
    assert proposal.proposer_name == proposal.proposer_email == ""
    assert proposal.data["name"] == "Ressourcerie du Centre"  # the proposal itself stays
    assert other.proposer_email == "autre@example.org"  # somebody else's is untouched


def test_erasing_twice_records_one_erasure(role_users, camille):
    services_privacy.erase_person(camille.pk, actor=role_users["admin"])
    services_privacy.erase_person(camille.pk, actor=role_users["admin"])
    assert PersonEvent.objects.filter(person=camille, action="erased").count() == 1


def test_rows_of_other_apps_keep_pointing_to_the_erased_person(role_users, camille):
    """A row that points to the person (here an affiliation, as memberships' rows do)
    still reaches the same row after erasure: nothing cascades away."""
    affiliation_id = camille.affiliations.get().pk
    services_privacy.erase_person(camille.pk, actor=role_users["admin"])
    assert Affiliation.objects.get(pk=affiliation_id).person_id == camille.pk


def test_editor_can_neither_export_nor_erase(client, role_users, camille):
    client.force_login(role_users["editor"])
    assert (
        client.get(reverse("directory:staff_person_export_data", args=[camille.pk])).status_code
        == 403
    )
    assert (
        client.post(reverse("directory:staff_person_erase", args=[camille.pk])).status_code == 403
    )
    assert Person.objects.get(pk=camille.pk).email == "camille@example.org"


def test_a_user_downloads_their_own_data_from_their_profile(client, role_users, camille):
    client.force_login(camille.user)
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("accounts:my_data") in profile and "Télécharger mes données" in profile
    data = download(client.get(reverse("accounts:my_data")))
    assert data["account"]["email"] == "camille@example.org"
    assert data["contacts"]["person"]["phone"] == "06 12 34 56 78"
    assert data["contacts"]["affiliations"][0]["organisation"] == "Coop Manau"
    # Only their own: nobody else's contact data is in it.
    assert "representant@example.org" not in json.dumps(data)


def test_a_user_without_a_contact_record_gets_their_account(client, role_users):
    client.force_login(role_users["public"])
    data = download(client.get(reverse("accounts:my_data")))
    assert data == {"account": data["account"]} and data["account"]["email"] == "public@example.org"
