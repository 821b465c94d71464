"""Staff pages of the contacts base: who may open them, and what they do."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from PIL import Image

from tisser.directory.contacts import services
from tisser.directory.models import Organisation, OrganisationRevision, Person

from .test_services import VALID_SIRET

STAFF_PAGES = [
    ("directory:staff_list", []),
    ("directory:staff_create", []),
    ("directory:staff_detail", ["own"]),
    ("directory:staff_edit", ["own"]),
    ("directory:staff_duplicates", []),
    ("directory:staff_people", []),
    ("directory:staff_person_create", []),
    ("directory:staff_import", []),
    ("directory:staff_export", ["csv"]),
    ("directory:staff_people_export", ["xlsx"]),
]
EXPECTED = {
    "anonymous": 302,
    "public": 403,
    "member": 403,
    "representative": 403,
    "editor": 200,
    "admin": 200,
}


def client_for(client, user):
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("role", list(EXPECTED))
@pytest.mark.parametrize(("name", "args"), STAFF_PAGES)
def test_staff_pages_permission_matrix(client, role_users, role, name, args):
    args = [role_users["own_organisation"].pk if a == "own" else a for a in args]
    response = client_for(client, role_users[role]).get(reverse(name, args=args))
    assert response.status_code == EXPECTED[role]
    if role == "anonymous":
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", ["public", "member", "representative"])
def test_non_staff_cannot_write_through_staff_urls(client, role_users, role):
    own = role_users["own_organisation"]
    client.force_login(role_users[role])
    response = client.post(reverse("directory:staff_archive", args=[own.pk]))
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.status == Organisation.Status.PUBLISHED


REP_EXPECTED = {
    "anonymous": 302,
    "public": 403,
    "member": 403,
    "representative": 200,
    "editor": 302,
    "admin": 302,
}


@pytest.mark.parametrize("role", list(REP_EXPECTED))
def test_own_organisation_edit_matrix(client, role_users, role):
    own = role_users["own_organisation"]
    url = reverse("directory:my_organisation_edit", args=[own.slug])
    response = client_for(client, role_users[role]).get(url)
    assert response.status_code == REP_EXPECTED[role]
    if role in {"editor", "admin"}:  # staff are sent to the staff edit page
        assert response["Location"] == reverse("directory:staff_edit", args=[own.pk])


def test_representative_edits_own_organisation_directly(client, role_users):
    own, other = role_users["own_organisation"], role_users["other_organisation"]
    client.force_login(role_users["representative"])
    page = client.get(reverse("directory:my_organisations"))
    assert page.status_code == 200 and own.name in page.content.decode()
    assert other.name not in page.content.decode()
    assert (
        "status"
        not in client.get(reverse("directory:my_organisation_edit", args=[own.slug]))
        .context["form"]
        .fields
    )
    response = client.post(
        reverse("directory:my_organisation_edit", args=[own.slug]),
        {
            "name": "Coop Manau",
            "website": "https://manau.example",
            "description": "<p>Nous</p>",
        },
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.website == "https://manau.example"
    assert own.is_member  # a field the representative cannot touch is kept
    revision = own.revisions.first()
    assert revision.source == OrganisationRevision.Source.REPRESENTATIVE
    assert revision.author == role_users["representative"]
    # …and another organisation is refused, with nothing changed.
    response = client.post(
        reverse("directory:my_organisation_edit", args=[other.slug]), {"name": "Piraté"}
    )
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.name == "Autre Structure"


@pytest.fixture
def editor_client(client, make_user):
    client.force_login(make_user("editrice@example.org", staff_role="editor"))
    return client


def png_bytes(size=(10, 10)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "green").save(buffer, "PNG")
    return buffer.getvalue()


def test_create_from_the_form_then_see_history(editor_client, communes, categories):
    response = editor_client.post(
        reverse("directory:staff_create"),
        {
            "name": "La Fabrique",
            "siret": "732 829 320 00074",
            "commune": "Lille",
            "postcode": "59000",
            "status": "published",
            "categories": [categories["alimentation"].pk],
            "description": '<p onclick="x()">Bonjour</p><script>alert(1)</script>',
            "logo": SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png"),
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    org = Organisation.objects.get()
    assert (org.siret, org.commune_id) == (VALID_SIRET, "59350")
    assert org.description == "<p>Bonjour</p>"
    assert org.logo.name.endswith(".png")
    page = editor_client.get(response["Location"]).content.decode()
    assert "La Fabrique" in page and "Lille" in page
    assert "editrice@example.org" in page  # who, in the history


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("siret", "123 456 789 00000", "SIRET"),
        ("commune", "Atlantide", "Atlantide"),
        ("latitude", "123", "90"),
        ("longitude", "200", "180"),
    ],
)
def test_bad_input_gets_a_french_message_and_keeps_what_was_typed(
    editor_client, communes, field, value, message
):
    data = {
        "name": "Mon asso",
        "status": "published",
        "address": "3 rue Haute",
        "latitude": "50.6",
        "longitude": "3.1",
        field: value,
    }
    response = editor_client.post(reverse("directory:staff_create"), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    page = response.content.decode()
    assert "3 rue Haute" in page and value in page
    assert 'class="form-errors"' in page
    assert not Organisation.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("x.png", b"<svg onload=alert(1)>", content_type="image/png"), "image"),
        (
            SimpleUploadedFile(
                "big.png", png_bytes() + b"0" * (2 * 1024 * 1024), content_type="image/png"
            ),
            "2",
        ),
    ],
)
def test_logo_must_be_a_small_image(editor_client, db, upload, message):
    response = editor_client.post(
        reverse("directory:staff_create"), {"name": "X", "status": "published", "logo": upload}
    )
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["logo"])
    assert not Organisation.objects.exists()


def test_edit_archive_and_filters(editor_client, communes):
    org = services.create_organisation({"name": "Épicerie Économe", "commune": "59350"})
    services.create_organisation({"name": "Autre", "commune": "59512"})
    response = editor_client.get(reverse("directory:staff_list"), {"q": "econome"})
    assert list(response.context["page"]) == [org]
    response = editor_client.get(reverse("directory:staff_list"), {"territory": "59512"})
    assert [o.name for o in response.context["page"]] == ["Autre"]
    editor_client.post(reverse("directory:staff_archive", args=[org.pk]))
    org.refresh_from_db()
    assert org.status == Organisation.Status.ARCHIVED
    names = [o.name for o in editor_client.get(reverse("directory:staff_list")).context["page"]]
    assert names == ["Autre"]  # archived ones only when asked
    response = editor_client.get(reverse("directory:staff_list"), {"status": "archived"})
    assert list(response.context["page"]) == [org]


def test_link_person_and_record_consent(editor_client, communes):
    org = services.create_organisation({"name": "Coop"})
    url = reverse("directory:staff_add_person", args=[org.pk])
    editor_client.post(
        url,
        {
            "email": "Ana@Example.org",
            "first_name": "Ana",
            "role": "Présidente",
            "is_representative": "on",
        },
    )
    editor_client.post(url, {"email": "ana@example.org"})  # same person again: reused
    person = Person.objects.get()
    assert person.affiliations.get().is_representative
    response = editor_client.post(
        reverse("directory:staff_person_consent", args=[person.pk]),
        {
            "purpose": "newsletter",
            "given": "1",
            "method": "paper",
            "source": "Salon 2026",
            "wording": "J'accepte",
        },
    )
    assert response.status_code == 302
    page = editor_client.get(reverse("directory:staff_person_detail", args=[person.pk]))
    assert "Salon 2026" in page.content.decode()
    found = editor_client.get(reverse("directory:staff_people"), {"q": "ana"})
    assert list(found.context["page"]) == [person]


def test_merge_from_the_duplicates_page(editor_client, communes):
    keep = services.create_organisation({"name": "Coop", "commune": "59350"})
    dup = services.create_organisation(
        {"name": "COOP", "commune": "59350", "website": "https://coop.example"}
    )
    groups = editor_client.get(reverse("directory:staff_duplicates")).context["groups"]
    assert [{o.pk for o in g} for g in groups] == [{keep.pk, dup.pk}]
    url = reverse("directory:staff_merge") + f"?keep={keep.pk}&duplicate={dup.pk}"
    preview = editor_client.get(url)
    assert preview.status_code == 200 and "https://coop.example" in preview.content.decode()
    assert Organisation.objects.count() == 2  # a preview changes nothing
    response = editor_client.post(
        reverse("directory:staff_merge"), {"keep": keep.pk, "duplicate": dup.pk}
    )
    assert response.status_code == 302
    keep.refresh_from_db()
    assert keep.website == "https://coop.example"
    assert Organisation.objects.count() == 1


def test_exports_follow_the_filters_and_hold_private_fields(editor_client, communes):
    org = services.create_organisation({"name": "Coop Lille", "commune": "59350"})
    services.create_organisation({"name": "=HYPERLINK(1)", "commune": "59512"})
    person, _ = services.find_or_create_person(email="prive@example.org", first_name="Pia")
    services.affiliate(person, org)
    response = editor_client.get(
        reverse("directory:staff_export", args=["csv"]), {"territory": "59350"}
    )
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:2] == ["id", "nom"] and len(rows) == 2
    assert rows[1][1] == "Coop Lille" and "prive@example.org" in rows[1][-2]
    response = editor_client.get(reverse("directory:staff_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["'=HYPERLINK(1)", "Coop Lille"]  # formulas neutralised
    response = editor_client.get(reverse("directory:staff_people_export", args=["csv"]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "prive@example.org" in text and "Coop Lille" in text


def test_import_through_the_pages(editor_client, communes, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("orgs.csv", b"nom;commune\nCoop;Lille\n;Lille\n")
    response = editor_client.post(reverse("directory:staff_import"), {"file": upload})
    assert response.status_code == 302
    page = editor_client.get(response["Location"])
    html = page.content.decode()
    assert "Coop" in html and ">3<" in html  # the bad row's line number
    job = page.context["job"]
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(reverse("core:import_confirm", args=[job.pk]))
    assert not Organisation.objects.exists()  # refused: one row has an error

    upload = SimpleUploadedFile("orgs.csv", b"nom;commune\nCoop;Lille\n")
    response = editor_client.post(reverse("directory:staff_import"), {"file": upload})
    job_url = response["Location"]
    job = editor_client.get(job_url).context["job"]
    html = editor_client.get(job_url).content.decode()
    assert "htmx" in html  # the progress poller's script is on the page
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(reverse("core:import_confirm", args=[job.pk]))
    assert Organisation.objects.get().name == "Coop"
    progress = editor_client.get(
        reverse("core:import_progress", args=[job.pk]), headers={"HX-Request": "true"}
    )
    assert progress.status_code == 200 and progress["HX-Refresh"] == "true"
    assert "hx-trigger" not in progress.content.decode()  # finished: polling stops


def test_import_refuses_unreadable_file_with_a_message(editor_client, db):
    upload = SimpleUploadedFile("orgs.pdf", b"%PDF-1.4")
    response = editor_client.post(reverse("directory:staff_import"), {"file": upload})
    assert response.status_code == 400
    assert response.context["form"].errors["file"]


def test_import_templates_download(editor_client, db):
    response = editor_client.get(reverse("directory:staff_import_template", args=["csv"]))
    assert response.content.decode("utf-8-sig").startswith("nom;forme_juridique;siret")
    response = editor_client.get(reverse("directory:staff_import_template", args=["xlsx"]))
    assert load_workbook(io.BytesIO(response.content)).active["A1"].value == "nom"


def test_admin_lists_render_and_organisations_are_read_only(client, communes):
    from tisser.accounts.models import User

    org = services.create_organisation({"name": "Coop", "commune": "59350"})
    client.force_login(User.objects.create_superuser("root@example.org", "x"))
    for model in [
        "category",
        "organisation",
        "person",
        "consent",
        "organisationrevision",
    ]:
        assert client.get(reverse(f"admin:directory_{model}_changelist")).status_code == 200
    assert client.get(reverse("admin:core_importjob_changelist")).status_code == 200
    page = client.get(reverse("admin:directory_organisation_change", args=[org.pk]))
    assert page.status_code == 200
    client.post(reverse("admin:directory_organisation_change", args=[org.pk]), {"name": "X"})
    org.refresh_from_db()
    assert org.name == "Coop"


def test_messages_are_in_french_by_default(editor_client, communes):
    response = editor_client.post(
        reverse("directory:staff_create"),
        {"name": "X", "status": "published", "siret": "12345678901234", "commune": "Atlantide"},
    )
    errors = response.context["form"].errors
    assert "n'est pas un SIRET valide" in errors["siret"][0]
    assert "Commune inconnue" in errors["commune"][0]
    assert "Veuillez corriger" in response.content.decode()


def test_people_forms_refuse_bad_input_and_keep_it(editor_client, communes):
    org = services.create_organisation({"name": "Coop"})
    response = editor_client.post(
        reverse("directory:staff_add_person", args=[org.pk]),
        {"email": "pas-un-courriel", "first_name": "Zoé"},
    )
    assert response.status_code == 400
    assert "Zoé" in response.content.decode() and "pas-un-courriel" in response.content.decode()
    services.find_or_create_person(email="pris@example.org")
    response = editor_client.post(
        reverse("directory:staff_person_create"), {"email": "PRIS@example.org", "last_name": "B"}
    )
    assert response.status_code == 400
    assert "déjà" in " ".join(response.context["form"].errors["email"])
    assert Person.objects.count() == 1
    response = editor_client.post(reverse("directory:staff_person_create"), {})
    assert response.status_code == 400  # neither a name nor an email


@pytest.mark.parametrize("query", ["helene", "HÉLÈNE", "Dupre", "hélène dupré", "duPRÉ"])
def test_people_search_ignores_accents_and_case(editor_client, db, query):
    helene = services.create_person({"first_name": "Hélène", "last_name": "Dupré"})
    services.create_person({"first_name": "Hector", "last_name": "Dupont"})
    found = editor_client.get(reverse("directory:staff_people"), {"q": query})
    assert list(found.context["page"]) == [helene]
