"""The demo's readers, and the sends of its two issues.

- The network's contacts who agreed to receive newsletters (the directory demo's
  "newsletter" consents) are subscribed to the Infolettre with that consent, as the
  network's Brevo export brought them in.
- Invented readers (`directory.demo.people`, series "lecteurs") bring the Infolettre to
  `INFOLETTRE_READERS` addresses, each subscribed through the signup form (double opt-in)
  on a date between January 2023 and May 2026, with its consent; one in three also reads
  the quarterly letter. A few have unsubscribed since, a few addresses bounced for good
  (the suppression list), so a send's confirmation page has something to leave out.
- Each issue is sent at its date: frozen as the composer would at its first send, then
  one campaign, finished, with a delivery to each address subscribed on that day.

Everything is found before it is made: a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import Q
from django.utils import timezone

from tisser.directory.contacts.services_people import record_consent
from tisser.directory.demo.people import invented_people
from tisser.directory.models import Consent

from .. import services
from ..models import (
    Campaign,
    Delivery,
    MailingList,
    Newsletter,
    Subscription,
    Suppression,
)

INFOLETTRE_READERS = 320
READERS = "lecteurs"
SINCE = dt.date(2023, 1, 9)
UNTIL = dt.date(2026, 5, 20)


def _aware(day: dt.date, minutes: int) -> dt.datetime:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(8)))
    return start + dt.timedelta(minutes=minutes)


def _consent(person, mailing_list, at, *, given: bool = True) -> Consent:
    """What the reader agreed to (or withdrew) on the signup form or an issue's link."""
    how = "double-opt-in" if given else "unsubscribe:link"
    return record_consent(
        person,
        purpose=Consent.Purpose.NEWSLETTER,
        method=Consent.Method.WEB_FORM,
        given=given,
        wording=mailing_list.consent_wording,
        source=f"publications:{mailing_list.slug}:{how}",
        at=at,
    )


def _subscribe(person, mailing_list, *, at, origin, consent, detail="") -> Subscription:
    return Subscription.objects.create(
        person=person,
        mailing_list=mailing_list,
        status=Subscription.Status.ACTIVE,
        origin=origin,
        origin_detail=detail,
        consent=consent,
        created_at=at,
        confirmed_at=at,
    )


def ensure_subscribers() -> int:
    """The Infolettre's and the quarterly letter's subscribers; returns how many were added."""
    infolettre = MailingList.objects.get(slug="infolettre")
    quarterly = MailingList.objects.get(slug="lettre-trimestrielle")
    subscribed = set(
        Subscription.objects.filter(mailing_list=infolettre).values_list("person_id", flat=True)
    )
    added = 0
    contacts = (
        Consent.objects.filter(purpose=Consent.Purpose.NEWSLETTER, given=True)
        .exclude(person__email="")
        .select_related("person")
        .order_by("person_id", "at")
    )
    seen = set()
    for consent in contacts:
        if consent.person_id in subscribed or consent.person_id in seen:
            continue
        seen.add(consent.person_id)
        _subscribe(
            consent.person,
            infolettre,
            at=consent.at,
            origin=Subscription.Origin.BREVO,
            consent=consent,
            detail="Export Brevo de l'APES (double opt-in)",
        )
        added += 1
    readers_wanted = max(0, INFOLETTRE_READERS - len(subscribed) - added)
    span = (UNTIL - SINCE).days
    for index, person in enumerate(invented_people(READERS, readers_wanted)):
        if person.pk in subscribed:
            continue
        rng = random.Random(f"{READERS}:{index}")
        at = _aware(SINCE + dt.timedelta(days=rng.randrange(span)), rng.randrange(12 * 60))
        consent = _consent(person, infolettre, at)
        subscription = _subscribe(
            person, infolettre, at=at, origin=Subscription.Origin.FORM, consent=consent
        )
        added += 1
        if index % 3 == 0:
            both = _consent(person, quarterly, at)
            _subscribe(person, quarterly, at=at, origin=Subscription.Origin.FORM, consent=both)
        if index % 41 == 7:  # left since, through the link of an issue
            left = min(at + dt.timedelta(days=200 + index), timezone.now())
            Subscription.objects.filter(pk=subscription.pk).update(
                status=Subscription.Status.UNSUBSCRIBED, unsubscribed_at=left
            )
            _consent(person, infolettre, left, given=False)
        elif index % 97 == 11:  # the address no longer exists
            Suppression.objects.get_or_create(
                email=person.email,
                defaults={
                    "reason": Suppression.Reason.HARD_BOUNCE,
                    "detail": "550 5.1.1 Adresse inconnue",
                    "at": at + dt.timedelta(days=120),
                },
            )
    return added


def record_sent(newsletter: Newsletter, at: dt.datetime) -> Campaign | None:
    """The issue as sent at `at` to the Infolettre's subscribers of that day (once)."""
    if newsletter.campaigns.exists():
        return None
    sent = services.freeze_issue(newsletter, at=at)
    services.publish_newsletter(newsletter)
    Newsletter.objects.filter(pk=newsletter.pk).update(
        published_at=at, created_at=at - dt.timedelta(days=3)
    )
    suppressed = Suppression.objects.filter(at__lte=at).values("email")
    readers = (
        Subscription.objects.filter(mailing_list=newsletter.mailing_list, confirmed_at__lte=at)
        .filter(
            Q(status=Subscription.Status.ACTIVE)
            | Q(status=Subscription.Status.UNSUBSCRIBED, unsubscribed_at__gt=at)
        )
        .exclude(person__email="")
        .exclude(person__email__in=suppressed)
        .select_related("person")
        .order_by("person_id")
    )
    campaign = Campaign.objects.create(
        newsletter=newsletter,
        mailing_list=newsletter.mailing_list,
        subject=sent.subject,
        status=Campaign.Status.SENT,
        html_template=sent.html,
        text_template=sent.text,
        started_at=at,
    )
    deliveries = [
        Delivery(
            campaign=campaign,
            person=subscription.person,
            email=subscription.person.email,
            first_name=subscription.person.first_name,
            last_name=subscription.person.last_name,
            status=Delivery.Status.SENT,
            attempts=1,
            sent_at=at + dt.timedelta(seconds=index // 2),
        )
        for index, subscription in enumerate(readers)
    ]
    Delivery.objects.bulk_create(deliveries)
    finished = at + dt.timedelta(seconds=len(deliveries) // 2 + 5)
    Campaign.objects.filter(pk=campaign.pk).update(
        total=len(deliveries), finished_at=finished, last_activity_at=finished, created_at=at
    )
    return campaign
