"""Every write about accounts: sign-up, verification, profile, staff roles, login throttling."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from tisser.core.mail import send_templated_mail

from . import roles, tokens
from .models import LoginFailure, User
from .signals import email_verified

LOGIN_WINDOW = timedelta(minutes=15)
#: failed attempts allowed in the window, for one address from one client / from one client
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_CLIENT = 30
EMAIL_COOLDOWN = timedelta(minutes=1)


class VerificationFailed(Exception):
    """The verification link cannot be used; `reason` is "expired" or "invalid"."""

    def __init__(self, reason: str, user: User | None = None):
        super().__init__(reason)
        self.reason = reason
        self.user = user


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def user_language(user: User | None, fallback: str | None = None) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    if user is not None and user.language in codes:
        return user.language
    return fallback if fallback in codes else settings.LANGUAGE_CODE


# -- sign-up and verification -------------------------------------------------------------


@transaction.atomic
def register_user(
    *, email: str, password: str, first_name: str = "", last_name: str = "", language: str = ""
) -> User:
    """Create a public account (no role) and email it a verification link."""
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(_("An account already exists with this email address."))
    user = User.objects.create_user(
        email=email,
        password=password,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        language=language,
        email_verified=False,
    )
    send_verification_email(user)
    return user


def email_allowed(kind: str, email: str) -> bool:
    """At most one email of a kind to an address per EMAIL_COOLDOWN, so the forms that
    send on request (resend a link, reset a password) cannot flood someone's inbox."""
    key = "tisser.accounts.sent:" + salted_hmac(kind, email.strip().lower()).hexdigest()
    return cache.add(key, 1, timeout=int(EMAIL_COOLDOWN.total_seconds()))


def send_verification_email(user: User) -> bool:
    """Queue the verification email (after commit). False when not sent: the address is
    already verified, or a link was sent to it less than a minute ago."""
    if user.email_verified or not email_allowed("verify", user.email):
        return False
    link = absolute_url(
        reverse("accounts:verify_email", kwargs={"token": tokens.make_verification_token(user)})
    )
    hours = tokens.max_age_seconds() // 3600
    send_templated_mail(
        to=[user.email],
        subject=_("Confirm your email address"),
        template="accounts/email/verify_email",
        context={"user": user, "link": link, "hours": hours},
        language=user_language(user),
    )
    return True


@transaction.atomic
def verify_email(token: str) -> User:
    """Mark the address in the token as verified. Idempotent: a second click is fine."""
    try:
        claim = tokens.read_verification_token(token)
    except tokens.TokenExpired as exc:
        raise VerificationFailed("expired") from exc
    except tokens.TokenInvalid as exc:
        raise VerificationFailed("invalid") from exc
    user = User.objects.select_for_update().filter(pk=claim.user_id, is_active=True).first()
    if user is None or user.email.lower() != claim.email.lower():
        # Signed by us but the account is gone or its address changed since.
        raise VerificationFailed("invalid", user=user)
    if not user.email_verified:
        user.email_verified = True
        user.save(update_fields=["email_verified"])
        _announce_verified(user)
    return user


def _announce_verified(user: User) -> None:
    transaction.on_commit(lambda: email_verified.send(sender=User, user=user))


def mark_email_verified(user: User) -> None:
    """Used when the user proved the address another way (a password-reset link)."""
    if not user.email_verified:
        User.objects.filter(pk=user.pk).update(email_verified=True)
        user.email_verified = True
        _announce_verified(user)


def resend_verification(email: str) -> None:
    """Send a new link if an unverified active account has this address; silent otherwise,
    so the form does not tell strangers which addresses have accounts."""
    user = User.objects.filter(
        email__iexact=email.strip(), is_active=True, email_verified=False
    ).first()
    if user is not None:
        send_verification_email(user)


# -- profile and staff roles --------------------------------------------------------------


@transaction.atomic
def update_profile(
    user: User,
    *,
    first_name: str,
    last_name: str,
    language: str,
    notify_new_proposals: bool | None = None,
) -> User:
    """Save the profile; `notify_new_proposals` is kept only for staff (None = unchanged)."""
    codes = {code for code, _name in settings.LANGUAGES}
    if language and language not in codes:
        raise ValidationError(_("Unknown language."))
    user.first_name, user.last_name, user.language = first_name.strip(), last_name.strip(), language
    fields = ["first_name", "last_name", "language"]
    if notify_new_proposals is not None and roles.is_staff_editor(user):
        user.notify_new_proposals = bool(notify_new_proposals)
        fields.append("notify_new_proposals")
    user.save(update_fields=fields)
    return user


def save_language_preference(user: User, language: str) -> bool:
    """The header switch chose `language`: keep it on the account so emails follow it.

    Unknown codes are ignored (Django's own switch ignores them too); returns whether the
    stored preference changed.
    """
    codes = {code for code, _name in settings.LANGUAGES}
    if language not in codes or user.language == language:
        return False
    user.language = language
    user.save(update_fields=["language"])
    return True


@transaction.atomic
def set_staff_role(*, actor: User, user: User, role: str) -> User:
    """Give or take a staff role. Only staff administrators may; nobody demotes themself,
    so the network can never lose its last administrator by accident."""
    if not roles.is_staff_admin(actor):
        raise PermissionDenied(_("Only staff administrators can change staff roles."))
    if role not in User.StaffRole.values:
        raise ValidationError(_("Unknown staff role."))
    if user.pk == actor.pk and role != User.StaffRole.ADMIN:
        raise ValidationError(_("You cannot remove your own administrator role."))
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.staff_role != role:
        user.staff_role = role
        user.save(update_fields=["staff_role"])
    return user


# -- login throttling ---------------------------------------------------------------------


def client_key(request) -> str:
    """A keyed hash of the client address: enough to count, useless to anybody else."""
    address = (request.META.get("REMOTE_ADDR") or "") if request is not None else ""
    return salted_hmac("tisser.accounts.login-client", address).hexdigest()[:32]


def login_blocked(email: str, client: str) -> bool:
    since = timezone.now() - LOGIN_WINDOW
    recent = LoginFailure.objects.filter(created_at__gte=since)
    email = (email or "").strip().lower()
    if recent.filter(email=email, client=client).count() >= MAX_FAILURES_PER_ACCOUNT:
        return True
    return recent.filter(client=client).count() >= MAX_FAILURES_PER_CLIENT


def record_login_failure(email: str, client: str) -> None:
    now = timezone.now()
    LoginFailure.objects.filter(created_at__lt=now - LOGIN_WINDOW).delete()
    LoginFailure.objects.create(email=(email or "").strip().lower()[:254], client=client)


def clear_login_failures(email: str, client: str) -> None:
    LoginFailure.objects.filter(email=(email or "").strip().lower(), client=client).delete()
