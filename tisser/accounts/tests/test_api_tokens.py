"""Personal API tokens: created by staff, shown once, stored hashed, scoped, expiring,
revocable, their last use recorded, their rate limited."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from tisser.accounts.models import ApiToken
from tisser.accounts.services_tokens import create_token, digest

pytestmark = pytest.mark.django_db


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_staff_create_a_token_on_their_page_shown_once_and_stored_hashed(client, make_user):
    editor = make_user("editeur@example.org", staff_role="editor")
    client.force_login(editor)
    response = client.post(
        reverse("accounts:api_tokens"),
        {"name": "Compta", "scopes": ["public:read", "contacts:read"], "days": "30"},
    )
    assert response.status_code == 200
    shown = response.context["created"]
    assert shown.startswith("tis_") and shown in response.content.decode()
    row = ApiToken.objects.get(user=editor)
    assert row.digest == digest(shown) and shown not in (row.digest, row.prefix)
    assert row.scopes == ["contacts:read", "public:read"]
    assert dt.timedelta(days=29) < row.expires_at - timezone.now() <= dt.timedelta(days=30)
    again = client.get(reverse("accounts:api_tokens")).content.decode()
    assert shown not in again and row.prefix in again


def test_only_staff_have_tokens(client, make_user):
    public = make_user("public@example.org")
    client.force_login(public)
    assert client.get(reverse("accounts:api_tokens")).status_code == 403
    with pytest.raises(Exception):  # noqa: B017
        create_token(public, name="x", scopes=["public:read"], days=1)


def test_wrong_expired_or_revoked_tokens_are_refused_and_last_use_is_recorded(client, make_user):
    editor = make_user("editeur@example.org", staff_role="editor")
    row, token = create_token(editor, name="a", scopes=["public:read"], days=5)
    assert row.last_used_at is None
    assert client.get("/api/v1/categories/", **bearer(token)).status_code == 200
    row.refresh_from_db()
    assert row.last_used_at is not None
    for bad in ("tis_forged", token + "x", "", "\u00e9t\u00e9"):
        response = client.get("/api/v1/categories/", HTTP_AUTHORIZATION=f"Bearer {bad}")
        assert response.status_code == 401, bad
    assert client.get("/api/v1/categories/", HTTP_AUTHORIZATION="Basic eDp5").status_code == 401
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - dt.timedelta(1))
    assert client.get("/api/v1/categories/", **bearer(token)).status_code == 401
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() + dt.timedelta(1))
    client.force_login(editor)
    client.post(reverse("accounts:api_token_revoke", args=[row.pk]))
    assert client.get("/api/v1/categories/", **bearer(token)).status_code == 401
    # A staff member who leaves the staff takes their tokens' rights with them.
    row2, token2 = create_token(editor, name="b", scopes=["public:read"], days=5)
    editor.staff_role = ""
    editor.save()
    assert client.get("/api/v1/categories/", **bearer(token2)).status_code == 401


def test_someone_elses_token_cannot_be_revoked(client, make_user):
    owner = make_user("a@example.org", staff_role="editor")
    other = make_user("b@example.org", staff_role="admin")
    row, _token = create_token(owner, name="a", scopes=["public:read"], days=5)
    client.force_login(other)
    assert client.post(reverse("accounts:api_token_revoke", args=[row.pk])).status_code == 404
    row.refresh_from_db()
    assert row.revoked_at is None


def test_rate_limit_per_token(client, make_user, settings):
    cache.clear()
    settings.TISSER_API_TOKEN_RATE_PER_MINUTE = 3
    settings.TISSER_API_ANONYMOUS_RATE_PER_MINUTE = 5
    editor = make_user("editeur@example.org", staff_role="editor")
    _row, first = create_token(editor, name="a", scopes=["public:read"], days=5)
    _row, second = create_token(editor, name="b", scopes=["public:read"], days=5)
    codes = [client.get("/api/v1/categories/", **bearer(first)).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = client.get("/api/v1/categories/", **bearer(first))
    assert limited.json()["error"]["code"] == "too_many_requests"
    assert int(limited["Retry-After"]) > 0
    # Another token has its own count, and anonymous callers theirs.
    assert client.get("/api/v1/categories/", **bearer(second)).status_code == 200
    assert client.get("/api/v1/categories/").status_code == 200
    cache.clear()
