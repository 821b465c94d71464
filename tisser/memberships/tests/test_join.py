"""The online membership form: a new member or a renewal, no duplicate in the contacts
base, a pending membership for staff to validate, bad input kept and explained."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from tisser.directory.contacts.services import create_organisation
from tisser.directory.models import Affiliation, Consent, Organisation, Person
from tisser.directory.tests.conftest import VALID_SIRET
from tisser.memberships import reminders, services
from tisser.memberships.models import Membership

pytestmark = pytest.mark.django_db
URL = "/adhesion/"


def form_data(colleges, **overrides):
    data = {
        "year": str(datetime.date.today().year),
        "name": "Les Anges Gardins",
        "siret": "",
        "legal_form": "association",
        "workforce": "1-2",
        "address": "7 rue de l'Église",
        "postcode": "59000",
        "commune": "Lille",
        "college": str(colleges["ess"].pk),
        "first_name": "Camille",
        "last_name": "Durand",
        "role": "Coordinatrice",
        "email": "camille@anges-gardins.example.org",
        "phone": "03 20 00 00 00",
        "consent": "on",
    }
    data.update(overrides)
    return data


@pytest.fixture
def year_field(years):
    return years["current"].pk


def post(client, colleges, year_field, **overrides):
    return client.post(URL, form_data(colleges, year=str(year_field), **overrides))


def test_url_name():
    assert reverse("memberships:join") == URL


def test_a_new_member_is_created_once_with_a_pending_membership(
    client,
    colleges,
    fees,
    communes,
    year_field,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, colleges, year_field)
    assert response.status_code == 302, response.context["form"].errors
    org = Organisation.objects.get()
    assert org.commune == communes["lille"] and org.legal_form == "association"
    membership = Membership.objects.get()
    assert membership.status == "pending" and membership.source == "form"
    assert membership.college == colleges["ess"]
    assert membership.amount_due == fees["association_small"].amount
    person = Person.objects.get()
    assert membership.representative == person
    link = Affiliation.objects.get()
    assert (link.status, link.source, link.claims_representation) == (
        "claimed",
        "membership_form",
        True,
    )
    assert not link.is_representative and link.claim_detail == str(membership.year.year)
    assert Consent.objects.filter(person=person, purpose="contact").exists()
    assert not Organisation.objects.get().is_member  # until staff validate
    assert [m.to for m in mail.outbox] == [["camille@anges-gardins.example.org"]]
    done = client.get(response["Location"])
    assert "Les Anges Gardins" in done.content.decode()
    # a double submit: still one of each
    post(client, colleges, year_field)
    assert (Organisation.objects.count(), Membership.objects.count(), Person.objects.count()) == (
        1,
        1,
        1,
    )


def test_an_existing_organisation_is_found_by_siret_then_by_name_and_commune(
    client,
    colleges,
    fees,
    communes,
    year_field,
):
    by_siret = create_organisation({"name": "APRR", "siret": VALID_SIRET})
    by_name = create_organisation({"name": "Les Anges Gardins", "commune": communes["lille"]})
    post(client, colleges, year_field, name="Aide pour la Réinsertion (APRR)", siret=VALID_SIRET)
    post(client, colleges, year_field, email="autre@example.org", name="les anges  gardins")
    assert Organisation.objects.count() == 2
    assert set(Membership.objects.values_list("organisation", flat=True)) == {
        by_siret.pk,
        by_name.pk,
    }
    by_siret.refresh_from_db()
    assert by_siret.name == "APRR"  # an application does not rename an organisation


def test_bad_input_is_explained_and_kept(client, colleges, fees, communes, year_field):
    response = post(
        client,
        colleges,
        year_field,
        siret="123 456 789 00000",
        postcode="590",
        email="pas-un-email",
        consent="",
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {"siret", "postcode", "email", "consent"}
    body = response.content.decode()
    assert "Les Anges Gardins" in body and "Coordinatrice" in body and "pas-un-email" in body
    assert "SIRET n’est pas valide" in body
    assert not Organisation.objects.exists() and not Membership.objects.exists()


def test_unknown_commune_is_refused(client, colleges, fees, communes, year_field):
    response = post(client, colleges, year_field, commune="Atlantide")
    assert "commune" in response.context["form"].errors
    assert "Atlantide" in response.content.decode()


def test_free_amount_below_the_minimum_is_refused_and_kept(
    client,
    colleges,
    fees,
    communes,
    year_field,
):
    response = post(client, colleges, year_field, legal_form="autre", free_amount="5")
    assert response.status_code == 200
    assert "free_amount" in response.context["form"].errors
    assert not Organisation.objects.exists()  # the whole application rolled back
    response = post(client, colleges, year_field, legal_form="autre", free_amount="25")
    assert response.status_code == 302
    assert str(Membership.objects.get().amount_due) == "25.00"


def test_a_renewal_link_prefills_and_renews_the_same_organisation(
    client,
    colleges,
    fees,
    communes,
    years,
):
    org = create_organisation(
        {"name": "Les Anges Gardins", "commune": communes["lille"], "postcode": "59000"}
    )
    old, _ = services.request_membership(org, years["previous"], college=colleges["reseaux"])
    services.validate_membership(old)
    token = reminders.renewal_token(org)
    body = client.get(f"{URL}?renouveler={token}").content.decode()
    assert "Renouveler notre adhésion" in body and 'value="Les Anges Gardins"' in body
    forged = client.get(f"{URL}?renouveler={token}x").content.decode()
    assert 'value="Les Anges Gardins"' not in forged
    post(client, colleges, years["current"].pk, college=str(colleges["reseaux"].pk))
    assert Organisation.objects.count() == 1
    assert org.memberships.count() == 2


def test_staff_recording_a_membership_marks_it_as_staff(
    client,
    colleges,
    fees,
    communes,
    year_field,
    make_user,
):
    client.force_login(make_user("staff@example.org", staff_role="editor"))
    post(client, colleges, year_field)
    assert Membership.objects.get().source == "staff"


def test_an_empty_post_shows_every_required_field(client, colleges, year_field):
    response = client.post(URL, {})
    assert response.status_code == 200
    assert {"name", "postcode", "commune", "email", "consent"} <= set(
        response.context["form"].errors
    )


def test_a_robot_filling_the_trap_stores_nothing(client, colleges, fees, communes, year_field):
    response = post(client, colleges, year_field, homepage="https://spam.example")
    assert response.status_code == 302
    assert not Organisation.objects.exists() and not Membership.objects.exists()
    assert not Person.objects.exists()
