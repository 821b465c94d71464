"""The public page of an actor: public fields only, JSON-LD, 404 for what is not public."""

import json
import re

import pytest
from django.urls import reverse

from tisser.directory.models import Affiliation, GeoPrecision, Organisation, Person

from .map_helpers import make_category, make_org
from .test_map_pages import assert_no_inline_script

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor(hauts_de_france):
    from tisser.territories.models import Commune

    lille = Commune.objects.get(code="59350")
    org = make_org(
        "Café des Possibles",
        50.6366,
        3.0635,
        categories=[
            make_category("culture", "Culture"),
            make_category("alimentation", "Alimentation"),
        ],
        commune=lille,
        address="12 rue des Arts",
        postcode="59000",
        email="contact@possibles.example",
        phone="03 20 00 00 00",
        website="https://possibles.example",
        siret="73282932000074",
        is_member=True,
        geo_precision=GeoPrecision.MUNICIPALITY,
        legal_form="scic",
        description='<p>Un café <strong>coopératif</strong>.</p><script>alert("x")</script>'
        '<img src=x onerror="alert(1)">',
    )
    person = Person.objects.create(
        first_name="Paula",
        last_name="Privée",
        email="paula.privee@example.org",
        phone="06 99 88 77 66",
    )
    Affiliation.objects.create(
        person=person, organisation=org, role="Présidente", is_representative=True
    )
    return org


def page(client, org):
    return client.get(reverse("directory:organisation", args=[org.slug]))


def jsonld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match
    return json.loads(match.group(1))


def test_actor_page_shows_public_fields(client, actor):
    response = page(client, actor)
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Café des Possibles",
        "Culture",
        "Alimentation",
        "Lille",
        "12 rue des Arts",
        "contact@possibles.example",
        "https://possibles.example",
    ):
        assert text in html
    assert "badge member" in html
    assert "centre de la commune" in html  # the location precision, in French
    assert_no_inline_script(html)
    assert 'id="actor-map-config"' in html


def test_people_emails_and_phones_never_appear(client, actor):
    html = page(client, actor).content.decode()
    for private in ("paula.privee@example.org", "06 99 88 77 66", "Privée", "Paula"):
        assert private not in html


def test_description_is_sanitised_at_display(client, actor):
    html = page(client, actor).content.decode()
    assert "<strong>coopératif</strong>" in html
    assert 'alert("x")' not in html and "onerror" not in html


def test_jsonld_is_a_valid_schema_org_organization(client, actor):
    data = jsonld(page(client, actor).content.decode())
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Organization"
    assert data["name"] == "Café des Possibles"
    assert data["address"] == {
        "@type": "PostalAddress",
        "addressCountry": "FR",
        "streetAddress": "12 rue des Arts",
        "postalCode": "59000",
        "addressLocality": "Lille",
    }
    assert data["geo"]["latitude"] == pytest.approx(50.6366)
    assert data["email"] == "contact@possibles.example"
    assert data["identifier"]["value"] == "73282932000074"
    assert "paula" not in json.dumps(data).lower()
    assert data["description"] == "Un café coopératif."


def test_jsonld_cannot_break_out_of_its_script(client, db):
    org = make_org("</script><script>alert(1)</script> & co", 50.0, 3.0)
    html = page(client, org).content.decode()
    assert "<script>alert(1)" not in html
    assert jsonld(html)["name"] == "</script><script>alert(1)</script> & co"


@pytest.mark.parametrize("status", [Organisation.Status.PROPOSED, Organisation.Status.ARCHIVED])
def test_unpublished_actors_are_404_for_the_public(client, role_users, status):
    org = make_org(f"Structure {status}", 50.0, 3.0, status=status)
    assert page(client, org).status_code == 404
    for role in ("public", "representative", "member"):
        client.force_login(role_users[role])
        assert page(client, org).status_code == 404, role
    for role in ("editor", "admin"):
        client.force_login(role_users[role])
        response = page(client, org)
        assert response.status_code == 200, role
        assert "actor-status" in response.content.decode()


def test_unknown_actor_is_404(client, db):
    assert client.get(reverse("directory:organisation", args=["nobody"])).status_code == 404


def test_actor_without_position_has_no_map(client, db):
    org = make_org("Sans adresse")
    html = page(client, org).content.decode()
    assert 'id="actor-map-config"' not in html
    assert "leaflet.js" not in html


def test_actor_page_links_to_a_change_proposal(client, actor):
    html = page(client, actor).content.decode()
    assert reverse("directory:propose_change", args=[actor.slug]) in html
