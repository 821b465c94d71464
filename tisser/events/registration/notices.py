"""The emails of a registration: queued on commit, sent again on request, reminders."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from tisser.events.models import Event, Registration, Session
from tisser.events.registration.rules import Status

#: A person told "already registered" gets the email again at most this often.
RESEND_SECONDS = 600


def resend_confirmation(registration: Registration | None) -> bool:
    """Send the registration's email again to someone told they are already registered:
    the first one is lost if the web process died between the commit and the queuing
    (the multi-host rehearsal showed it). It goes to the registered address only, at most
    once per `RESEND_SECONDS`, so typing someone else's email gains nothing."""
    live = (Registration.Status.CONFIRMED, Registration.Status.WAITLISTED)
    if registration is None or registration.status not in live:
        return False
    key = f"events:resent:{registration.pk}:{registration.created_at.timestamp()}"
    if not cache.add(key, 1, RESEND_SECONDS):
        return False
    confirmed = registration.status == Registration.Status.CONFIRMED
    notify_registration(registration, "confirmed" if confirmed else "waitlisted")
    return True


def notify_registration(registration: Registration, kind: str) -> None:
    """Queue the email about this registration once the transaction commits."""
    from tisser.events.tasks import send_registration_email

    pk = registration.pk
    transaction.on_commit(lambda: send_registration_email.delay(pk, kind))


def send_reminders(*, now=None) -> int:
    """Remind confirmed registrants of each session starting within their event's
    reminder delay (before every day of a course), once per registrant and session."""
    from tisser.events.models import SessionReminder

    now = now or timezone.now()
    count = 0
    sessions = Session.objects.filter(
        starts_at__gt=now,
        starts_at__lte=now + dt.timedelta(days=31),
        event__status=Event.Status.PUBLISHED,
        event__reminder_days__gt=0,
    ).select_related("event")
    for session in sessions:
        if session.starts_at - now > dt.timedelta(days=session.event.reminder_days):
            continue
        due = (
            Registration.objects.filter(event=session.event, status=Status.CONFIRMED)
            .filter(Q(session=session) | Q(session__isnull=True))
            .exclude(reminders__session=session)
        )
        for registration in due:
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        SessionReminder.objects.create(
                            registration=registration, session=session, sent_at=now
                        )
                except IntegrityError:
                    continue  # another scheduler run sent it meanwhile
                Registration.objects.filter(pk=registration.pk).update(reminded_at=now)
                notify_registration(registration, "reminder")
                count += 1
    return count
