"""The header language switch also saves a logged-in account's language preference."""

import pytest
from django.conf import settings
from django.urls import reverse

from tisser.accounts.models import User


def test_the_header_switch_posts_to_the_accounts_view(client, db):
    html = client.get(reverse("accounts:login")).content.decode()
    assert f'action="{reverse("accounts:set_language")}"' in html


def test_logged_in_switch_changes_the_stored_preference(client, make_user):
    user = make_user("zoe@example.org", language="fr")
    client.force_login(user)
    response = client.post(reverse("accounts:set_language"), {"language": "en", "next": "/carte/"})
    assert response.status_code == 302 and response["Location"] == "/carte/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    user.refresh_from_db()
    assert user.language == "en"
    # The next pages are in English too.
    assert "<h1>My profile</h1>" in client.get(reverse("accounts:profile")).content.decode()


def test_unknown_language_changes_nothing(client, make_user):
    user = make_user("zoe@example.org", language="fr")
    client.force_login(user)
    client.post(reverse("accounts:set_language"), {"language": "xx", "next": "/"})
    user.refresh_from_db()
    assert user.language == "fr"


@pytest.mark.django_db
def test_anonymous_switch_still_works(client):
    before = User.objects.count()
    response = client.post(reverse("accounts:set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "<h1>Log in</h1>" in client.get(reverse("accounts:login")).content.decode()
    assert User.objects.count() == before


@pytest.mark.django_db
def test_get_is_refused(client):
    assert client.get(reverse("accounts:set_language")).status_code == 405
