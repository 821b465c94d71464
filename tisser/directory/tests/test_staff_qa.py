"""Bad input on the staff pages, as found by walking through them as staff do."""

import pytest
from django.urls import reverse
from django.utils import translation

from tisser.directory.contacts import services
from tisser.directory.imports.checking import check_row, known_categories
from tisser.directory.models import Consent, Organisation, Person


@pytest.fixture
def editor_client(client, make_user):
    client.force_login(make_user("editrice@example.org", staff_role="editor"))
    return client


def test_consent_form_sent_as_it_opened_records_nothing(editor_client, db):
    person = Person.objects.create(email="ana@example.org")
    url = reverse("directory:staff_person_consent", args=[person.pk])
    page = editor_client.get(reverse("directory:staff_person_detail", args=[person.pk]))
    form = page.context["consent_form"]
    assert not any(form[name].value() for name in ("purpose", "given", "method"))

    response = editor_client.post(url, {"purpose": "", "given": "", "method": ""})
    assert response.status_code == 400
    assert set(response.context["consent_form"].errors) == {"purpose", "given", "method"}
    assert not Consent.objects.exists()

    editor_client.post(url, {"purpose": "newsletter", "given": "0", "method": "email"})
    consent = Consent.objects.get()
    assert (consent.purpose, consent.given, consent.method) == ("newsletter", False, "email")


@pytest.mark.parametrize(
    "language, expected",
    [
        ("en", "SIRET: “12345678901234” is not a valid SIRET"),
        ("fr", "SIRET\u00a0: «\u00a012345678901234\u00a0» n'est pas un SIRET valide"),
    ],
)
def test_import_row_error_names_the_field_in_the_page_language(
    language, expected, communes, categories
):
    rows = [{"line": 2, "values": {"nom": "Coop", "siret": "12345678901234"}}]
    with translation.override(language):
        result = check_row(rows[0], known_categories(), {})
    assert result["action"] == "error"
    assert any(m.startswith(expected) for m in result["messages"]), result["messages"]


def test_creating_a_twin_asks_first_and_keeps_what_was_typed(editor_client, communes):
    existing = services.create_organisation({"name": "Épicerie du Coin", "commune": "59350"})
    url = reverse("directory:staff_create")
    typed = {
        "name": "epicerie du coin",
        "commune": "Lille",
        "phone": "03 20 00 00 00",
        "status": "published",
    }
    response = editor_client.post(url, typed)
    assert response.status_code == 200
    assert Organisation.objects.count() == 1
    page = response.content.decode()
    assert reverse("directory:staff_detail", args=[existing.pk]) in page
    assert 'value="03 20 00 00 00"' in page  # nothing typed is lost

    response = editor_client.post(url, {**typed, "create_anyway": "1"})
    assert response.status_code == 302
    assert Organisation.objects.count() == 2

    # Another name in the same commune is no twin: created at once.
    assert editor_client.post(url, {**typed, "name": "Autre"}).status_code == 302
