"""The observatory's permission matrix: six roles × every page, read as a table.

Public pages (observatory, sourcing, shortlists by signed link) answer everyone; the staff
pages under /gestion/observatoire/ send anonymous visitors to the login page and answer
403 to every other non-staff role. Below: unpublished indicators stay hidden from the
public, and no page of the observatory or of sourcing shows a contact person's details.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tisser.core.imports.models import ImportJob
from tisser.directory.models import Affiliation, Organisation, Person
from tisser.observatory import imports, services
from tisser.observatory.models import Level, Theme
from tisser.observatory.sirene.running import start_sirene_import
from tisser.observatory.views_sourcing import shortlist_token

ROLES = ("anonymous", "public", "claimant", "representative", "member", "editor", "admin")
LOGIN = "login"
EVERYONE = dict.fromkeys(ROLES, 200)
STAFF_ONLY = {
    "anonymous": LOGIN,
    "public": 403,
    "claimant": 403,
    "representative": 403,
    "member": 403,
    "editor": 200,
    "admin": 200,
}
STAFF_POST = {**STAFF_ONLY, "editor": 302, "admin": 302}
HIDDEN = {**dict.fromkeys(ROLES, 404), "editor": 200, "admin": 200}

ROWS = [
    # (id, route, kwargs, query, method, expected)
    ("home", "observatory:home", {}, "", "get", EVERYONE),
    ("indicator", "observatory:indicator", {"slug": "shown"}, "", "get", EVERYONE),
    (
        "indicator table",
        "observatory:indicator",
        {"slug": "shown"},
        "?vue=tableau",
        "get",
        EVERYONE,
    ),
    ("hidden indicator", "observatory:indicator", {"slug": "hidden"}, "", "get", HIDDEN),
    ("values json", "observatory:values_json", {"slug": "shown"}, "", "get", EVERYONE),
    ("values csv", "observatory:values_csv", {"slug": "shown"}, "", "get", EVERYONE),
    ("embed", "observatory:embed", {"slug": "shown"}, "", "get", EVERYONE),
    ("live indicator", "observatory:indicator", {"slug": "tisser-acteurs"}, "", "get", EVERYONE),
    ("centres", "observatory:commune_centres", {}, "?departement=80", "get", EVERYONE),
    ("territory", "observatory:territory", {"code": "dep-80"}, "", "get", EVERYONE),
    ("sourcing", "observatory:sourcing", {}, "?commune=80016&km=30", "get", EVERYONE),
    ("shortlist", "observatory:shortlist", {"token": "TOKEN"}, "", "get", EVERYONE),
    (
        "shortlist export",
        "observatory:shortlist_export",
        {"token": "TOKEN", "fmt": "csv"},
        "",
        "get",
        EVERYONE,
    ),
    ("invite", "observatory:shortlist_invite", {"token": "TOKEN"}, "", "post", STAFF_POST),
    ("staff home", "observatory:staff_home", {}, "", "get", STAFF_ONLY),
    ("staff new indicator", "observatory:staff_indicator_create", {}, "", "get", STAFF_ONLY),
    ("staff indicator", "observatory:staff_indicator", {"pk": "INDICATOR"}, "", "get", STAFF_ONLY),
    (
        "staff indicator edit",
        "observatory:staff_indicator_edit",
        {"pk": "INDICATOR"},
        "",
        "get",
        STAFF_ONLY,
    ),
    # the job's pages are the import engine's, with the indicators importer's say on who
    ("staff import", "core:import_detail", {"pk": "IMPORT"}, "", "get", STAFF_ONLY),
    (
        "staff import progress",
        "core:import_progress",
        {"pk": "IMPORT"},
        "",
        "get",
        STAFF_ONLY,
    ),
    (
        "staff import confirm",
        "core:import_confirm",
        {"pk": "IMPORT"},
        "",
        "post",
        STAFF_POST,
    ),
    ("staff template", "observatory:staff_import_template", {}, "", "get", STAFF_ONLY),
    ("staff sirene", "observatory:staff_sirene", {}, "", "get", STAFF_ONLY),
    ("staff suppliers", "observatory:staff_suppliers", {}, "", "get", STAFF_ONLY),
    ("staff supplier", "observatory:staff_supplier", {"pk": "ORG"}, "", "get", STAFF_ONLY),
    (
        "staff sirene job",
        "core:import_detail",
        {"pk": "SIRENE"},
        "",
        "get",
        STAFF_ONLY,
    ),
]


@pytest.fixture
def world(role_users, hauts_de_france, tmp_path):
    shown = services.save_indicator(
        {"name": "Déchets", "slug": "shown", "theme": Theme.WASTE, "unit": "kg/hab"}
    )
    hidden = services.save_indicator({"name": "Brouillon", "slug": "hidden", "is_published": False})
    for indicator in (shown, hidden):
        services.set_values(indicator, Level.DEPARTEMENT, {("80", 2024): 570.0})
    job = imports.start_import(shown, "v.csv", b"code_insee;annee;valeur\n80016;2024;1\n")
    org = role_users["other_organisation"]
    Organisation.objects.filter(pk=org.pk).update(
        commune_id="80016", latitude=50.0, longitude=2.65, legal_form="siae"
    )
    shortlist = services.create_shortlist("Sel", [org.pk])
    sirene = start_sirene_import(tmp_path / "u.csv", tmp_path / "e.csv", "dep-80")
    return {
        **role_users,
        "INDICATOR": shown.pk,
        "ORG": org.pk,
        "IMPORT": job.pk,
        "SIRENE": sirene.pk,
        "TOKEN": shortlist_token(shortlist),
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", ROWS, ids=lambda row: row[0])
def test_permission_matrix(client, world, row, role):
    _id, route, kwargs, query, method, expected = row
    url = reverse(route, kwargs={k: world.get(v, v) for k, v in kwargs.items()}) + query
    if world[role] is not None:
        client.force_login(world[role])
    response = getattr(client, method)(url)
    wanted = expected[role]
    if wanted == LOGIN:
        assert response.status_code == 302, f"{role} on {url}"
        assert response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code == wanted, f"{role} on {url}: {response.status_code}"
    if role in ("editor", "admin") and route == "core:import_confirm":
        assert ImportJob.objects.get(pk=world["IMPORT"]).status != "checked"


def test_no_contact_person_leaks_to_public_pages(client, world):
    org = world["other_organisation"]
    person = Person.objects.create(
        first_name="Vie", last_name="Privée", email="vie.privee@example.org", phone="0698765432"
    )
    Affiliation.objects.create(person=person, organisation=org)
    pages = [
        reverse("observatory:territory", args=["dep-80"]),
        reverse("observatory:sourcing") + "?commune=80016&km=30",
        reverse("observatory:shortlist", args=[world["TOKEN"]]),
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert "Autre Structure" in body, url
        assert "vie.privee" not in body and "0698765432" not in body, url
    export = client.get(reverse("observatory:shortlist_export", args=[world["TOKEN"], "csv"]))
    assert b"vie.privee" not in b"".join(export.streaming_content)
