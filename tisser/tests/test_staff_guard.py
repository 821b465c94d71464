"""Every page under /gestion/ is behind the one staff guard (`accounts.decorators`): walked
as each role, with made-up ids (the guard answers before any object is looked up, so a
stranger learns nothing, not even whether the object exists).

- anonymous: sent to the login page, coming back to the page asked for;
- a plain account, a claimant whose claim is not verified yet, a verified member and a
  verified representative: 403, for GET and for POST;
- staff: through the guard (an editor gets 403 only on the administrators' pages).

A view that answers 405 to a GET (POST only) is tried with a POST as well.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from tisser.tests import walker

pytestmark = pytest.mark.django_db

NOT_STAFF = ("public", "claimant", "member", "representative")
PLACEHOLDER = re.compile(r"<(?:(\w+):)?(\w+)>")
VALUES = {"int": "987654", "slug": "inconnu", "str": "inconnu", "path": "inconnu"}


def guard_of(pattern) -> str | None:
    """The level of the staff guard a view carries ("editor", "admin"), None without one."""
    view_class = getattr(pattern.callback, "view_class", None)
    return getattr(view_class or pattern.callback, "staff_guard", None)


def staff_pages() -> dict[str, str | None]:
    """Every /gestion/ URL (ids made up) and the guard of its view."""
    pages = {}
    for route, pattern in walker.patterns():
        if not route.startswith("gestion/"):
            continue
        url = "/" + PLACEHOLDER.sub(
            lambda m: VALUES.get(m.group(1) or "str", "00000000-0000-4000-8000-000000000000"),
            route,
        )
        pages[url] = guard_of(pattern)
    return pages


PAGES = staff_pages()
URLS = sorted(PAGES)


def test_every_staff_view_uses_the_one_guard():
    """No hand-written check: each view is wrapped by `accounts.decorators` (or its mixin)."""
    unguarded = [url for url, guard in PAGES.items() if guard not in ("editor", "admin")]
    assert not unguarded, unguarded


def answer(client: Client, url: str):
    """GET, or POST when the view takes POST only."""
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url, {})
    return response


def client_for(user) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def test_the_walk_covers_every_app_with_staff_pages():
    assert len(URLS) > 100
    for prefix in ("/gestion/adhesions/", "/gestion/evenements/", "/gestion/assemblees/"):
        assert any(url.startswith(prefix) for url in URLS), prefix


def test_anonymous_visitors_are_sent_to_the_login_page(role_users):
    client, login, wrong = client_for(None), reverse("accounts:login"), []
    for url in URLS:
        response = answer(client, url)
        location = response.get("Location", "")
        if response.status_code != 302 or not location.startswith(login):
            wrong.append(f"{url} → {response.status_code} {location}")
        elif response.request["REQUEST_METHOD"] == "GET" and quote(url) not in location:
            wrong.append(f"{url} → login without the way back: {location}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", NOT_STAFF)
def test_accounts_that_are_not_staff_are_refused(role_users, role):
    client, wrong = client_for(role_users[role]), []
    for url in URLS:
        for response in (client.get(url), client.post(url, {})):
            if response.status_code not in (403, 405):
                wrong.append(f"{response.request['REQUEST_METHOD']} {url} → {response.status_code}")
        if client.get(url).status_code == 405 and client.post(url, {}).status_code == 405:
            wrong.append(f"{url}: neither GET nor POST reaches the guard")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_staff_pass_the_guard(role_users, role):
    client, wrong, admin_only = client_for(role_users[role]), [], []
    login = reverse("accounts:login")
    for url in URLS:
        response = client.get(url)  # GET only: a staff POST would act
        if response.status_code == 403:
            admin_only.append(url)
        elif response.status_code == 302 and response["Location"].startswith(login):
            wrong.append(f"{url} → login")
        elif response.status_code >= 500:
            wrong.append(f"{url} → {response.status_code}")
    assert not wrong, "\n".join(wrong)
    expected = [url for url in URLS if PAGES[url] == "admin"] if role == "editor" else []
    assert admin_only == expected
