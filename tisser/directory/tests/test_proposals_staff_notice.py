"""Staff who opted in are emailed about each new proposal, in their language."""

import re

import pytest
from django.urls import reverse

from tisser.accounts.models import User
from tisser.directory.models import Proposal

from .test_proposals import (  # noqa: F401 (published is a fixture)
    change_url,
    current_form_values,
    new_actor,
    post,
    published,
)


def subject(message) -> str:
    return " ".join(str(message["Subject"]).split())


def links_in(message) -> list[str]:
    text = message.get_body(preferencelist=("plain",)).get_content()
    return re.findall(r"https?://\S+", text)


@pytest.fixture
def staff(make_user):
    return {
        "admin_fr": make_user("admin@example.org", staff_role="admin", language="fr"),
        "admin_no": make_user(
            "admin-non@example.org", staff_role="admin", notify_new_proposals=False
        ),
        "editor_en": make_user(
            "editor@example.org", staff_role="editor", language="en", notify_new_proposals=True
        ),
        "editor_default": make_user("editeur@example.org", staff_role="editor"),
        "public_opted": make_user("public@example.org", notify_new_proposals=True),
        "retired": make_user(
            "ancien@example.org", staff_role="admin", notify_new_proposals=True, is_active=False
        ),
    }


def test_default_is_on_for_admins_off_for_editors_never_for_the_public(staff):
    assert staff["admin_fr"].wants_proposal_emails
    assert not staff["editor_default"].wants_proposal_emails
    assert staff["editor_en"].wants_proposal_emails
    assert not staff["admin_no"].wants_proposal_emails
    assert not staff["public_opted"].wants_proposal_emails
    assert not staff["retired"].wants_proposal_emails


@pytest.mark.django_db(transaction=True)
def test_a_new_proposal_emails_opted_in_staff_over_smtp(
    client, communes, categories, staff, smtp_server
):
    response = post(client, new_actor())
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    by_recipient = {message["To"]: message for message in smtp_server.messages}
    assert sorted(by_recipient) == ["admin@example.org", "editor@example.org"]

    french = by_recipient["admin@example.org"]
    assert subject(french) == "Nouvelle proposition : Épicerie Solidaire du Centre"
    body = french.get_body(preferencelist=("plain",)).get_content()
    assert "Camille Martin a proposé un nouvel acteur" in body
    review = f"http://127.0.0.1:8000{reverse('directory:moderation_detail', args=[proposal.pk])}"
    assert review in links_in(french)
    assert f"http://127.0.0.1:8000{reverse('directory:moderation')}" in links_in(french)
    assert french.get_body(preferencelist=("html",)) is not None

    english = by_recipient["editor@example.org"]
    assert subject(english) == "New proposal: Épicerie Solidaire du Centre"
    assert (
        "Camille Martin proposed a new actor"
        in english.get_body(preferencelist=("plain",)).get_content()
    )
    # The proposer's address is not handed around in the notice.
    assert "camille@example.org" not in body


@pytest.mark.django_db(transaction=True)
def test_a_proposed_change_is_announced_as_a_change(client, published, staff, smtp_server):  # noqa: F811
    values = current_form_values(client, published)
    values.update(phone="03 20 99 99 99")
    assert post(client, values, url=change_url(published)).status_code == 302
    subjects = {message["To"]: subject(message) for message in smtp_server.messages}
    assert (
        subjects["admin@example.org"]
        == "Nouvelle proposition : une modification de La Boîte à Vélos"
    )


@pytest.mark.django_db(transaction=True)
def test_a_refused_proposal_emails_nobody(
    client, communes, categories, staff, smtp_server, settings
):
    settings.TISSER_PROPOSALS_PER_HOUR = 1
    assert post(client, new_actor()).status_code == 302
    assert len(smtp_server.messages) == 2  # the admin and the editor who opted in
    response = post(client, new_actor(name="Deuxième essai"))
    assert response.status_code == 429
    assert Proposal.objects.count() == 1
    assert len(smtp_server.messages) == 2  # the refused one emailed nobody


def test_the_email_waits_for_the_commit(
    communes, categories, staff, mailoutbox, django_capture_on_commit_callbacks
):
    from tisser.directory.proposals import services as services_proposals

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services_proposals.submit_proposal(
            kind=Proposal.Kind.NEW,
            data={"name": "Ressourcerie"},
            proposer_name="Ana",
            proposer_email="ana@example.org",
            ip_hash="x",
        )
    assert mailoutbox == [] and len(callbacks) == 2


def test_only_staff_see_and_change_the_choice_on_their_profile(client, staff):
    profile = reverse("accounts:profile")
    client.force_login(staff["public_opted"])
    assert 'name="notify_new_proposals"' not in client.get(profile).content.decode()
    client.post(profile, {"first_name": "", "last_name": "", "language": ""})
    assert User.objects.get(email="public@example.org").notify_new_proposals is True  # untouched

    client.force_login(staff["admin_fr"])
    html = client.get(profile).content.decode()
    assert "Me prévenir des nouvelles propositions" in html
    assert re.search(r'name="notify_new_proposals"[^>]*checked', html)  # on by default
    client.post(profile, {"first_name": "Ad", "last_name": "Min", "language": "fr"})
    admin = User.objects.get(email="admin@example.org")
    assert admin.notify_new_proposals is False and not admin.wants_proposal_emails

    client.force_login(staff["editor_default"])
    assert not re.search(
        r'name="notify_new_proposals"[^>]*checked', client.get(profile).content.decode()
    )
    client.post(
        profile,
        {"first_name": "", "last_name": "", "language": "", "notify_new_proposals": "on"},
    )
    assert User.objects.get(email="editeur@example.org").wants_proposal_emails
