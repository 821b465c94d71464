# ruff: noqa: F811 - the fixtures imported from test_proposals are used as arguments
"""Moderating proposals: only staff; accepting applies through the services and tells the
proposer; rejecting needs a reason, which the proposer receives."""

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tisser.directory.contacts import services
from tisser.directory.models import Consent, Organisation, OrganisationRevision, Person, Proposal
from tisser.directory.proposals.services import hash_client_address, submit_proposal

from .test_proposals import (  # noqa: F401 - fixtures
    VALID_SIRET,
    png_bytes,
    published,
)


def make_proposal(
    kind="new", data=None, organisation=None, language="fr", consent=False, logo=None
):
    return submit_proposal(
        kind=kind,
        data=data
        if data is not None
        else {
            "name": "Café Coopératif",
            "legal_form": "scic",
            "siret": VALID_SIRET,
            "postcode": "59000",
            "commune": "59350",
            "categories": ["alimentation"],
            "description": "<p>Un café en SCIC.</p>",
            "email": "bonjour@cafe.example.org",
        },
        organisation=organisation,
        proposer_name="Camille Martin",
        proposer_email="camille@example.org",
        contact_consent=consent,
        consent_wording="J’accepte d’être contacté·e." if consent else "",
        language=language,
        ip_hash=hash_client_address("203.0.113.7"),
        logo=logo,
    )


@pytest.fixture
def editor(make_user):
    return make_user("editrice@example.org", staff_role="editor", first_name="Eva")


@pytest.fixture
def staff_client(client, editor):
    client.force_login(editor)
    return client


def accept_url(p):
    return reverse("directory:moderation_accept", kwargs={"pk": p.pk})


def reject_url(p):
    return reverse("directory:moderation_reject", kwargs={"pk": p.pk})


def detail_url(p):
    return reverse("directory:moderation_detail", kwargs={"pk": p.pk})


def test_urls_have_the_agreed_addresses():
    assert reverse("directory:propose") == "/proposer/"
    assert reverse("directory:propose_change", kwargs={"slug": "x"}) == (
        "/acteurs/x/proposer-une-modification/"
    )
    assert reverse("directory:moderation") == "/gestion/propositions/"
    assert reverse("directory:moderation_detail", kwargs={"pk": 7}) == "/gestion/propositions/7/"


def test_accepting_a_new_actor_publishes_it_records_history_and_emails_the_proposer(
    staff_client, editor, communes, categories, django_capture_on_commit_callbacks
):
    proposal = make_proposal()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(accept_url(proposal), {"note": "Vérifié au téléphone"})
    assert response.status_code == 302
    org = Organisation.objects.get()
    assert org.name == "Café Coopératif"
    assert org.status == Organisation.Status.PUBLISHED
    assert org.siret == VALID_SIRET
    assert org.commune_id == "59350"
    assert list(org.categories.values_list("slug", flat=True)) == ["alimentation"]
    revision = org.revisions.get(source=OrganisationRevision.Source.PROPOSAL)
    assert revision.source == OrganisationRevision.Source.PROPOSAL
    assert revision.author == editor
    assert f"{proposal.pk} de Camille Martin — Vérifié au téléphone" in revision.note
    assert revision.changes["name"][1] == "Café Coopératif"
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED
    assert proposal.organisation == org
    assert proposal.reviewed_by == editor and proposal.reviewed_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["camille@example.org"]
    assert message.reply_to == ["editrice@example.org"]
    assert "Café Coopératif" in message.subject
    assert "acceptée" in message.subject
    assert "Bonjour Camille Martin" in message.body
    assert f"{settings.SITE_URL}/acteurs/{org.slug}/" in message.body  # a link to see it
    assert message.alternatives and "Café Coopératif" in message.alternatives[0][0]


def test_accepting_a_change_updates_only_the_proposed_fields(
    staff_client, published, django_capture_on_commit_callbacks
):
    proposal = make_proposal(
        kind="change", organisation=published, data={"phone": "03 20 99 99 99"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert staff_client.post(accept_url(proposal)).status_code == 302
    published.refresh_from_db()
    assert published.phone == "03 20 99 99 99"
    assert published.name == "La Boîte à Vélos"
    assert list(published.categories.values_list("slug", flat=True)) == ["mobilite"]
    revision = published.revisions.filter(source=OrganisationRevision.Source.PROPOSAL).get()
    assert revision.changes == {"phone": ["03 20 00 00 00", "03 20 99 99 99"]}
    assert Organisation.objects.count() == 1
    assert len(mail.outbox) == 1
    assert "modification" in mail.outbox[0].body


def test_the_email_is_in_the_proposers_language(
    staff_client, communes, categories, django_capture_on_commit_callbacks
):
    proposal = make_proposal(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(accept_url(proposal))
    message = mail.outbox[0]
    assert message.subject == "Your proposal for Café Coopératif has been accepted"
    assert message.body.startswith("Hello Camille Martin,")


def test_rejecting_needs_a_reason(
    staff_client, communes, categories, django_capture_on_commit_callbacks
):
    proposal = make_proposal()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reject_url(proposal), {"reason": "  "})
    assert response.status_code == 400
    assert "Indiquez la raison" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PENDING
    assert mail.outbox == []


def test_rejecting_tells_the_proposer_why(
    staff_client, editor, communes, categories, django_capture_on_commit_callbacks
):
    proposal = make_proposal()
    reason = "Cette structure n'a pas d'activité dans la région & alentours."
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reject_url(proposal), {"reason": reason})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.REJECTED
    assert proposal.rejection_reason == reason
    assert proposal.reviewed_by == editor
    assert not Organisation.objects.exists()
    message = mail.outbox[0]
    assert message.to == ["camille@example.org"]
    assert reason in message.body  # plain text, not HTML-escaped
    assert "n’a pas été acceptée" in message.subject


def test_a_reviewed_proposal_cannot_be_reviewed_again(
    staff_client, communes, categories, django_capture_on_commit_callbacks
):
    proposal = make_proposal()
    staff_client.post(accept_url(proposal))
    response = staff_client.post(accept_url(proposal), follow=True)
    assert "déjà été traitée" in response.content.decode()
    response = staff_client.post(reject_url(proposal), {"reason": "doublon"}, follow=True)
    assert "déjà été traitée" in response.content.decode()
    assert Organisation.objects.count() == 1
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED


def test_accepting_fails_cleanly_when_the_data_no_longer_fits(staff_client, published):
    """The SIRET was taken by another actor after the proposal: nothing half-saved."""
    proposal = make_proposal()
    services.update_organisation(published, {"siret": VALID_SIRET})
    response = staff_client.post(accept_url(proposal))
    assert response.status_code == 400
    assert "La Boîte à Vélos" in response.content.decode()
    assert Organisation.objects.count() == 1
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PENDING


def test_consent_to_be_contacted_enters_the_contacts_base(staff_client, communes, categories):
    with_consent = make_proposal(consent=True)
    staff_client.post(accept_url(with_consent))
    person = Person.objects.get(email="camille@example.org")
    assert (person.first_name, person.last_name) == ("Camille", "Martin")
    consent = person.consents.get()
    assert consent.purpose == Consent.Purpose.CONTACT
    assert consent.method == Consent.Method.WEB_FORM
    assert consent.wording == "J’accepte d’être contacté·e."
    assert consent.at == with_consent.created_at


def test_no_consent_no_contact_record(staff_client, communes, categories):
    staff_client.post(accept_url(make_proposal(consent=False)))
    assert not Person.objects.exists()


def test_an_accepted_logo_becomes_the_actors_logo(staff_client, communes, categories):
    logo = SimpleUploadedFile("cafe.png", png_bytes(), content_type="image/png")
    staff_client.post(accept_url(make_proposal(logo=logo)))
    org = Organisation.objects.get()
    assert org.logo
    with org.logo.open("rb") as stored:
        assert stored.read() == png_bytes()


# --- what staff see -----------------------------------------------------------------


def test_queue_lists_pending_by_default_and_filters_by_status(staff_client, communes, categories):
    pending = make_proposal(data={"name": "Alpha Coop", "commune": "59350"})
    done = make_proposal(data={"name": "Beta Coop", "commune": "59350"})
    staff_client.post(reject_url(done), {"reason": "hors territoire"})
    html = staff_client.get(reverse("directory:moderation")).content.decode()
    assert "Alpha Coop" in html and "Beta Coop" not in html
    html = staff_client.get(reverse("directory:moderation") + "?status=rejected").content.decode()
    assert "Beta Coop" in html and "Alpha Coop" not in html
    html = staff_client.get(reverse("directory:moderation") + "?status=all").content.decode()
    assert "Beta Coop" in html and "Alpha Coop" in html
    assert detail_url(pending) in html


def test_detail_of_a_change_shows_current_and_proposed_values(staff_client, published):
    proposal = make_proposal(
        kind="change",
        organisation=published,
        data={"phone": "03 20 99 99 99", "categories": ["alimentation", "mobilite"]},
    )
    response = staff_client.get(detail_url(proposal))
    assert response.status_code == 200
    rows = {row.field: row for row in response.context["changes"]}
    assert set(rows) == {"phone", "categories"}
    assert rows["phone"].current == "03 20 00 00 00"
    assert rows["phone"].proposed == "03 20 99 99 99"
    assert rows["categories"].current == "Mobilité"
    assert rows["categories"].proposed == "Alimentation, Mobilité"
    html = response.content.decode()
    assert "03 20 00 00 00" in html and "03 20 99 99 99" in html
    assert "camille@example.org" in html  # staff see who proposed


def test_detail_of_a_new_actor_warns_of_a_possible_duplicate(staff_client, published):
    proposal = make_proposal(data={"name": "La boite a velos", "commune": "59350"})
    response = staff_client.get(detail_url(proposal))
    assert response.context["duplicates"] == [published]
    assert "Doublon possible" in response.content.decode()
    fresh = make_proposal(data={"name": "Tout autre chose", "commune": "59350"})
    assert staff_client.get(detail_url(fresh)).context["duplicates"] == []


def test_description_is_shown_sanitised_to_staff(staff_client, communes):
    proposal = make_proposal(data={"name": "X", "description": "<p>ok</p><script>bad()</script>"})
    html = staff_client.get(detail_url(proposal)).content.decode()
    assert "<p>ok</p>" in html and "bad()" not in html


# --- who may moderate ---------------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", "public", "representative", "member"])
def test_only_staff_moderate(client, role_users, communes, role):
    proposal = make_proposal()
    user = role_users[role]
    if user is not None:
        client.force_login(user)
    urls = [reverse("directory:moderation"), detail_url(proposal)]
    for url in urls:
        response = client.get(url)
        if user is None:
            assert response.status_code == 302 and "/compte/connexion/" in response["Location"]
        else:
            assert response.status_code == 403
    for url, data in [(accept_url(proposal), {}), (reject_url(proposal), {"reason": "non"})]:
        response = client.post(url, data)
        assert response.status_code == (302 if user is None else 403)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PENDING
    assert not Organisation.objects.filter(name="Café Coopératif").exists()


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_staff_editors_and_admins_moderate(client, role_users, communes, categories, role):
    proposal = make_proposal()
    client.force_login(role_users[role])
    assert client.get(reverse("directory:moderation")).status_code == 200
    assert client.get(detail_url(proposal)).status_code == 200
    assert client.post(accept_url(proposal)).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED


def test_accept_and_reject_only_by_post(staff_client, communes):
    proposal = make_proposal()
    assert staff_client.get(accept_url(proposal)).status_code == 405
    assert staff_client.get(reject_url(proposal)).status_code == 405


def test_staff_find_the_queue_in_the_main_navigation(client, role_users):
    url = reverse("directory:moderation")
    client.force_login(role_users["public"])
    assert f'href="{url}"' not in client.get("/").content.decode()
    client.force_login(role_users["editor"])
    html = client.get("/").content.decode()
    # In the staff bar's "Contacts" group.
    assert f'<a href="{url}">' in html.split('class="staff-bar"', 1)[1]
