"""The shared agenda: a representative proposes their organisation's event, staff accept
or reject it with a reason, the proposer is told over real SMTP in their language; a
partner event carries only its external registration link; calls for proposals take
answers from anyone (honeypot, rate limit) and staff export them."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tisser.events.models import Event, EventProposal
from tisser.events.models_proposals import CallForProposals, CallSubmission

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep_client(client, role_users):
    client.force_login(role_users["representative"])
    return client


def _form(kinds, org, **extra):
    return {
        "organisation": org.pk,
        "title": "Rendez-vous régional de la vie associative",
        "kind": kinds["rencontre"].pk,
        "summary": "Un temps fort pour la cause associative",
        "description": "<p>Le LMA propose <script>x()</script>un temps fort.</p>",
        "starts_at": "2027-07-01T09:00",
        "ends_at": "2027-07-01T17:00",
        "venue_name": "Université d'Artois",
        "commune": "Arras",
        "external_registration_url": "https://example.org/inscription-lma",
        **extra,
    }


def test_accepted_proposal_is_published_and_the_proposer_told_in_english(
    rep_client, role_users, kinds, communes, smtp_server, django_capture_on_commit_callbacks
):
    org = role_users["own_organisation"]
    response = rep_client.post(
        reverse("events:propose_event"), _form(kinds, org), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 302
    proposal = EventProposal.objects.get()
    event = proposal.event
    assert event.status == Event.Status.PROPOSED and "<script>" not in event.description
    assert event.commune == communes["arras"] and event.is_external
    # Not public while pending.
    assert rep_client.get(event.get_absolute_url()).status_code == 404
    staff = role_users["editor"]
    rep_client.force_login(staff)
    queue = rep_client.get(reverse("events:staff_proposals")).content.decode()
    assert "Rendez-vous régional de la vie associative" in queue
    with django_capture_on_commit_callbacks(execute=True):
        rep_client.post(
            reverse("events:staff_review_proposal", args=[proposal.pk]), {"action": "accept"}
        )
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    page = rep_client.get(event.get_absolute_url()).content.decode()
    assert "https://example.org/inscription-lma" in page
    (message,) = smtp_server.messages
    assert message["To"] == role_users["representative"].email
    assert message["Subject"].strip().startswith("Your event “Rendez-vous")
    assert "is now in the agenda" in message.get_body(("plain",)).get_content()
    assert message["Reply-To"] == staff.email


def test_rejection_needs_a_reason_and_sends_it_in_french(
    rep_client, role_users, kinds, communes, smtp_server, django_capture_on_commit_callbacks
):
    rep_client.post(reverse("events:propose_event"), _form(kinds, role_users["own_organisation"]))
    proposal = EventProposal.objects.get()
    assert proposal.language == "fr"
    rep_client.force_login(role_users["editor"])
    url = reverse("events:staff_review_proposal", args=[proposal.pk])
    with django_capture_on_commit_callbacks(execute=True):
        rep_client.post(url, {"action": "reject", "reason": "  "})
    proposal.refresh_from_db()
    assert proposal.is_pending and not smtp_server.messages
    with django_capture_on_commit_callbacks(execute=True):
        rep_client.post(url, {"action": "reject", "reason": "Hors du territoire du réseau."})
    proposal.refresh_from_db()
    assert proposal.status == EventProposal.Status.REJECTED
    assert proposal.event.status == Event.Status.PROPOSED
    (message,) = smtp_server.messages
    assert "n’a pas été retenu" in message["Subject"]
    assert "Hors du territoire du réseau." in message.get_body(("plain",)).get_content()
    # Reviewed once only.
    response = rep_client.post(url, {"action": "accept"}, follow=True)
    assert "Cette proposition a déjà été" in response.content.decode()


def test_bad_input_keeps_what_was_typed(rep_client, role_users, kinds, communes):
    data = _form(kinds, role_users["own_organisation"], ends_at="2027-06-30T09:00")
    response = rep_client.post(reverse("events:propose_event"), data)
    body = response.content.decode()
    assert response.status_code == 200 and "ne peut pas finir avant de commencer" in body
    assert "Rendez-vous régional de la vie associative" in body
    data = _form(kinds, role_users["own_organisation"], commune="Nullepart")
    body = rep_client.post(reverse("events:propose_event"), data).content.decode()
    assert "Nullepart" in body and not EventProposal.objects.exists()


def test_honeypot_and_rate_limit(rep_client, role_users, kinds, communes, settings):
    org = role_users["own_organisation"]
    rep_client.post(reverse("events:propose_event"), _form(kinds, org, homepage="http://spam"))
    assert not EventProposal.objects.exists()
    settings.TISSER_PROPOSALS_PER_HOUR = 2
    for _ in range(2):
        assert (
            rep_client.post(reverse("events:propose_event"), _form(kinds, org)).status_code == 302
        )
    response = rep_client.post(reverse("events:propose_event"), _form(kinds, org))
    assert response.status_code == 200 and "trop de propositions" in response.content.decode()
    assert EventProposal.objects.count() == 2


@pytest.fixture
def call(rencontre):
    return CallForProposals.objects.create(
        title="Rencontre des Solidaires 2027",
        slug="rencontre-2027",
        text="Vos propositions de thème et de lieu sont les bienvenues !",
        event=rencontre,
    )


def test_call_for_proposals_form_and_staff_export(client, role_users, call, settings):
    url = reverse("events:call", args=[call.slug])
    event_page = client.get(call.event.get_absolute_url()).content.decode()
    assert f'href="{url}"' in event_page
    page = client.get(url).content.decode()
    assert "Vos propositions de thème et de lieu" in page
    response = client.post(url, {"name": "Zoé", "email": "zoe@example.org"})
    assert "Proposez un thème, un lieu" in response.content.decode()
    client.post(url, {"name": "Robot", "email": "r@example.org", "theme": "x", "homepage": "y"})
    assert not CallSubmission.objects.exists()
    response = client.post(
        url,
        {
            "name": "Zoé Martin",
            "email": "zoe@example.org",
            "organisation_name": "Tiers-lieu La Base",
            "theme": "Nos démocraties désirables, suite",
            "venue": "Louvre-Lens Vallée",
        },
    )
    assert response.status_code == 302
    settings.TISSER_PROPOSALS_PER_HOUR = 1
    again = client.post(url, {"name": "Zoé", "email": "zoe@example.org", "theme": "encore"})
    assert "trop de propositions" in again.content.decode()
    assert CallSubmission.objects.count() == 1
    client.force_login(role_users["editor"])
    listing = client.get(reverse("events:staff_call", args=[call.pk])).content.decode()
    assert "Louvre-Lens Vallée" in listing and "zoe@example.org" in listing
    xlsx = client.get(reverse("events:staff_call_export", args=[call.pk, "xlsx"])).content
    rows = list(load_workbook(io.BytesIO(xlsx)).active.iter_rows(values_only=True))
    assert rows[1][:5] == (
        "Zoé Martin",
        "zoe@example.org",
        "Tiers-lieu La Base",
        "Nos démocraties désirables, suite",
        "Louvre-Lens Vallée",
    )


def test_closed_call_takes_nothing(client, call):
    call.is_open = False
    call.save()
    url = reverse("events:call", args=[call.slug])
    response = client.post(url, {"name": "Zoé", "email": "zoe@example.org", "theme": "x"})
    assert "Cet appel à propositions est clos." in response.content.decode()
    assert not CallSubmission.objects.exists()
