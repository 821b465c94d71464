"""The emails of a registration: queued on commit, sent again on request, reminders."""

from __future__ import annotations

import datetime as dt
import smtplib
import time

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


#: A web process wakes the worker about pending registration emails at most this often;
#: each wake-up sends what is pending, then looks once more `FOLLOW_UP_SECONDS` later.
WAKE_SECONDS = 1.0
FOLLOW_UP_SECONDS = 1.5
#: Registration emails sent per transaction by the worker (their rows locked meanwhile).
NOTICE_BATCH = 50
_last_wake = [float("-inf")]


def notice_after_commit(registration: Registration, kind: str) -> None:
    """Mark the registration's own email ("confirmed", "waitlisted") as due, before its
    INSERT: the row is the outbox. Once the transaction commits, the worker is woken (at
    most once per `WAKE_SECONDS` per process, the rush's registrations in between are
    picked up by the follow-up look; the periodic sweep catches anything else)."""
    registration.notice_pending = kind
    transaction.on_commit(wake_notices)


def wake_notices() -> None:
    from tisser.events.tasks import send_pending_registration_emails

    if send_pending_registration_emails.app.conf.task_always_eager:  # tests: run at once
        send_pending_registration_emails.delay()
        return
    now = time.monotonic()
    if now - _last_wake[0] < WAKE_SECONDS:
        return
    _last_wake[0] = now
    send_pending_registration_emails.delay(follow_up=True)


def send_pending_notices() -> int:
    """Send every registration email still due, `NOTICE_BATCH` rows at a time, each batch
    locked (two workers never take the same row; on PostgreSQL they share the work) and
    marked sent in the same transaction: a worker dying mid-batch leaves its rows due (at
    least once). The mail server being away stops here, what is left waits for the next
    sweep."""
    sent = 0
    while True:
        with transaction.atomic():
            due = list(
                Registration.objects.select_for_update(skip_locked=True, of=("self",))
                .exclude(notice_pending="")
                .select_related("event", "session", "person")
                .order_by("pk")[:NOTICE_BATCH]
            )
            if not due:
                return sent
            done, away = [], False
            for registration in due:
                try:
                    sent += _send_notice(registration)
                except OSError:
                    away = True
                    break
                done.append(registration.pk)
            Registration.objects.filter(pk__in=done).update(notice_pending="")
        if away:
            return sent


def _send_notice(registration: Registration) -> bool:
    """Send one registration's due email; False when there is none to send: cancelled
    meanwhile (its cancellation's email says all there is to say), no address, or an
    address the mail server refuses for good (retrying would not help)."""
    from tisser.events.registration.emails import build_message

    if registration.status == Registration.Status.CANCELLED or not registration.person.email:
        return False
    try:
        build_message(registration, registration.notice_pending).send()
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused):
        return False
    return True


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
