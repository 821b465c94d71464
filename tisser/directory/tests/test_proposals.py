"""Proposing an actor or a change: what anyone may send, and what is refused and why."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from tisser.directory.contacts import services
from tisser.directory.models import Organisation, Proposal
from tisser.directory.proposals.services import hash_client_address

VALID_SIRET = "73282932000074"
PROPOSE_URL = "/proposer/"


def png_bytes(size=(40, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 110, 70)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def published(communes, categories):
    return services.create_organisation(
        {
            "name": "La Boîte à Vélos",
            "legal_form": "association",
            "address": "3 rue des Arts",
            "postcode": "59000",
            "commune": "59350",
            "phone": "03 20 00 00 00",
            "description": "<p>Atelier vélo participatif.</p>",
            "categories": ["mobilite"],
            "status": Organisation.Status.PUBLISHED,
        }
    )


def new_actor(**overrides):
    data = {
        "name": "Épicerie Solidaire du Centre",
        "legal_form": "association",
        "siret": "732 829 320 00074",
        "address": "12 rue Nationale",
        "postcode": "59000",
        "commune": "Lille",
        "website": "epicerie-solidaire.example.org",
        "email": "contact@epicerie.example.org",
        "phone": "03 20 11 22 33",
        "categories": ["alimentation", "tiers-lieux"],
        "description": "<p>Une épicerie <strong>solidaire</strong> et un café.</p>",
        "proposer_name": "Camille Martin",
        "proposer_email": "Camille@Example.org",
        "contact_consent": "on",
        "homepage": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def post(client, data, ip="203.0.113.7", url=PROPOSE_URL, **extra):
    return client.post(url, data, REMOTE_ADDR=ip, **extra)


# --- the form -----------------------------------------------------------------------


def test_anyone_sees_the_form_with_a_css_hidden_trap(client, categories):
    response = client.get(PROPOSE_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="proposer_email"' in html
    assert 'enctype="multipart/form-data"' in html
    # The honeypot is a text input inside a block hidden by the stylesheet, not type=hidden.
    assert '<div class="proposal-hp" aria-hidden="true">' in html
    assert 'type="text" name="homepage"' in html
    assert 'tabindex="-1"' in html
    assert "Mobilité" in html  # categories offered
    assert "<script>" not in html  # strict CSP: no inline script


def test_a_valid_proposal_waits_for_moderation_and_creates_nothing_yet(
    client, communes, categories
):
    response = post(client, new_actor())
    assert response.status_code == 302
    assert response["Location"] == reverse("directory:propose_thanks")
    proposal = Proposal.objects.get()
    assert proposal.kind == Proposal.Kind.NEW
    assert proposal.status == Proposal.Status.PENDING
    assert proposal.organisation is None
    assert proposal.data["name"] == "Épicerie Solidaire du Centre"
    assert proposal.data["siret"] == VALID_SIRET  # spaces removed
    assert proposal.data["commune"] == "59350"  # resolved from the name
    assert proposal.data["categories"] == ["alimentation", "tiers-lieux"]
    assert proposal.data["website"] == "https://epicerie-solidaire.example.org"
    assert "latitude" not in proposal.data  # empty fields are not stored
    assert proposal.proposer_email == "camille@example.org"
    assert proposal.contact_consent is True
    assert "me contacte" in proposal.consent_wording  # the French wording the person saw
    assert proposal.language == "fr"
    # Only a salted hash of the address is kept.
    assert proposal.ip_hash == hash_client_address("203.0.113.7")
    assert "203.0.113.7" not in proposal.ip_hash
    assert not Organisation.objects.exists()
    thanks = client.get(response["Location"])
    assert "Merci" in thanks.content.decode()


def test_proposal_made_in_english_remembers_the_language(client, communes, categories):
    response = post(client, new_actor(), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert Proposal.objects.get().language == "en"


def test_honeypot_filled_looks_like_success_but_stores_nothing(client, communes, categories):
    response = post(client, new_actor(homepage="http://spam.example.com"))
    assert response.status_code == 302
    assert response["Location"] == reverse("directory:propose_thanks")
    assert not Proposal.objects.exists()


# --- rate limit ---------------------------------------------------------------------


def test_rate_limit_per_address_says_when_to_retry_and_keeps_the_text(
    client, communes, categories, settings
):
    settings.TISSER_PROPOSALS_PER_HOUR = 3
    for i in range(3):
        assert post(client, new_actor(name=f"Actor {i}", siret="")).status_code == 302
    response = post(client, new_actor(name="Un de trop", siret=""))
    assert response.status_code == 429
    html = response.content.decode()
    assert "trop de propositions" in html
    assert "minutes" in html
    assert 'value="Un de trop"' in html  # what was typed is kept
    assert Proposal.objects.count() == 3
    # Another address is not affected.
    assert post(client, new_actor(name="Ailleurs", siret=""), ip="198.51.100.9").status_code == 302


def test_rate_limit_forgets_proposals_older_than_an_hour(client, communes, categories, settings):
    settings.TISSER_PROPOSALS_PER_HOUR = 2
    for i in range(2):
        post(client, new_actor(name=f"Actor {i}", siret=""))
    assert post(client, new_actor(name="Blocked", siret="")).status_code == 429
    Proposal.objects.update(created_at=timezone.now() - timedelta(minutes=61))
    assert post(client, new_actor(name="Later", siret="")).status_code == 302


def test_rate_limit_counts_in_the_database_across_processes(communes, categories, settings):
    """Another process's proposals (rows in the database) count: no in-memory counter."""
    from tisser.directory.proposals import services as services_proposals

    settings.TISSER_PROPOSALS_PER_HOUR = 2
    ip_hash = hash_client_address("192.0.2.1")
    Proposal.objects.bulk_create(
        [
            Proposal(
                kind="new",
                data={"name": f"x{i}"},
                proposer_name="x",
                proposer_email="x@example.org",
                ip_hash=ip_hash,
            )
            for i in range(2)
        ]
    )
    retry_at = services_proposals.retry_time(ip_hash)
    assert retry_at is not None
    assert timedelta(minutes=59) < retry_at - timezone.now() <= timedelta(hours=1)
    with pytest.raises(services_proposals.RateLimited):
        services_proposals.submit_proposal(
            kind="new",
            data={"name": "y"},
            proposer_name="y",
            proposer_email="y@example.org",
            ip_hash=ip_hash,
        )


def test_behind_a_proxy_the_configured_header_names_the_client(
    client, communes, categories, settings
):
    settings.TISSER_PROPOSALS_PER_HOUR = 1
    settings.TISSER_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    proxy = "10.0.0.1"
    first = post(client, new_actor(name="A", siret=""), ip=proxy, HTTP_X_REAL_IP="198.51.100.1")
    other = post(client, new_actor(name="B", siret=""), ip=proxy, HTTP_X_REAL_IP="198.51.100.2")
    again = post(client, new_actor(name="C", siret=""), ip=proxy, HTTP_X_REAL_IP="198.51.100.1")
    assert (first.status_code, other.status_code, again.status_code) == (302, 302, 429)


# --- bad input: a clear message, what was typed is kept, nothing saved --------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"siret": "12345678901234"}, "siret", "n’est pas un SIRET valide"),
        ({"siret": "1234"}, "siret", "n’est pas un SIRET valide"),
        ({"commune": "Atlantide-sur-Mer"}, "commune", "Nous ne connaissons pas la commune"),
        ({"latitude": "123", "longitude": "3"}, "latitude", "entre -90 et 90"),
        ({"latitude": "50", "longitude": "-190"}, "longitude", "entre -180 et 180"),
        ({"latitude": "50.6"}, "longitude", "la latitude et la longitude, ou aucune"),
        ({"latitude": "nord"}, "latitude", "Saisissez un nombre"),
        ({"postcode": "590"}, "postcode", "5 chiffres"),
        ({"name": ""}, "name", "Ce champ est obligatoire"),
        ({"proposer_email": "pas-un-email"}, "proposer_email", "adresse de courriel valide"),
    ],
)
def test_invalid_field_gets_a_french_message_and_keeps_values(
    client, communes, categories, overrides, field, message
):
    response = post(client, new_actor(**overrides))
    assert response.status_code == 400
    html = response.content.decode()
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field])
    assert message in html
    assert "pas encore été envoyée" in html
    # Values typed elsewhere are still in the form.
    assert 'value="12 rue Nationale"' in html
    assert 'value="Épicerie Solidaire du Centre"' in html or field == "name"
    assert not Proposal.objects.exists()


def test_siret_of_an_existing_actor_points_to_a_change(client, published):
    services.update_organisation(published, {"siret": VALID_SIRET})
    response = post(client, new_actor())
    assert response.status_code == 400
    assert "La Boîte à Vélos" in " ".join(response.context["form"].errors["siret"])
    assert not Proposal.objects.exists()


def test_script_in_description_is_removed_and_reported(client, communes, categories):
    typed = '<p>Bonjour</p><script>alert("x")</script><p onclick="steal()">Atelier</p>'
    response = post(client, new_actor(description=typed))
    assert response.status_code == 400
    form = response.context["form"]
    assert "code" in " ".join(form.errors["description"])
    shown = form["description"].value()
    assert "<script" not in shown and "onclick" not in shown
    assert "Bonjour" in shown and "Atelier" in shown
    assert not Proposal.objects.exists()
    # Sent again as shown, it passes, sanitised.
    response = post(client, new_actor(description=shown))
    assert response.status_code == 302
    assert Proposal.objects.get().data["description"] == "<p>Bonjour</p><p>Atelier</p>"


def test_harmless_markup_is_sanitised_silently(client, communes, categories):
    typed = '<p>Un <em>tiers-lieu</em> <span class="x">ouvert</span></p><img src="x.png">'
    assert post(client, new_actor(description=typed)).status_code == 302
    assert Proposal.objects.get().data["description"] == "<p>Un <em>tiers-lieu</em> ouvert</p>"


def test_oversized_logo_is_refused(client, communes, categories):
    big = SimpleUploadedFile(
        "logo.png", png_bytes() + b"\0" * (2 * 1024 * 1024 + 10), content_type="image/png"
    )
    response = post(client, new_actor(logo=big))
    assert response.status_code == 400
    html = response.content.decode()
    message = " ".join(response.context["form"].errors["logo"])
    assert "logo" in message and "2 Mo" in message
    assert "choisir à nouveau le logo" in html  # browsers do not keep files: say so
    assert 'value="Épicerie Solidaire du Centre"' in html
    assert not Proposal.objects.exists()


def test_non_image_logo_is_refused(client, communes, categories):
    fake = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)></svg>", content_type="image/png")
    response = post(client, new_actor(logo=fake))
    assert response.status_code == 400
    message = " ".join(response.context["form"].errors["logo"])
    assert "image" in message and "PNG" in message
    assert not Proposal.objects.exists()


def test_a_real_logo_is_kept_with_the_proposal(client, communes, categories):
    logo = SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png")
    assert post(client, new_actor(logo=logo)).status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.logo.name.startswith("proposals/")
    with proposal.logo.open("rb") as stored:
        assert stored.read() == png_bytes()


# --- changes to an existing actor ----------------------------------------------------


def change_url(org):
    return reverse("directory:propose_change", kwargs={"slug": org.slug})


def current_form_values(client, org) -> dict:
    """What the change form holds before the person edits anything."""
    form = client.get(change_url(org)).context["form"]
    values = {}
    for name in form.fields:
        value = form[name].value()
        if name == "categories":
            values[name] = list(value or [])
        elif name == "logo" or value is None or value is False:
            continue
        else:
            values[name] = value
    values.update(proposer_name="Lou Dupont", proposer_email="lou@example.org")
    return values


def test_change_form_starts_from_the_current_values(client, published):
    response = client.get(change_url(published))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="La Boîte à Vélos"' in html
    assert 'value="Lille"' in html
    assert 'value="03 20 00 00 00"' in html


def test_only_changed_fields_are_stored(client, published):
    values = current_form_values(client, published)
    values.update(phone="03 20 99 99 99", categories=["mobilite", "tiers-lieux"])
    response = post(client, values, url=change_url(published))
    assert response.status_code == 302, response.context["form"].errors
    proposal = Proposal.objects.get()
    assert proposal.kind == Proposal.Kind.CHANGE
    assert proposal.organisation == published
    assert proposal.data == {"phone": "03 20 99 99 99", "categories": ["mobilite", "tiers-lieux"]}
    published.refresh_from_db()
    assert published.phone == "03 20 00 00 00"  # untouched until moderated


def test_description_kept_as_is_is_not_a_change(client, published):
    values = current_form_values(client, published)
    values["description"] = values["description"].replace("\n", "\r\n")
    values["commune"] = "59350"  # the same commune, typed as its code
    values["address"] = "5 rue des Arts"
    assert post(client, values, url=change_url(published)).status_code == 302
    assert Proposal.objects.get().data == {"address": "5 rue des Arts"}


def test_a_change_that_changes_nothing_is_refused(client, published):
    response = post(client, current_form_values(client, published), url=change_url(published))
    assert response.status_code == 400
    assert "rien modifié" in response.content.decode()
    assert not Proposal.objects.exists()


def test_change_with_bad_input_keeps_the_edits(client, published):
    values = current_form_values(client, published)
    values.update(phone="03 20 99 99 99", siret="111")
    response = post(client, values, url=change_url(published))
    assert response.status_code == 400
    assert 'value="03 20 99 99 99"' in response.content.decode()
    assert not Proposal.objects.exists()


def test_only_published_actors_can_get_change_proposals(client, published):
    services.update_organisation(published, {"status": Organisation.Status.ARCHIVED})
    assert client.get(change_url(published)).status_code == 404
    assert client.get("/acteurs/inconnu/proposer-une-modification/").status_code == 404


def test_representative_is_sent_to_the_direct_edit_page(client, role_users):
    own = role_users["own_organisation"]
    edit_url = reverse("directory:my_organisation_edit", kwargs={"slug": own.slug})
    client.force_login(role_users["representative"])
    response = client.get(change_url(own))
    assert response.status_code == 302
    assert response["Location"] == edit_url
    assert client.get(edit_url).status_code == 200
    # A member of the same organisation (not its representative) proposes like anyone.
    client.force_login(role_users["member"])
    assert client.get(change_url(own)).status_code == 200
    client.force_login(role_users["representative"])
    # Another organisation: an ordinary proposal form.
    other = role_users["other_organisation"]
    assert client.get(change_url(other)).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_simultaneous_requests_never_exceed_the_limit(settings):
    """A flood from one address at the same instant: exactly the limit gets through."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection, connections

    from tisser.directory.proposals import services as services_proposals

    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(
        "file:memorydb"
    ):
        pytest.skip("in-memory SQLite is not shared between threads")
    settings.TISSER_PROPOSALS_PER_HOUR = 3
    ip_hash = hash_client_address("192.0.2.50")

    def attempt(i):
        try:
            services_proposals.submit_proposal(
                kind="new",
                data={"name": f"flood {i}"},
                proposer_name="x",
                proposer_email="x@example.org",
                ip_hash=ip_hash,
            )
            return True
        except services_proposals.RateLimited:
            return False
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(attempt, range(12)))
    assert results.count(True) == 3
    assert Proposal.objects.filter(ip_hash=ip_hash).count() == 3
