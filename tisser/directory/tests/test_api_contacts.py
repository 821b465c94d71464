"""An organisation's contacts through the API: a staff token with `contacts:read` only."""

import pytest

from tisser.accounts.services_tokens import create_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact_org(db):
    from tisser.directory.models import Affiliation, Organisation, Person

    org = Organisation.objects.create(name="Coop Lien", slug="coop-lien", status="published")
    person = Person.objects.create(first_name="Inès", last_name="Lien", email="ines@coop.example")
    Affiliation.objects.create(person=person, organisation=org, is_representative=True)
    return org


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_scopes_decide_and_errors_are_json(client, make_user, contact_org):
    editor = make_user("editeur@example.org", staff_role="editor")
    _row, public_only = create_token(editor, name="a", scopes=["public:read"], days=5)
    _row, contacts = create_token(editor, name="b", scopes=["contacts:read"], days=5)
    url = "/api/v1/organisations/coop-lien/contacts/"
    anonymous = client.get(url)
    assert anonymous.status_code == 401 and anonymous.json()["error"]["code"] == "unauthorized"
    refused = client.get(url, **bearer(public_only))
    assert refused.status_code == 403 and "contacts:read" in refused.json()["error"]["message"]
    allowed = client.get(url, **bearer(contacts))
    assert allowed.status_code == 200
    assert allowed.json()[0]["email"] == "ines@coop.example"
    # A public resource with a token, and without: the same answer.
    assert client.get("/api/v1/organisations/", **bearer(contacts)).json()["count"] == 1
    assert client.get("/api/v1/organisations/").json()["count"] == 1
