"""Writes about subscribers: signup with double opt-in, confirmation, unsubscribing, the
suppression list and bounces. A subscriber is a `directory.Person`, found or created
through the directory's services (one per address); each consent is a `directory.Consent`.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tisser.core.mail import send_templated_mail
from tisser.directory.contacts import services as directory_services
from tisser.directory.models import Consent, Person

from . import tokens, webhooks
from .models import Delivery, MailingList, Subscription, Suppression

SIGNUPS_PER_HOUR = 10  # per client address
CONFIRMATION_EVERY = timedelta(minutes=10)  # at most one confirmation email per address


class SignupRefused(Exception):
    """Too many signups from one client address."""


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def is_suppressed(email: str) -> bool:
    return Suppression.objects.filter(email=normalise_email(email)).exists()


def _skip_open_deliveries(person_ids, list_ids=None, emails=None) -> int:
    """Honour an unsubscribe or a suppression at once for messages not yet sent."""
    rows = Delivery.objects.filter(status=Delivery.Status.PENDING)
    if emails is not None:
        rows = rows.filter(email__in=list(emails))
    else:
        rows = rows.filter(person_id__in=list(person_ids))
    if list_ids is not None:
        rows = rows.filter(campaign__mailing_list_id__in=list(list_ids))
    return rows.update(status=Delivery.Status.SKIPPED)


def request_subscription(
    *,
    email: str,
    lists: list[MailingList],
    first_name: str = "",
    last_name: str = "",
    language: str = "",
    client_hash: str = "",
) -> Person:
    """The signup form: pending subscriptions and a confirmation link (double opt-in).

    Already active subscriptions stay as they are. A suppressed address gets no email
    (nothing is ever sent to it) but the answer is the same, so the form reveals nothing.
    """
    from .models_signup import SignupAttempt

    since = timezone.now() - timedelta(hours=1)
    if client_hash and (
        SignupAttempt.objects.filter(client_hash=client_hash, at__gte=since).count()
        >= SIGNUPS_PER_HOUR
    ):
        raise SignupRefused
    with transaction.atomic():
        SignupAttempt.objects.create(client_hash=client_hash or "-")
        person, _created = directory_services.find_or_create_person(
            email=email, first_name=first_name, last_name=last_name
        )
        pending = []
        for mailing_list in lists:
            subscription, created = Subscription.objects.get_or_create(
                person=person,
                mailing_list=mailing_list,
                defaults={"origin": Subscription.Origin.FORM},
            )
            if subscription.status == Subscription.Status.ACTIVE:
                continue
            if subscription.status == Subscription.Status.UNSUBSCRIBED:
                subscription.status = Subscription.Status.PENDING
                subscription.origin = Subscription.Origin.FORM
                subscription.save(update_fields=["status", "origin"])
            pending.append(subscription)
        recent = any(
            s.created_at > timezone.now() - CONFIRMATION_EVERY and s.origin_detail == "sent"
            for s in pending
        )
        if pending and not is_suppressed(person.email) and not recent:
            Subscription.objects.filter(pk__in=[s.pk for s in pending]).update(
                origin_detail="sent", created_at=timezone.now()
            )
            link = settings.SITE_URL + reverse(
                "publications:confirm",
                kwargs={"token": tokens.confirm_token([s.pk for s in pending])},
            )
            send_templated_mail(
                to=[person.email],
                subject=_("Confirm your subscription"),
                template="publications/email/confirm",
                context={"link": link, "lists": [s.mailing_list.name for s in pending]},
                language=language or None,
            )
    return person


@transaction.atomic
def confirm_subscriptions(subscription_ids: list[int]) -> list[Subscription]:
    """Follow the double opt-in link: activate, and record the consent with its wording."""
    confirmed = []
    for subscription in (
        Subscription.objects.select_for_update()
        .select_related("person", "mailing_list")
        .filter(pk__in=subscription_ids)
    ):
        if subscription.status == Subscription.Status.ACTIVE:
            confirmed.append(subscription)
            continue
        consent = directory_services.record_consent(
            subscription.person,
            purpose=Consent.Purpose.NEWSLETTER,
            method=Consent.Method.WEB_FORM,
            wording=subscription.mailing_list.consent_wording,
            source=f"publications:{subscription.mailing_list.slug}:double-opt-in",
        )
        subscription.status = Subscription.Status.ACTIVE
        subscription.confirmed_at = timezone.now()
        subscription.consent = consent
        subscription.save(update_fields=["status", "confirmed_at", "consent"])
        webhooks.subscriber_event("subscriber.subscribed", subscription)
        confirmed.append(subscription)
    return confirmed


@transaction.atomic
def subscribe_by_staff(person: Person, mailing_list: MailingList, *, wording: str, method: str):
    """Staff record a subscription given on paper or orally (with what was said)."""
    consent = directory_services.record_consent(
        person,
        purpose=Consent.Purpose.NEWSLETTER,
        method=method,
        wording=wording,
        source=f"publications:{mailing_list.slug}:staff",
    )
    subscription, _created = Subscription.objects.update_or_create(
        person=person,
        mailing_list=mailing_list,
        defaults={
            "status": Subscription.Status.ACTIVE,
            "origin": Subscription.Origin.STAFF,
            "consent": consent,
            "confirmed_at": timezone.now(),
        },
    )
    webhooks.subscriber_event("subscriber.subscribed", subscription)
    return subscription


def unsubscribe(person: Person, mailing_list: MailingList, *, how: str, delivery=None) -> bool:
    """Leave one list. Returns False if it was already done (a replayed link)."""
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update()
            .filter(person=person, mailing_list=mailing_list)
            .first()
        )
        if subscription is None or subscription.status == Subscription.Status.UNSUBSCRIBED:
            return False
        subscription.status = Subscription.Status.UNSUBSCRIBED
        subscription.unsubscribed_at = timezone.now()
        subscription.save(update_fields=["status", "unsubscribed_at"])
        webhooks.subscriber_event("subscriber.unsubscribed", subscription)
        directory_services.record_consent(
            person,
            purpose=Consent.Purpose.NEWSLETTER,
            method=Consent.Method.WEB_FORM if how != "email" else Consent.Method.EMAIL,
            given=False,
            wording=mailing_list.consent_wording,
            source=f"publications:{mailing_list.slug}:unsubscribe:{how}"[:200],
        )
        if delivery is not None:
            Delivery.objects.filter(pk=delivery.pk).update(unsubscribed_at=timezone.now())
        _skip_open_deliveries([person.pk], [mailing_list.pk])
    return True


@transaction.atomic
def suppress(email: str, *, reason: str, detail: str = "") -> Suppression:
    """Never write to this address again: every list left, unsent messages dropped."""
    email = normalise_email(email)
    suppression, _created = Suppression.objects.get_or_create(
        email=email, defaults={"reason": reason, "detail": detail[:300]}
    )
    Subscription.objects.filter(
        person__email=email, status__in=[Subscription.Status.ACTIVE, Subscription.Status.PENDING]
    ).update(status=Subscription.Status.UNSUBSCRIBED, unsubscribed_at=timezone.now())
    _skip_open_deliveries(None, emails=[email])
    return suppression


@transaction.atomic
def lift_suppression(suppression: Suppression) -> None:
    """Staff only, explicitly: no import and no signup ever does this."""
    suppression.delete()


def record_bounce(*, email: str, hard: bool, message_id: str = "", detail: str = "") -> bool:
    """A bounce from a delivery status notification or an email service's webhook.

    Hard: the delivery is marked bounced and the address suppressed. Soft bounces are
    counted by the mail server's retries, not here. Returns whether it was recognised."""
    email = normalise_email(email)
    rows = Delivery.objects.all()
    if message_id:
        rows = rows.filter(message_id=message_id.strip())
    elif email:
        rows = rows.filter(email=email, status=Delivery.Status.SENT).order_by("-sent_at")[:1]
    else:
        return False
    found = list(rows)
    if not hard:
        return bool(found)
    with transaction.atomic():
        Delivery.objects.filter(pk__in=[d.pk for d in found]).update(
            status=Delivery.Status.BOUNCED, error=detail[:500]
        )
        address = email or (found[0].email if found else "")
        if address:
            suppress(address, reason=Suppression.Reason.HARD_BOUNCE, detail=detail)
    return bool(found) or bool(email)


def send_preferences_link(email: str, *, language: str = "") -> bool:
    """Email a signed link to the preference page, if this address is a subscriber."""
    email = normalise_email(email)
    person = Person.objects.filter(email=email, subscriptions__isnull=False).distinct().first()
    if person is None or is_suppressed(email):
        return False
    link = settings.SITE_URL + reverse(
        "publications:preferences", kwargs={"token": tokens.preferences_token(person.pk)}
    )
    send_templated_mail(
        to=[email],
        subject=_("Your newsletter preferences"),
        template="publications/email/preferences",
        context={"link": link},
        language=language or None,
    )
    return True
