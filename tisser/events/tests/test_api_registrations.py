"""Registrations through the API (staff tokens) and the webhook events they emit, whose
payload is the API's own representation."""

import json

import pytest

from tisser.accounts.services_tokens import create_token
from tisser.core import webhooks
from tisser.core.models import WebhookDelivery

pytestmark = pytest.mark.django_db


@pytest.fixture
def tokens(make_user):
    editor = make_user("editeur@example.org", staff_role="editor")
    _r, read = create_token(editor, name="r", scopes=["registrations:read"], days=5)
    _r, write = create_token(
        editor, name="w", scopes=["registrations:read", "registrations:write"], days=5
    )
    return {"read": f"Bearer {read}", "write": f"Bearer {write}"}


@pytest.fixture
def listening(db):
    """An endpoint for every registration event; in these tests nothing is posted (the
    delivery waits for a commit that the test's transaction never makes)."""
    return webhooks.create_endpoint(
        url="https://compta.example.org/hook",
        events=["registration.created", "registration.cancelled", "registration.promoted"],
    )


def payloads(event):
    rows = WebhookDelivery.objects.filter(event=event).order_by("id")
    return [json.loads(d.body)["data"] for d in rows]


def test_register_list_cancel_and_promote_with_webhooks(client, fresque, tokens, listening):
    url = f"/api/v1/events/{fresque.slug}/registrations/"
    lens = fresque.sessions.get(title="Lens")
    people = [f"p{n}@example.org" for n in range(3)]
    created = []
    for email in people:
        response = client.post(
            url,
            {"email": email, "first_name": "P", "session": lens.pk},
            content_type="application/json",
            HTTP_AUTHORIZATION=tokens["write"],
        )
        assert response.status_code == 201, response.content
        created.append(response.json())
    assert [r["status"] for r in created] == ["confirmed", "confirmed", "waitlisted"]
    again = client.post(
        url,
        {"email": people[0], "session": lens.pk},
        content_type="application/json",
        HTTP_AUTHORIZATION=tokens["write"],
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    read = client.get(url, HTTP_AUTHORIZATION=tokens["read"]).json()
    assert read["count"] == 3 and read["results"] == created
    assert payloads("registration.created") == created  # the API's schema, as JSON

    refused = client.post(
        f"/api/v1/registrations/{created[0]['id']}/cancel/", HTTP_AUTHORIZATION=tokens["read"]
    )
    assert refused.status_code == 403
    cancelled = client.post(
        f"/api/v1/registrations/{created[0]['id']}/cancel/", HTTP_AUTHORIZATION=tokens["write"]
    ).json()
    assert cancelled["status"] == "cancelled"
    assert payloads("registration.cancelled")[0]["id"] == created[0]["id"]
    (promoted,) = payloads("registration.promoted")
    assert promoted["id"] == created[2]["id"] and promoted["status"] in {"confirmed", "promoted"}
    places = client.get(f"/api/v1/events/{fresque.slug}/").json()["sessions"]
    assert {s["title"]: s["places_left"] for s in places} == {"Lens": 0, "Lille": 2}


def test_registrations_need_a_token_with_the_scope(client, fresque, make_user):
    url = f"/api/v1/events/{fresque.slug}/registrations/"
    assert client.get(url).status_code == 401
    editor = make_user("editeur2@example.org", staff_role="editor")
    _r, public = create_token(editor, name="p", scopes=["public:read"], days=5)
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {public}").status_code == 403
    post = client.post(
        url, {"email": "x@example.org"}, content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {public}",
    )  # fmt: skip
    assert post.status_code == 403
    assert client.get("/api/v1/events/nope/registrations/").status_code == 401


def test_bad_bodies_are_400(client, fresque, tokens):
    url = f"/api/v1/events/{fresque.slug}/registrations/"
    for body in ("not json", json.dumps({"first_name": "no email"}), json.dumps([1, 2])):
        response = client.post(
            url, body, content_type="application/json", HTTP_AUTHORIZATION=tokens["write"]
        )
        assert response.status_code == 400, (body, response.content)
        assert response.json()["error"]["code"] == "bad_request"
    wrong_session = client.post(
        url, {"email": "a@example.org", "session": 999999}, content_type="application/json",
        HTTP_AUTHORIZATION=tokens["write"],
    )  # fmt: skip
    assert wrong_session.status_code == 400
