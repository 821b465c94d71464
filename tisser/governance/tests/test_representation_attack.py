"""The attack that opened an organisation's secret ballot to a stranger, end to end over
HTTP with a real SMTP server on loopback and real commits (so every email goes through
the task queue after its transaction, as in production).

A stranger sends the public membership form naming a member organisation: they get no
right and no voting link, the thank-you page shows nothing of the organisation's
membership; the organisation's verified representative receives the claim by email (in
her language), accepts it with the link, and only then the claimant can edit the entry
and vote.
"""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tisser.directory.models import Affiliation, Organisation, Person
from tisser.directory.tests.conftest import (
    VALID_SIRET,
    communes,  # noqa: F401  (a fixture used here)
)
from tisser.governance.models import Participation

from .conftest import REPRESENTATIVE as RITA
from .conftest import member_with_open_vote

PASSWORD = "motdepasse-solide-42"
STRANGER = "intrus@example.org"
LINK = re.compile(r"https?://\S+")


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def to(smtp, address):
    return [m for m in smtp.messages if m["To"] == address]


@pytest.fixture
def network(make_user, communes):  # noqa: F811
    return {
        **member_with_open_vote(make_user, {"siret": VALID_SIRET, "legal_form": "scop"}),
        "editor": make_user("editeur@example.org", staff_role="editor"),
    }


def join_form(year, **overrides):
    data = {
        "year": str(year.pk),
        "name": "Coop Manau",
        "siret": VALID_SIRET,  # public: on the map and in every register
        "legal_form": "scop",
        "workforce": "",
        "address": "1 place du Théâtre",
        "postcode": "59000",
        "commune": "Lille",
        "first_name": "Ivan",
        "last_name": "Intrus",
        "role": "Président",
        "email": STRANGER,
        "phone": "",
        "consent": "on",
    }
    data.update(overrides)
    return data


def sign_up_and_verify(client, smtp):
    """The stranger makes an account with their own address and proves they own it."""
    response = client.post(
        reverse("accounts:signup"),
        {
            "email": STRANGER,
            "first_name": "Ivan",
            "last_name": "Intrus",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    (message,) = [m for m in to(smtp, STRANGER) if "/compte/verification/" in text_of(m)]
    (link,) = [u for u in LINK.findall(text_of(message)) if "/compte/verification/" in u]
    assert client.get(path_of(link)).status_code in (200, 302)


@pytest.mark.django_db(transaction=True)
def test_a_public_form_naming_a_member_gives_nothing_until_its_representative_accepts(
    network, smtp_server
):
    cache.clear()  # the one-message-a-minute limit of account emails, from other tests
    coop, voter, motion = network["coop"], network["voter"], network["motion"]
    stranger = Client()

    # 1. The public membership form, naming the member organisation.
    response = stranger.post(reverse("memberships:join"), join_form(network["year"]))
    assert response.status_code == 302, response.context["form"].errors
    done = stranger.get(response["Location"]).content.decode()
    assert "Votre demande pour représenter Coop Manau attend une confirmation." in done
    assert "Montant dû" not in done and "Validée" not in done  # its membership stays private
    claim = Affiliation.objects.get(person__email=STRANGER)
    assert (claim.status, claim.claims_representation, claim.is_representative) == (
        "claimed",
        True,
        False,
    )
    assert list(Affiliation.objects.representatives().filter(organisation=coop)) == [
        Affiliation.objects.get(person=network["rita"])
    ]
    # Rita received the claim at the SMTP server, in English, with two links.
    (claim_mail,) = to(smtp_server, RITA)
    assert claim_mail["Subject"] == "Ivan Intrus asks to represent Coop Manau"
    body = text_of(claim_mail)
    assert STRANGER in body and "Membership form" in body
    accept_url = re.search(r"Confirm: (\S+)", body).group(1)
    refuse_url = re.search(r"Refuse: (\S+)", body).group(1)
    assert accept_url != refuse_url

    # 2. Staff issue new voting links for Coop Manau: they go to Rita alone.
    staff = Client()
    staff.force_login(network["editor"])
    smtp_server.messages.clear()
    staff.post(
        reverse("governance:staff_attendance", args=[network["assembly"].pk]),
        {"action": "reissue", "voter": voter.pk},
    )
    assert [m["To"] for m in smtp_server.messages] == [RITA]
    assert "/vote/" in text_of(smtp_server.messages[0])
    # The staff page of the assembly names Rita as the one its links go to.
    page = staff.get(reverse("governance:staff_assembly", args=[network["assembly"].pk]))
    assert f"Rita Rep &lt;{RITA}&gt;" in page.content.decode()
    assert "Ivan" not in page.content.decode()

    # 3. With an account on the same (proven) address, still no right at all.
    sign_up_and_verify(stranger, smtp_server)
    assert Person.objects.get(email=STRANGER).user.email == STRANGER
    edit = reverse("directory:my_organisation_edit", args=[coop.slug])
    assert stranger.get(edit).status_code == 403
    assert stranger.post(edit, {"name": "Coop Détournée"}).status_code == 403
    votes = stranger.get(reverse("governance:my_votes")).content.decode()
    assert "/vote/" not in votes and "attend une confirmation" in votes
    proxy = reverse("governance:proxy", args=[network["assembly"].slug, voter.pk])
    assert stranger.get(proxy).status_code == 403
    assert not [m for m in to(smtp_server, STRANGER) if "/vote/" in text_of(m)]

    # 4. Rita opens her link (nothing happens on opening), then confirms.
    rita_browser = Client()
    assert "Ivan Intrus" in rita_browser.get(path_of(accept_url)).content.decode()
    claim.refresh_from_db()
    assert claim.status == "claimed"
    smtp_server.messages.clear()
    assert rita_browser.post(path_of(accept_url)).status_code == 200
    claim.refresh_from_db()
    assert claim.is_representative and claim.reviewed_by_person == network["rita"]
    (told,) = to(smtp_server, STRANGER)
    assert told["Subject"] == "Vous représentez désormais Coop Manau"
    # Her refuse link, and the accept link again, now change nothing.
    for url in (refuse_url, accept_url):
        assert rita_browser.post(path_of(url)).status_code == 409
    claim.refresh_from_db()
    assert claim.is_representative

    # 5. Only now the claimant edits the entry and votes for Coop Manau.
    form = stranger.get(edit)
    assert form.status_code == 200
    data = {k: v for k, v in form.context["form"].initial.items() if v is not None}
    data.update(name="Coop Manau", description="<p>Coopérative d’activités.</p>")
    data.pop("categories", None)
    data.pop("logo", None)
    assert stranger.post(edit, data).status_code == 302
    assert "Coopérative d’activités" in Organisation.objects.get(pk=coop.pk).description
    votes = stranger.get(reverse("governance:my_votes")).content.decode()
    (ballot,) = re.findall(r'href="(/vote/[^"]+/)"', votes)
    voted = stranger.post(ballot, {"choice": "for"})
    assert voted.status_code == 200
    assert Participation.objects.get(motion=motion).voter == voter
