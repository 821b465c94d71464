"""Memberships and claims: the membership form and payments only claim to represent an
organisation. A stranger's request neither shows nor changes the organisation's data; an
archived organisation is refused with a message (a payment is still recorded); the
membership's emails go to its verified representatives first."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from tisser.directory.contacts import services as directory_services
from tisser.directory.models import Affiliation, Organisation, Person
from tisser.directory.tests.conftest import VALID_SIRET
from tisser.memberships import reminders, services
from tisser.memberships.helloasso import recording
from tisser.memberships.models import Membership

from .test_join import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(years, fees):
    """A member organisation with empty legal form and address, and its representative."""
    org = directory_services.create_organisation({"name": "Coop Manau", "siret": VALID_SIRET})
    rita = Person.objects.create(first_name="Rita", email="rita@coop-manau.example.org")
    directory_services.affiliate(rita, org, is_representative=True)
    membership, _ = services.request_membership(org, years["current"], representative=rita)
    services.validate_membership(membership, notify=False)
    return org


def stranger_posts(client, colleges, years, **overrides):
    values = {"name": "Coop Manau", "siret": VALID_SIRET, "email": "intrus@example.org"}
    data = form_data(colleges, year=str(years["current"].pk), **{**values, **overrides})
    return client.post(reverse("memberships:join"), data)


def test_a_stranger_neither_sees_nor_changes_the_organisation(
    client, colleges, communes, years, member
):
    response = stranger_posts(client, colleges, years, legal_form="scop", address="1 rue X")
    assert response.status_code == 302
    done = client.get(response["Location"]).content.decode()
    assert "Nous avons bien reçu la demande d’adhésion de Coop Manau" in done
    assert "Montant dû" not in done and "Validée" not in done
    assert "Son ou sa représentant·e actuel·le a été sollicité·e" in done
    member.refresh_from_db()
    assert (member.legal_form, member.address) == ("", "")  # only a claim: nothing filled
    assert Membership.objects.filter(organisation=member).count() == 1
    claim = Affiliation.objects.get(person__email="intrus@example.org")
    assert claim.status == "claimed" and claim.claims_representation


def test_its_verified_representative_fills_what_is_empty(
    client, colleges, communes, years, member, make_user
):
    user = make_user("rita@coop-manau.example.org")
    Person.objects.filter(email=user.email).update(user=user)
    client.force_login(user)
    response = stranger_posts(
        client, colleges, years, email=user.email, legal_form="scop", address="1 rue X"
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.legal_form, member.address) == ("scop", "1 rue X")
    done = client.get(response["Location"]).content.decode()
    assert "Montant dû" in done  # a representative sees their organisation's membership


def test_a_new_organisation_shows_its_own_request_and_waits_for_staff(
    client, colleges, communes, years, fees
):
    response = stranger_posts(client, colleges, years, name="Toute Nouvelle", siret="")
    done = client.get(response["Location"]).content.decode()
    assert "Montant dû" in done  # the request this visitor just made
    assert "L’équipe du réseau la confirmera." in done


def test_an_archived_organisation_is_refused_with_a_message(
    client, colleges, communes, years, member
):
    Organisation.objects.filter(pk=member.pk).update(status=Organisation.Status.ARCHIVED)
    response = stranger_posts(client, colleges, years)
    assert response.status_code == 200
    assert "est archivée dans l’annuaire du réseau" in response.content.decode()
    assert not Person.objects.filter(email="intrus@example.org").exists()
    assert Membership.objects.count() == 1


def test_a_payment_naming_an_archived_organisation_is_still_recorded(years, fees, member):
    Organisation.objects.filter(pk=member.pk).update(status=Organisation.Status.ARCHIVED)
    payment = recording.HelloAssoPayment(
        payment_id="p-1",
        order_id="o-1",
        amount=Decimal("50"),
        paid_on=datetime.date.today(),
        email="payeur@example.org",
        first_name="Paul",
        organisation="Coop Manau",
        siret=VALID_SIRET,
    )
    membership, created = recording.record(payment)
    assert created and membership.organisation == member
    assert not Affiliation.objects.filter(person__email="payeur@example.org").exists()


def test_the_verified_representative_hears_about_the_membership_first(years, member):
    stranger = Person.objects.create(first_name="Ivan", email="intrus@example.org")
    directory_services.find_or_create_person(email=stranger.email)
    renewal, _ = services.request_membership(member, years["next"], representative=stranger)
    assert reminders.recipient(member, renewal) == "rita@coop-manau.example.org"
    # With no verified representative, the applicant hears about their own request.
    Affiliation.objects.filter(organisation=member).delete()
    assert reminders.recipient(member, renewal) == "intrus@example.org"


def test_member_rights_follow_verified_links_only(years, member, make_user):
    from tisser.memberships import queries

    user = make_user("collegue@example.org")
    person = Person.objects.create(first_name="Col", email=user.email, user=user)
    Affiliation.objects.create(person=person, organisation=member, status="claimed")
    assert not queries.user_is_member(user)
    directory_services.affiliate(person, member)
    assert queries.user_is_member(user)


def test_staff_confirm_the_applicant_from_the_membership_page(
    client, colleges, communes, years, fees, make_user
):
    response = stranger_posts(client, colleges, years, name="Toute Nouvelle", siret="")
    membership = Membership.objects.get(organisation__name="Toute Nouvelle")
    client.force_login(make_user("editeur@example.org", staff_role="editor"))
    url = reverse("memberships:staff_detail", args=[membership.pk])
    page = client.get(url).content.decode()
    assert "demande à représenter — non confirmé" in page
    claim = Affiliation.objects.get(person__email="intrus@example.org")
    response = client.post(reverse("directory:staff_claim_accept", args=[claim.pk]), {"next": url})
    assert response.status_code == 302 and response["Location"] == url
    claim.refresh_from_db()
    assert claim.is_representative
    # An address elsewhere is not followed.
    other = Affiliation.objects.create(
        person=Person.objects.create(email="autre@example.org"),
        organisation=membership.organisation,
        status="claimed",
    )
    response = client.post(
        reverse("directory:staff_claim_refuse", args=[other.pk]),
        {"next": "https://ailleurs.example.org/"},
    )
    assert response["Location"] == reverse("directory:staff_claims")
