"""Claims to belong to or represent an organisation: granted, never claimed.

A claim gives no right; the organisation's verified representatives are emailed (in their
language) signed, expiring links that decide once; staff decide on one page; a forged,
expired or reused link changes nothing; an archived organisation cannot be claimed.
"""

from __future__ import annotations

import re
import time
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse

from tisser.directory import permissions
from tisser.directory.contacts import queries_claims, services, services_claims
from tisser.directory.contacts.services_claims import ACCEPT, REFUSE
from tisser.directory.models import Affiliation, Organisation, Person

pytestmark = pytest.mark.django_db
Source = Affiliation.Source


@pytest.fixture
def coop(db):
    return Organisation.objects.create(name="Coop Manau", slug="coop-manau", is_member=True)


@pytest.fixture
def rita(coop, make_user):
    """The verified representative, who reads Tisser in English."""
    user = make_user("rita@coop-manau.example.org", language="en")
    person = Person.objects.create(first_name="Rita", last_name="Rep", email=user.email, user=user)
    return services.affiliate(person, coop, role="Gérante", is_representative=True)


@pytest.fixture
def claimant(make_user):
    user = make_user("claude@example.org")
    person = Person.objects.create(
        first_name="Claude", last_name="Demandeur", email=user.email, user=user
    )
    return person


def claim(person, org, **kwargs):
    kwargs.setdefault("source", Source.MEMBERSHIP_FORM)
    kwargs.setdefault("representative", True)
    kwargs.setdefault("detail", "2026")
    kwargs.setdefault("language", "fr")
    return services_claims.claim(person, org, **kwargs)


def links_in(message) -> dict:
    body = message.body
    accept = re.search(r"(?:Confirm|Confirmer)\s?: (\S+)", body).group(1)
    refuse = re.search(r"(?:Refuse|Refuser)\s?: (\S+)", body).group(1)
    return {ACCEPT: accept, REFUSE: refuse}


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


# --- a claim gives nothing ------------------------------------------------------------


def test_a_claim_gives_no_right_and_says_so(
    client, coop, claimant, django_capture_on_commit_callbacks
):
    link = claim(claimant, coop)
    assert (link.status, link.claims_representation, link.is_representative) == (
        "claimed",
        True,
        False,
    )
    assert (link.claim_email, link.claim_detail, link.claim_language) == (
        "claude@example.org",
        "2026",
        "fr",
    )
    user = claimant.user
    assert not permissions.represented_organisations(user).exists()
    assert not permissions.can_edit_organisation(user, coop)
    assert not permissions.is_member_user(user)
    assert list(Affiliation.objects.representatives()) == []
    client.force_login(user)
    edit = reverse("directory:my_organisation_edit", args=[coop.slug])
    assert client.get(edit).status_code == 403
    page = client.get(reverse("directory:my_organisations")).content.decode()
    assert "Votre demande pour représenter Coop Manau attend une confirmation." in page
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert "Votre demande pour représenter Coop Manau attend une confirmation." in profile


def test_the_representative_is_emailed_in_their_language_not_the_claimant(
    coop, rita, claimant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        claim(claimant, coop)
    assert [m.to for m in mail.outbox] == [["rita@coop-manau.example.org"]]
    message = mail.outbox[0]
    assert message.subject == "Claude Demandeur asks to represent Coop Manau"
    assert "claude@example.org" in message.body and "Membership form — 2026" in message.body
    assert set(links_in(message)) == {ACCEPT, REFUSE}
    # Asking again while it waits sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        claim(claimant, coop)
    assert len(mail.outbox) == 1


def test_an_organisation_without_representative_waits_for_staff(
    client, coop, claimant, make_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        link = claim(claimant, coop)
    assert mail.outbox == []
    editor = make_user("editeur@example.org", staff_role="editor")
    client.force_login(editor)
    page = client.get(reverse("directory:staff_claims")).content.decode()
    assert "Claude Demandeur" in page and "Coop Manau" in page
    assert "Formulaire d’adhésion — 2026" in page and "claude@example.org" in page
    assert "seule l’équipe peut décider" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("directory:staff_claim_accept", args=[link.pk]))
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.is_representative and link.status == "verified"
    assert (link.reviewed_by, link.reviewed_by_person) == (editor, None)
    assert link.reviewed_at is not None and not link.claims_representation
    assert permissions.can_edit_organisation(claimant.user, coop)
    # The person is told, in the language of the request.
    assert [m.to for m in mail.outbox] == [["claude@example.org"]]
    assert mail.outbox[0].subject == "Vous représentez désormais Coop Manau"
    # A second click changes nothing and says so.
    again = client.post(reverse("directory:staff_claim_refuse", args=[link.pk]), follow=True)
    assert "Cette demande a déjà été traitée." in again.content.decode()
    link.refresh_from_db()
    assert link.is_representative


def test_staff_refuse_in_one_click_and_a_refused_claim_stays_refused(
    client, coop, rita, claimant, make_user, django_capture_on_commit_callbacks
):
    link = claim(claimant, coop)
    client.force_login(make_user("editeur@example.org", staff_role="editor"))
    assert client.get(reverse("directory:staff_claim_refuse", args=[link.pk])).status_code == 405
    client.post(reverse("directory:staff_claim_refuse", args=[link.pk]))
    link.refresh_from_db()
    assert link.status == "refused" and not link.claims_representation
    assert not permissions.represented_organisations(claimant.user).exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = claim(claimant, coop)
    assert again.status == "refused" and mail.outbox == []  # no second email to Rita
    client.force_login(claimant.user)
    page = client.get(reverse("directory:my_organisations")).content.decode()
    assert "Votre demande concernant Coop Manau n’a pas été confirmée" in page


# --- the emailed links --------------------------------------------------------------------


def test_the_link_shows_then_decides_once(
    client, coop, rita, claimant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        link = claim(claimant, coop)
    urls = links_in(mail.outbox[0])
    mail.outbox.clear()
    accept = path_of(urls[ACCEPT])
    page = client.get(accept)  # a mail scanner following the link decides nothing
    assert page.status_code == 200 and "Claude Demandeur" in page.content.decode()
    link.refresh_from_db()
    assert link.status == "claimed"
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(accept)
    assert done.status_code == 200
    link.refresh_from_db()
    assert link.is_representative and link.reviewed_by_person == rita.person
    assert link.reviewed_by == rita.person.user
    assert [m.to for m in mail.outbox] == [["claude@example.org"]]
    # The same link, or the refuse link, used again: "already decided", nothing changes.
    for url in (accept, path_of(urls[REFUSE])):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 409
            assert "Cette demande a déjà été traitée" in response.content.decode()
    link.refresh_from_db()
    assert link.is_representative and link.status == "verified"


def test_refuse_link(client, coop, rita, claimant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        link = claim(claimant, coop)
    refuse = path_of(links_in(mail.outbox[0])[REFUSE])
    assert "Refuser cette demande" in client.get(refuse).content.decode()
    client.post(refuse)
    link.refresh_from_db()
    assert link.status == "refused" and link.reviewed_by_person == rita.person
    assert client.post(path_of(links_in(mail.outbox[0])[ACCEPT])).status_code == 409
    link.refresh_from_db()
    assert link.status == "refused"


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-4] + ("AAAA" if not t.endswith("AAAA") else "BBBB"),
        lambda t: t[: len(t) // 2],
        lambda t: t + "\x00",
        lambda t: "inf",
        lambda t: "%00",
    ],
    ids=["altered", "cut", "nul", "inf", "escaped-nul"],
)
def test_a_forged_link_gets_a_clear_page_and_changes_nothing(client, coop, rita, claimant, mangle):
    link = claim(claimant, coop)
    token = services_claims.decision_token(link, rita, ACCEPT)
    url = reverse("directory:claim_decision", args=["TOKEN"]).replace("TOKEN", mangle(token))
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code in (400, 404)
        if response.status_code == 400:
            # The link's own page, or the request guard's page for a NUL in the address.
            page = response.content.decode()
            assert "Ce lien n’est pas valide" in page or "caractère NUL" in page
            assert "Rien n’a été modifié" in page or "Ce lien n’est pas valide" in page
    link.refresh_from_db()
    assert link.status == "claimed"


def test_an_expired_link_gets_a_clear_page_and_changes_nothing(client, coop, rita, claimant):
    link = claim(claimant, coop)
    old = time.time() - 15 * 86400  # the links last 14 days
    with mock.patch("django.core.signing.time.time", return_value=old):
        token = services_claims.decision_token(link, rita, ACCEPT)
    url = reverse("directory:claim_decision", args=[token])
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 400
        assert "Ce lien a expiré" in response.content.decode()
    link.refresh_from_db()
    assert link.status == "claimed"


def test_a_link_of_an_earlier_claim_is_dead(client, coop, rita, claimant, make_user):
    link = claim(claimant, coop, representative=False)
    token = services_claims.decision_token(link, rita, ACCEPT)
    client.force_login(make_user("editeur@example.org", staff_role="editor"))
    client.post(reverse("directory:staff_claim_accept", args=[link.pk]))
    link = claim(claimant, coop)  # verified colleague, now asking to represent
    assert link.status == "verified" and link.claims_representation
    assert client.post(reverse("directory:claim_decision", args=[token])).status_code == 409
    link.refresh_from_db()
    assert link.claims_representation and not link.is_representative


def test_only_a_current_representative_decides(client, coop, rita, claimant):
    link = claim(claimant, coop)
    token = services_claims.decision_token(link, rita, ACCEPT)
    services.update_affiliation(rita, role="Ancienne gérante", is_representative=False)
    response = client.post(reverse("directory:claim_decision", args=[token]))
    assert response.status_code == 403
    assert "Seul·e un·e représentant·e de Coop Manau" in response.content.decode()
    link.refresh_from_db()
    assert link.status == "claimed"
    # Nor may a link name the claimant as their own reviewer.
    own = services_claims.decision_token(link, link, ACCEPT)
    assert client.post(reverse("directory:claim_decision", args=[own])).status_code == 403
    link.refresh_from_db()
    assert link.status == "claimed"


# --- what a claim may not do -------------------------------------------------------------


def test_a_claim_on_an_archived_organisation_is_refused_with_a_message(coop, claimant):
    coop.status = Organisation.Status.ARCHIVED
    coop.save()
    with pytest.raises(services_claims.ClaimError) as error:
        claim(claimant, coop)
    assert "est archivée" in error.value.message
    assert not Affiliation.objects.exists()


def test_claims_on_one_organisation_are_emailed_a_few_a_day(
    coop, rita, settings, django_capture_on_commit_callbacks
):
    settings.TISSER_CLAIM_EMAILS_PER_DAY = 2
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(4):
            person = Person.objects.create(first_name=f"Inconnu{i}", email=f"x{i}@example.org")
            claim(person, coop)
    assert len(mail.outbox) == 2
    assert queries_claims.pending_claims().count() == 4  # the others wait for staff


def test_a_verified_colleague_asking_to_represent_keeps_member_rights_while_waiting(
    coop, rita, claimant
):
    services.affiliate(claimant, coop)
    assert permissions.is_member_user(claimant.user)
    link = claim(claimant, coop)
    assert link.status == "verified" and link.claims_representation
    assert permissions.is_member_user(claimant.user)
    assert not permissions.can_edit_organisation(claimant.user, coop)
    services_claims.accept(link.pk, by=None)
    assert permissions.can_edit_organisation(claimant.user, coop)


def test_staff_adding_a_person_verifies_the_link(client, coop, claimant, make_user):
    link = claim(claimant, coop)
    editor = make_user("editeur@example.org", staff_role="editor")
    client.force_login(editor)
    client.post(
        reverse("directory:staff_add_person", args=[coop.pk]),
        {"email": claimant.email, "role": "Trésorier", "is_representative": "on"},
    )
    link.refresh_from_db()
    assert link.status == "verified" and link.is_representative
    assert link.reviewed_by == editor and not link.claims_representation


def test_staff_pages_tell_claims_from_verified_links(client, coop, rita, claimant, make_user):
    link = claim(claimant, coop)
    client.force_login(make_user("editeur@example.org", staff_role="editor"))
    page = client.get(reverse("directory:staff_detail", args=[coop.pk])).content.decode()
    assert "demande à représenter — non confirmé" in page
    edit = client.get(reverse("directory:staff_affiliation", args=[link.pk])).content.decode()
    assert "Formulaire d’adhésion — 2026" in edit and "Confirmer comme représentant" in edit


def test_the_database_refuses_an_unverified_representative(coop, claimant):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Affiliation.objects.create(
            person=claimant, organisation=coop, status="claimed", is_representative=True
        )


def test_merging_two_records_keeps_the_verified_link(coop, claimant, make_user):
    twin = Organisation.objects.create(name="Coop Manau (doublon)", slug="coop-manau-2")
    claim(claimant, coop)
    services.affiliate(claimant, twin, is_representative=True)
    services.merge_organisations(coop, twin, author=None)
    link = Affiliation.objects.get(person=claimant)
    assert link.organisation == coop and link.is_representative and link.status == "verified"
    assert not link.claims_representation


def test_a_proven_address_links_the_account_to_its_contact(make_user):
    from tisser.accounts.models import User
    from tisser.accounts.signals import email_verified

    person = Person.objects.create(first_name="Nadia", email="nadia@example.org")
    unverified = make_user("nadia@example.org", email_verified=False)
    email_verified.send(sender=User, user=unverified)
    person.refresh_from_db()
    assert person.user is None  # anyone could have typed the address
    unverified.email_verified = True
    unverified.save()
    email_verified.send(sender=User, user=unverified)
    person.refresh_from_db()
    assert person.user == unverified
    # Never over another account.
    earlier = make_user("ancienne.adresse@example.org")
    other = Person.objects.create(first_name="Autre", email="autre@example.org", user=earlier)
    newcomer = make_user("autre@example.org")
    email_verified.send(sender=User, user=newcomer)
    other.refresh_from_db()
    assert other.user == earlier
