"""The governance pages: the permission matrix of the six roles, the ballot behind its
link (refusals shown in the user's language), receipts, results after the close only,
proxies and attendance from the representative's side, the minutes PDF."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tisser.governance import services, services_ballot, services_count
from tisser.governance.models import Ballot, Motion, Voter
from tisser.governance.tokens import make_vote_token
from tisser.memberships import services as membership_services

from .conftest import make_members

pytestmark = pytest.mark.django_db
ROLES = ("anonymous", "public", "claimant", "representative", "member", "editor", "admin")


@pytest.fixture
def network(role_users):
    """Coop Manau (the representative's) is a member in good standing, with 3 others."""
    year = membership_services.ensure_year(timezone.localdate().year)
    m, _ = membership_services.request_membership(role_users["own_organisation"], year)
    membership_services.validate_membership(m)
    others = make_members(3)
    assembly = services.create_assembly(
        title="AG 2026",
        starts_at=timezone.now() + datetime.timedelta(hours=2),
        place="Bazaar St So",
        agenda=["Rapport d'activité"],
    )
    services.draw_up_register(assembly)
    services.convene(assembly)
    election = services_ballot.add_motion(
        assembly, kind=Motion.Kind.ELECTION, title="Élection du Collectif", seats=24
    )
    for org in [role_users["own_organisation"], *others]:
        services_ballot.add_candidacy(election, org, statement="Nous voulons tisser des liens.")
    services_ballot.open_motion(election)
    from tisser.governance.models_groups import WorkingGroup

    WorkingGroup.objects.create(name="Vie de réseau", slug="vie-de-reseau", kind="network_life")
    return {**role_users, "assembly": assembly, "election": election, "others": others}


def client_for(client, user):
    if user is not None:
        client.force_login(user)
    return client


STAFF = {
    "anonymous": "login",
    "public": 403,
    "claimant": 403,
    "representative": 403,
    "member": 403,
    "editor": 200,
    "admin": 200,
}
PUBLIC = dict.fromkeys(ROLES, 200)
LOGGED_IN = {**PUBLIC, "anonymous": "login"}


def matrix_rows(n):
    a, m = n["assembly"], n["election"]
    own_voter = Voter.objects.get(assembly=a, organisation=n["own_organisation"])
    return [
        ("groups", reverse("governance:groups"), PUBLIC),
        ("group", reverse("governance:group", args=["vie-de-reseau"]), PUBLIC),
        (
            "group write",
            reverse("governance:group_write", args=["vie-de-reseau"]),
            {**STAFF, "public": 403, "claimant": 403},
        ),
        ("assemblies", reverse("governance:assemblies"), PUBLIC),
        ("assembly", reverse("governance:assembly", args=[a.slug]), PUBLIC),
        ("results before close", reverse("governance:results", args=[a.slug, m.pk]), PUBLIC),
        ("receipts", reverse("governance:receipts", args=[a.slug, m.pk]), PUBLIC),
        ("my votes", reverse("governance:my_votes"), LOGGED_IN),
        (
            "proxy",
            reverse("governance:proxy", args=[a.slug, own_voter.pk]),
            {**dict.fromkeys(ROLES, 403), "anonymous": "login", "representative": 200},
        ),
        ("staff list", reverse("governance:staff_assemblies"), STAFF),
        ("staff detail", reverse("governance:staff_assembly", args=[a.pk]), STAFF),
        ("attendance", reverse("governance:staff_attendance", args=[a.pk]), STAFF),
        ("quorum fragment", reverse("governance:staff_attendance_live", args=[a.pk]), STAFF),
        ("audit", reverse("governance:staff_audit", args=[a.pk, m.pk]), STAFF),
        ("minutes", reverse("governance:staff_minutes", args=[a.pk]), STAFF),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, network, role):
    client_for(client, network[role])
    for name, url, expected in matrix_rows(network):
        response = client.get(url)
        want = expected[role]
        if want == "login":
            assert response.status_code == 302 and "/compte/connexion/" in response["Location"], (
                name
            )
        else:
            assert response.status_code == want, (name, role, response.status_code)


def test_a_draft_assembly_is_hidden_from_the_public(client, network):
    draft = services.create_assembly(title="AGE en préparation", starts_at=timezone.now())
    assert client.get(reverse("governance:assembly", args=[draft.slug])).status_code == 404
    listing = client.get(reverse("governance:assemblies")).content.decode()
    assert "AG 2026" in listing and "AGE en préparation" not in listing
    client.force_login(network["editor"])
    assert client.get(reverse("governance:assembly", args=[draft.slug])).status_code == 200


def test_the_representative_votes_from_my_votes_and_gets_a_receipt(client, network):
    client.force_login(network["representative"])
    page = client.get(reverse("governance:my_votes"))
    link = re.search(r'href="(/vote/[^"]+/)"', page.content.decode()).group(1)
    ballot_page = client.get(link)
    assert "Élection du Collectif" in ballot_page.content.decode()
    candidacies = list(network["election"].candidacies.values_list("pk", flat=True))
    voted = client.post(link, {"candidacy": candidacies[:2]})
    assert voted.status_code == 200
    receipt = re.search(r"data-receipt>([0-9A-F-]{19})<", voted.content.decode()).group(1)
    again = client.post(link, {"candidacy": candidacies[:1]})
    assert again.status_code == 403
    assert "Un vote a déjà été enregistré pour Coop Manau" in again.content.decode()
    check = client.get(
        reverse("governance:receipts", args=[network["assembly"].slug, network["election"].pk]),
        {"code": receipt},
    )
    assert "est dans l’urne" in check.content.decode()
    assert "Voté" in client.get(reverse("governance:my_votes")).content.decode()


def test_a_forged_link_is_refused_in_english_too(client, network):
    client.cookies["django_language"] = "en"
    response = client.get("/vote/not-a-real-token/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "This voting link is not valid" in response.content.decode()


def test_too_many_choices_keep_what_was_ticked(client, network):
    e = network["election"]
    Motion.objects.filter(pk=e.pk).update(seats=1)
    e.refresh_from_db()
    voter = Voter.objects.get(assembly=e.assembly, organisation=network["others"][0])
    link = reverse("governance:ballot", args=[make_vote_token(e, voter, voter)])
    ids = list(e.candidacies.values_list("pk", flat=True))[:2]
    response = client.post(link, {"candidacy": ids})
    assert response.status_code == 400
    html = response.content.decode()
    assert "au plus 1 candidat" in html
    assert html.count("checked") == 2
    assert not Ballot.objects.exists()


def test_results_page_after_the_close(client, network):
    e = network["election"]
    for org in network["others"]:
        voter = Voter.objects.get(assembly=e.assembly, organisation=org)
        services_ballot.cast_online(
            make_vote_token(e, voter, voter),
            selection=list(e.candidacies.values_list("pk", flat=True))[:2],
        )
    url = reverse("governance:results", args=[e.assembly.slug, e.pk])
    assert "publiés à la clôture" in client.get(url).content.decode()
    services_count.close_motion(e)
    html = client.get(url).content.decode()
    assert "Le Collectif élu\u00a0: 2 sièges pourvus sur 24" in html


def test_representative_gives_a_proxy_within_the_maximum(client, network):
    a = network["assembly"]
    services.update_assembly(a, max_proxies=1)
    own = Voter.objects.get(assembly=a, organisation=network["own_organisation"])
    v1, v2 = (Voter.objects.get(assembly=a, organisation=o) for o in network["others"][:2])
    services.give_proxy(v2, v1)
    client.force_login(network["representative"])
    url = reverse("governance:proxy", args=[a.slug, own.pk])
    response = client.post(url, {"holder": v1.pk})
    assert response.status_code == 400  # v1 is full: not even offered
    assert "Sélectionnez un choix valide" in response.content.decode()
    ok = client.post(
        url,
        {
            "holder": network["others"][2]
            and Voter.objects.get(assembly=a, organisation=network["others"][2]).pk
        },
    )
    assert ok.status_code == 302
    assert own.proxy_given.holder.organisation == network["others"][2]


def test_attendance_sign_in_updates_the_live_quorum(client, network):
    a = network["assembly"]
    client.force_login(network["editor"])
    voter = Voter.objects.get(assembly=a, organisation=network["own_organisation"])
    client.post(
        reverse("governance:staff_attendance", args=[a.pk]),
        {"voter": voter.pk, "present": "1"},
        HTTP_HX_REQUEST="true",
    )
    fragment = client.get(reverse("governance:staff_attendance_live", args=[a.pk])).content.decode()
    assert "1 voix présentes ou représentées sur 4" in fragment
    assert 'hx-trigger="every 3s"' in fragment  # the swapped fragment keeps polling


def test_minutes_pdf(client, network):
    services_count.close_motion(network["election"])
    client.force_login(network["editor"])
    response = client.get(reverse("governance:staff_minutes", args=[network["assembly"].pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    # Drawn by core.pdf: French headings and the vote's title as typed, the table of results.
    assert "Procès-verbal" in text and "AG 2026" in text and "Élection du Collectif" in text
    assert "Coop Manau" in text  # a candidate, in the table of results


def test_registration_to_attend(client, network):
    a = network["assembly"]
    own = Voter.objects.get(assembly=a, organisation=network["own_organisation"])
    client.force_login(network["representative"])
    client.post(reverse("governance:attend", args=[a.slug, own.pk]))
    own.refresh_from_db()
    assert own.registered_at is not None
    other = Voter.objects.get(assembly=a, organisation=network["others"][0])
    assert client.post(reverse("governance:attend", args=[a.slug, other.pk])).status_code == 403
