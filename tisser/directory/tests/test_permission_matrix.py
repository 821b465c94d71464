"""The directory's permission matrix: six roles × every page, read as a table.

Each row names a URL (by its route name, so a renamed path fails loudly) and the answer
each role gets: 200, 403, 404, a redirect to the login page, or a redirect elsewhere. A
route that does not exist (yet) skips its row with the reason; it never passes silently.
Below the table: the public never sees people's emails or phones, only staff moderate,
and a representative cannot edit another organisation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.urls import NoReverseMatch, reverse

from tisser.directory.contacts.services_claims import ACCEPT, decision_token
from tisser.directory.models import Affiliation, Organisation, Person, Proposal
from tisser.directory.proposals.services import hash_client_address, submit_proposal

ROLES = ("anonymous", "public", "claimant", "representative", "member", "editor", "admin")
LOGIN = "login"  # a redirect to the login page


def redirect_to(name: str, **kwargs):
    return ("redirect", name, kwargs)


@dataclass
class Row:
    """One URL of the table and what each role gets there."""

    id: str
    route: str
    expected: dict
    kwargs: dict = field(default_factory=dict)  # values may be names of fixture objects
    query: str = ""
    method: str = "get"
    data: dict = field(default_factory=dict)


def everyone(status):
    return dict.fromkeys(ROLES, status)


STAFF_ONLY = {
    "anonymous": LOGIN,
    "public": 403,
    "claimant": 403,
    "representative": 403,
    "member": 403,
    "editor": 200,
    "admin": 200,
}
STAFF_ACTION = {
    **STAFF_ONLY,
    "editor": redirect_to("directory:moderation"),
    "admin": redirect_to("directory:moderation"),
}
LOGGED_IN = {**everyone(200), "anonymous": LOGIN}
ADMIN_ONLY = {**STAFF_ONLY, "editor": 403}
CLAIM_DECISION = {
    **STAFF_ONLY,
    "editor": redirect_to("directory:staff_claims"),
    "admin": redirect_to("directory:staff_claims"),
}

ROWS = [
    # The public map and open data.
    Row("map", "directory:map", everyone(200)),
    Row("map data", "directory:map_data", everyone(200), query="?bbox=1.5,49.9,3.2,51.1&zoom=14"),
    Row("map list", "directory:map_list", everyone(200)),
    Row("embed", "directory:embed", everyone(200)),
    Row("actor page", "directory:organisation", everyone(200), kwargs={"slug": "other.slug"}),
    Row(
        "archived actor page",
        "directory:organisation",
        {**everyone(404), "editor": 200, "admin": 200},
        kwargs={"slug": "archived.slug"},
    ),
    Row("API list", "api:organisations", everyone(200)),
    Row("API OpenAPI", "api:openapi-json", everyone(200)),
    Row("API index", "directory:api_index", everyone(200)),
    Row("API categories", "api:categories", everyone(200)),
    Row("API actor", "api:organisation", everyone(200), kwargs={"slug": "other.slug"}),
    Row(
        "API archived actor",
        "api:organisation",
        everyone(404),
        kwargs={"slug": "archived.slug"},
    ),
    Row("GeoJSON export", "directory:export_geojson", everyone(200)),
    Row("CSV export", "directory:export_csv", everyone(200)),
    # The cooperative part.
    Row("propose", "directory:propose", everyone(200)),
    Row("proposal thanks", "directory:propose_thanks", everyone(200)),
    Row(
        "propose a change (archived)",
        "directory:propose_change",
        everyone(404),
        kwargs={"slug": "archived.slug"},
    ),
    Row(
        "propose a change (another org)",
        "directory:propose_change",
        everyone(200),
        kwargs={"slug": "other.slug"},
    ),
    Row(
        "propose a change (own org)",
        "directory:propose_change",
        {
            **everyone(200),
            "representative": redirect_to("directory:my_organisation_edit", slug="own.slug"),
        },
        kwargs={"slug": "own.slug"},
    ),
    Row("moderation queue", "directory:moderation", STAFF_ONLY),
    Row(
        "moderation detail", "directory:moderation_detail", STAFF_ONLY, kwargs={"pk": "proposal.pk"}
    ),
    Row(
        "moderation accept",
        "directory:moderation_accept",
        STAFF_ACTION,
        kwargs={"pk": "proposal.pk"},
        method="post",
    ),
    Row(
        "moderation reject",
        "directory:moderation_reject",
        STAFF_ACTION,
        kwargs={"pk": "proposal.pk"},
        method="post",
        data={"reason": "Hors du territoire."},
    ),
    # Staff pages of the contacts base.
    Row("staff list", "directory:staff_list", STAFF_ONLY),
    Row("staff detail", "directory:staff_detail", STAFF_ONLY, kwargs={"pk": "other.pk"}),
    Row("staff edit", "directory:staff_edit", STAFF_ONLY, kwargs={"pk": "other.pk"}),
    Row("staff create", "directory:staff_create", STAFF_ONLY),
    Row("staff duplicates", "directory:staff_duplicates", STAFF_ONLY),
    Row("staff people", "directory:staff_people", STAFF_ONLY),
    Row(
        "staff person detail",
        "directory:staff_person_detail",
        STAFF_ONLY,
        kwargs={"pk": "rep_person.pk"},
    ),
    Row(
        "staff person data export",
        "directory:staff_person_export_data",
        ADMIN_ONLY,
        kwargs={"pk": "rep_person.pk"},
    ),
    Row(
        "staff person erase (confirm)",
        "directory:staff_person_erase",
        ADMIN_ONLY,
        kwargs={"pk": "rep_person.pk"},
    ),
    Row(
        "staff person erase",
        "directory:staff_person_erase",
        {**ADMIN_ONLY, "admin": redirect_to("directory:staff_person_detail", pk="rep_person.pk")},
        kwargs={"pk": "rep_person.pk"},
        method="post",
    ),
    Row("my data download", "accounts:my_data", LOGGED_IN),
    # Claims to represent an organisation: staff decide, or the representative's link.
    Row("staff requests", "directory:staff_claims", STAFF_ONLY),
    Row(
        "staff request accept",
        "directory:staff_claim_accept",
        CLAIM_DECISION,
        kwargs={"pk": "claim.pk"},
        method="post",
    ),
    Row(
        "staff request refuse",
        "directory:staff_claim_refuse",
        CLAIM_DECISION,
        kwargs={"pk": "claim.pk"},
        method="post",
    ),
    # The emailed link is the capability: whoever holds it sees the request, and only a
    # POST decides (tested in test_claims.py).
    Row(
        "representative's decision link",
        "directory:claim_decision",
        everyone(200),
        kwargs={"token": "claim_link.token"},
    ),
    Row(
        "forged decision link",
        "directory:claim_decision",
        everyone(400),
        kwargs={"token": "claim_link.forged"},
    ),
    Row("staff import", "directory:staff_import", STAFF_ONLY),
    Row("staff export CSV", "directory:staff_export", STAFF_ONLY, kwargs={"fmt": "csv"}),
    Row("staff people export", "directory:staff_people_export", STAFF_ONLY, kwargs={"fmt": "csv"}),
    # A representative's own organisation.
    Row("my organisations", "directory:my_organisations", LOGGED_IN),
    Row(
        "representative edit (own)",
        "directory:my_organisation_edit",
        {
            "anonymous": LOGIN,
            "public": 403,
            "claimant": 403,
            "representative": 200,
            "member": 403,
            "editor": redirect_to("directory:staff_edit", pk="own.pk"),
            "admin": redirect_to("directory:staff_edit", pk="own.pk"),
        },
        kwargs={"slug": "own.slug"},
    ),
    Row(
        "representative edit (other)",
        "directory:my_organisation_edit",
        {
            "anonymous": LOGIN,
            "public": 403,
            "claimant": 403,
            "representative": 403,
            "member": 403,
            "editor": redirect_to("directory:staff_edit", pk="other.pk"),
            "admin": redirect_to("directory:staff_edit", pk="other.pk"),
        },
        kwargs={"slug": "other.slug"},
    ),
]


@pytest.fixture
def world(role_users):
    """The organisations, a hidden contact and a pending proposal the table refers to."""
    own, other = role_users["own_organisation"], role_users["other_organisation"]
    archived = Organisation.objects.create(
        name="Ancienne Structure",
        slug="ancienne-structure",
        status=Organisation.Status.ARCHIVED,
    )
    proposal = submit_proposal(
        kind=Proposal.Kind.NEW,
        data={"name": "Nouvelle Coop"},
        proposer_name="Prop Osant",
        proposer_email="proposant@example.org",
        ip_hash=hash_client_address("192.0.2.9"),
    )
    rep_person = Person.objects.get(user=role_users["representative"])
    claim = Affiliation.objects.get(person__user=role_users["claimant"])
    claim.claim_nonce = "n0nce"
    claim.save()
    token = decision_token(claim, Affiliation.objects.get(person=rep_person), ACCEPT)
    return {
        "claim": claim,
        "claim_link": SimpleNamespace(token=token, forged=token[:-3] + "abc"),
        **role_users,
        "own": own,
        "other": other,
        "archived": archived,
        "proposal": proposal,
        "rep_person": rep_person,
    }


def resolve(value, world):
    """'own.slug' → world['own'].slug; anything else as it is."""
    if isinstance(value, str) and "." in value and value.split(".")[0] in world:
        name, attribute = value.split(".", 1)
        return getattr(world[name], attribute)
    return value


def url_for(route, kwargs, world) -> str:
    try:
        return reverse(route, kwargs={k: resolve(v, world) for k, v in kwargs.items()})
    except NoReverseMatch:
        pytest.skip(f"{route} does not exist yet")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.id)
def test_permission_matrix(client, world, row, role):
    url = url_for(row.route, row.kwargs, world) + row.query
    user = world[role]
    if user is not None:
        client.force_login(user)
    response = getattr(client, row.method)(url, row.data)
    expected = row.expected[role]
    if expected == LOGIN:
        assert response.status_code == 302, f"{role} on {url}"
        assert response["Location"].startswith(reverse("accounts:login")), response["Location"]
    elif isinstance(expected, tuple):
        _kind, name, kwargs = expected
        target = url_for(name, kwargs, world)
        assert response.status_code == 302, f"{role} on {url}: {response.status_code}"
        assert response["Location"].split("?")[0] == target
    else:
        assert response.status_code == expected, f"{role} on {url}"


# --- people's emails and phones never reach the public ------------------------------

SECRET_EMAIL = "vie.privee@example.org"
SECRET_PHONE = "06 98 76 54 32"

PUBLIC_PAGES = [
    ("directory:map", {}, ""),
    ("directory:map_data", {}, "?bbox=-5,41,10,52&zoom=14"),
    ("directory:map_data", {}, "?bbox=-5,41,10,52&zoom=6"),
    ("directory:map_list", {}, ""),
    ("directory:map_list", {}, "?format=json"),
    ("directory:organisation", {"slug": "other.slug"}, ""),
    ("api:organisations", {}, ""),
    ("api:organisation", {"slug": "other.slug"}, ""),
    ("directory:export_geojson", {}, ""),
    ("directory:export_csv", {}, ""),
    ("directory:propose_change", {"slug": "other.slug"}, ""),
]


@pytest.fixture
def private_contact(world):
    """A person with an email and a phone, affiliated to a published, located actor."""
    other = world["other"]
    Organisation.objects.filter(pk=other.pk).update(
        latitude=50.63,
        longitude=3.06,
        email="accueil@structure.example.org",
        phone="03 20 00 00 00",
    )
    person = Person.objects.create(
        first_name="Vie", last_name="Privée", email=SECRET_EMAIL, phone=SECRET_PHONE
    )
    Affiliation.objects.create(
        person=person, organisation=other, role="Directrice", is_representative=True
    )
    return person


@pytest.mark.parametrize("role", ["anonymous", "public", "claimant", "member", "representative"])
@pytest.mark.parametrize(
    ("route", "kwargs", "query"), PUBLIC_PAGES, ids=[f"{r}{q}" for r, _k, q in PUBLIC_PAGES]
)
def test_the_public_never_sees_peoples_emails_or_phones(
    client, world, private_contact, role, route, kwargs, query
):
    url = url_for(route, kwargs, world) + query
    if world[role] is not None:
        client.force_login(world[role])
    response = client.get(url)
    assert response.status_code == 200, url
    body = b"".join(response) if response.streaming else response.content
    text = body.decode()
    assert SECRET_EMAIL not in text
    assert SECRET_PHONE not in text
    assert SECRET_PHONE.replace(" ", "") not in text


def test_staff_do_see_the_contact(client, world, private_contact):
    """The check above can fail: staff pages show the same person's details."""
    client.force_login(world["editor"])
    url = url_for("directory:staff_detail", {"pk": "other.pk"}, world)
    assert SECRET_EMAIL in client.get(url).content.decode()


# --- only staff moderate; a representative edits only their own organisation --------


@pytest.mark.parametrize("role", ["anonymous", "public", "claimant", "representative", "member"])
def test_only_staff_change_a_proposal(client, world, role):
    proposal = world["proposal"]
    if world[role] is not None:
        client.force_login(world[role])
    client.post(reverse("directory:moderation_accept", kwargs={"pk": proposal.pk}))
    client.post(
        reverse("directory:moderation_reject", kwargs={"pk": proposal.pk}), {"reason": "non"}
    )
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PENDING
    assert proposal.reviewed_by is None
    assert not Organisation.objects.filter(name="Nouvelle Coop").exists()


def test_a_representative_cannot_edit_another_organisation(client, world):
    other = world["other"]
    client.force_login(world["representative"])
    attempts = [
        url_for("directory:my_organisation_edit", {"slug": "other.slug"}, world),
        url_for("directory:staff_edit", {"pk": "other.pk"}, world),
    ]
    for url in attempts:
        response = client.post(url, {"name": "Détournée", "phone": "01 00 00 00 00"})
        assert response.status_code == 403, url
    other.refresh_from_db()
    assert other.name == "Autre Structure"
    assert not other.revisions.exists()
    # Their own organisation, by contrast, they may edit.
    own_url = url_for("directory:my_organisation_edit", {"slug": "own.slug"}, world)
    assert client.get(own_url).status_code == 200
