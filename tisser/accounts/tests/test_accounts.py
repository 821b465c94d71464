"""Accounts, read as a specification: sign-up, verification, login, reset, roles."""

import re
import time

import pytest
from django.core import signing
from django.core.cache import cache
from django.urls import reverse

from tisser.accounts import services, tokens
from tisser.accounts.models import LoginFailure, User

PASSWORD = "motdepasse-solide-42"
LINK = re.compile(r"http://[^\s\"<]+")


@pytest.fixture(autouse=True)
def fresh_cache():
    """The email cooldown lives in the cache: every test starts without one."""
    cache.clear()
    yield
    cache.clear()


def links_in(message) -> list[str]:
    text = message.get_body(preferencelist=("plain",)).get_content()
    return LINK.findall(text)


def path_of(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


@pytest.mark.django_db(transaction=True)
def test_signup_sends_a_link_that_verifies_the_address(client, smtp_server):
    response = client.post(
        reverse("accounts:signup"),
        {
            "email": "Nouvelle.Personne@Example.org",
            "first_name": "Nadia",
            "last_name": "Nouvelle",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="nouvelle.personne@example.org")
    assert not user.email_verified and user.staff_role == ""
    assert user.language == "fr"

    # Logged in straight away, with a banner asking to confirm the address.
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Merci de confirmer votre adresse e-mail" in page

    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == "nouvelle.personne@example.org"
    assert message["Subject"] == "Confirmez votre adresse e-mail"
    assert message.get_body(preferencelist=("html",)) is not None
    (link,) = [url for url in links_in(message) if "/compte/verification/" in url]
    assert link.startswith("http://127.0.0.1:8000/compte/verification/")

    response = client.get(path_of(link), follow=True)
    assert response.status_code == 200
    assert "est confirmée" in response.content.decode()
    user.refresh_from_db()
    assert user.email_verified
    assert "Merci de confirmer" not in client.get(reverse("accounts:profile")).content.decode()
    # Clicking twice is harmless.
    assert client.get(path_of(link)).status_code == 302


@pytest.mark.django_db
def test_signup_keeps_what_was_typed_and_explains_errors(client, make_user):
    make_user("deja@example.org")
    response = client.post(
        reverse("accounts:signup"),
        {"email": "DEJA@example.org", "first_name": "Dé", "password1": "123", "password2": "1234"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Un compte existe déjà avec cette adresse e-mail" in page
    assert "Les deux mots de passe sont différents." in page
    assert 'value="DEJA@example.org"' in page and 'value="Dé"' in page
    # Errors are tied to their field for screen readers.
    assert 'aria-describedby="id_email_error"' in page
    assert 'id="id_email_error"' in page
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_weak_password_refused_in_french(client):
    response = client.post(
        reverse("accounts:signup"),
        {"email": "x@example.org", "password1": "12345678", "password2": "12345678"},
    )
    assert "Ce mot de passe est entièrement numérique." in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_expired_verification_link_is_refused_with_a_clear_message(client, make_user, settings):
    user = make_user("lent@example.org", email_verified=False)
    token = tokens.make_verification_token(user)
    settings.TISSER_EMAIL_VERIFICATION_HOURS = 0  # every link is now too old
    time.sleep(1.1)
    response = client.get(reverse("accounts:verify_email", kwargs={"token": token}))
    assert response.status_code == 400
    assert "Ce lien de confirmation a expiré." in response.content.decode()
    user.refresh_from_db()
    assert not user.email_verified


@pytest.mark.django_db
def test_forged_or_stale_verification_links_are_refused(client, make_user):
    user = make_user("faux@example.org", email_verified=False)
    forged = signing.dumps({"u": user.pk, "e": user.email}, salt="not-our-salt")
    tampered = tokens.make_verification_token(user)[:-3] + "abc"
    for token in (forged, tampered, "nimporte-quoi"):
        response = client.get(reverse("accounts:verify_email", kwargs={"token": token}))
        assert response.status_code == 400
        assert "Ce lien de confirmation n’est pas valide" in response.content.decode()
    # A genuine link for an address the account no longer has.
    stale = tokens.make_verification_token(user)
    User.objects.filter(pk=user.pk).update(email="nouvelle@example.org")
    response = client.get(reverse("accounts:verify_email", kwargs={"token": stale}))
    assert response.status_code == 400
    user.refresh_from_db()
    assert not user.email_verified


@pytest.mark.django_db
def test_resend_verification_does_not_reveal_accounts(
    client, make_user, mailoutbox, django_capture_on_commit_callbacks
):
    make_user("pas-confirme@example.org", email_verified=False)
    make_user("confirme@example.org")
    for email in ("PAS-confirme@example.org", "confirme@example.org", "inconnu@example.org"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("accounts:resend_verification"), {"email": email}, follow=True
            )
        assert "Si un compte non confirmé utilise cette adresse" in response.content.decode()
    assert [m.to for m in mailoutbox] == [["pas-confirme@example.org"]]


@pytest.mark.django_db
def test_logged_in_user_resends_in_one_click(
    client, make_user, mailoutbox, django_capture_on_commit_callbacks
):
    user = make_user("clic@example.org", email_verified=False, language="en")
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:resend_verification"), {"next": "/carte/"})
    assert response.status_code == 302 and response["Location"] == "/carte/"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "Confirm your email address"  # the account's language


@pytest.mark.django_db
def test_login_by_email_ignores_case_and_sets_the_preferred_language(client, make_user):
    make_user("casse@example.org", language="en")
    response = client.post(
        reverse("accounts:login"), {"username": "  Casse@EXAMPLE.org ", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    assert 'lang="en"' in client.get("/").content.decode()


@pytest.mark.django_db
def test_wrong_password_is_explained_and_keeps_the_address(client, make_user):
    make_user("oubli@example.org")
    response = client.post(
        reverse("accounts:login"), {"username": "oubli@example.org", "password": "faux"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Cette adresse e-mail et ce mot de passe ne correspondent pas." in page
    assert 'value="oubli@example.org"' in page


@pytest.mark.django_db
def test_repeated_login_failures_are_throttled(client, make_user):
    make_user("cible@example.org")
    for _attempt in range(services.MAX_FAILURES_PER_ACCOUNT):
        client.post(reverse("accounts:login"), {"username": "cible@example.org", "password": "x"})
    assert LoginFailure.objects.filter(email="cible@example.org").count() == 5
    # Even the right password is refused for a while, with a clear message.
    response = client.post(
        reverse("accounts:login"), {"username": "CIBLE@example.org", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "Trop de tentatives échouées." in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The client's address is stored as a keyed hash, never in clear.
    assert {f.client for f in LoginFailure.objects.all()} == {
        services.client_key(response.wsgi_request)
    }
    assert "127.0.0.1" not in {f.client for f in LoginFailure.objects.all()}


@pytest.mark.django_db
def test_a_successful_login_clears_earlier_failures(client, make_user):
    make_user("distrait@example.org")
    client.post(reverse("accounts:login"), {"username": "distrait@example.org", "password": "x"})
    client.post(
        reverse("accounts:login"), {"username": "distrait@example.org", "password": PASSWORD}
    )
    assert not LoginFailure.objects.filter(email="distrait@example.org").exists()


@pytest.mark.django_db(transaction=True)
def test_password_reset_end_to_end(client, make_user, smtp_server):
    make_user("reset@example.org", email_verified=False, first_name="Rémi")
    response = client.post(reverse("accounts:password_reset"), {"email": "RESET@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")

    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["Subject"] == "Réinitialisez votre mot de passe"
    assert "Bonjour Rémi," in message.get_body(preferencelist=("plain",)).get_content()
    assert message.get_body(preferencelist=("html",)) is not None
    (link,) = [url for url in links_in(message) if "/mot-de-passe/nouveau/" in url]

    # Django swaps the token for a session marker, then shows the form.
    response = client.get(path_of(link), follow=True)
    assert "Choisissez un nouveau mot de passe" in response.content.decode()
    form_url = response.redirect_chain[-1][0]
    new_password = "un-nouveau-mot-de-passe-77"
    response = client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_complete")

    user = User.objects.get(email="reset@example.org")
    assert user.check_password(new_password)
    assert user.email_verified, "the reset link proved the address"
    # The link works once.
    reused = client.get(path_of(link), follow=True).content.decode()
    assert "Ce lien n’est plus valide" in reused
    client.logout()
    assert client.login(email="reset@example.org", password=new_password)


@pytest.mark.django_db
def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:password_reset"), {"email": "personne@example.org"}
        )
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mailoutbox == []


@pytest.mark.django_db
def test_profile_sets_names_and_interface_language(client, make_user):
    user = make_user("profil@example.org")
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {"first_name": "Paule", "last_name": "Profil", "language": "en"},
    )
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    user.refresh_from_db()
    assert (user.first_name, user.last_name, user.language) == ("Paule", "Profil", "en")
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "My profile" in page and 'lang="en"' in page
    response = client.post(
        reverse("accounts:profile"), {"first_name": "", "last_name": "", "language": "xx"}
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.language == "en"


@pytest.mark.django_db
def test_profile_needs_a_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, status",
    [
        ("anonymous", 302),
        ("public", 403),
        ("member", 403),
        ("representative", 403),
        ("editor", 403),
        ("admin", 200),
    ],
)
def test_staff_role_page_is_for_staff_administrators_only(client, role_users, role, status):
    user = role_users[role]
    if user is not None:
        client.force_login(user)
    target = role_users["public"]
    assert client.get(reverse("accounts:staff_roles")).status_code == status
    response = client.post(
        reverse("accounts:staff_roles"), {"user": target.pk, "staff_role": "admin"}
    )
    target.refresh_from_db()
    assert target.staff_role == ("admin" if role == "admin" else "")
    if role != "admin":
        assert response.status_code == status


@pytest.mark.django_db
def test_staff_administrator_gives_and_takes_roles(client, role_users):
    admin, public = role_users["admin"], role_users["public"]
    client.force_login(admin)
    page = client.get(reverse("accounts:staff_roles"), {"q": "public"}).content.decode()
    assert "public@example.org" in page and "editeur@example.org" not in page
    client.post(reverse("accounts:staff_roles"), {"user": public.pk, "staff_role": "editor"})
    public.refresh_from_db()
    assert public.staff_role == "editor" and public.is_staff_editor
    client.post(reverse("accounts:staff_roles"), {"user": public.pk, "staff_role": ""})
    public.refresh_from_db()
    assert public.staff_role == ""
    # No accidental lock-out: an administrator cannot demote themself.
    response = client.post(
        reverse("accounts:staff_roles"), {"user": admin.pk, "staff_role": "editor"}, follow=True
    )
    assert (
        "Vous ne pouvez pas retirer votre propre rôle d’administrateur."
        in response.content.decode()
    )
    admin.refresh_from_db()
    assert admin.staff_role == "admin"
    # Unknown roles are refused.
    client.post(reverse("accounts:staff_roles"), {"user": public.pk, "staff_role": "king"})
    public.refresh_from_db()
    assert public.staff_role == ""


@pytest.mark.django_db
def test_password_change(client, make_user):
    user = make_user("change@example.org")
    client.force_login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "encore-plus-solide-99",
            "new_password2": "encore-plus-solide-99",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("encore-plus-solide-99")


@pytest.mark.django_db
def test_one_email_a_minute_per_address(
    client, make_user, mailoutbox, django_capture_on_commit_callbacks
):
    user = make_user("presse@example.org", email_verified=False)
    client.force_login(user)
    for _click in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("accounts:resend_verification"), follow=True)
    assert len(mailoutbox) == 1
    assert "il y a moins d’une minute" in response.content.decode()
    for _ask in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("accounts:password_reset"), {"email": "presse@example.org"}
            )
        assert response["Location"] == reverse("accounts:password_reset_done")
    assert [m.subject for m in mailoutbox] == [
        "Confirmez votre adresse e-mail",
        "Réinitialisez votre mot de passe",
    ]


@pytest.mark.django_db
def test_verification_is_announced_once_after_commit(
    client, make_user, django_capture_on_commit_callbacks
):
    from tisser.accounts.signals import email_verified

    heard = []

    def listener(sender, user, **kwargs):
        heard.append(user.email)

    email_verified.connect(listener)
    try:
        user = make_user("annonce@example.org", email_verified=False)
        token = tokens.make_verification_token(user)
        with django_capture_on_commit_callbacks(execute=True):
            client.get(reverse("accounts:verify_email", kwargs={"token": token}))
        with django_capture_on_commit_callbacks(execute=True):
            client.get(reverse("accounts:verify_email", kwargs={"token": token}))
    finally:
        email_verified.disconnect(listener)
    assert heard == ["annonce@example.org"]
