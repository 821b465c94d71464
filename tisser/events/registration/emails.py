"""The emails about one registration, built in the worker from its id, in the registrant's
language: confirmation (with the sessions as an iCalendar file and a QR code for the
check-in), waiting list, place offered, reminder, change, cancellation."""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from tisser.core.mail import render_templated_mail
from tisser.events import ical
from tisser.events.models import Registration
from tisser.events.registration import tokens

KINDS = (
    "confirmed",
    "waitlisted",
    "promoted",
    "promotion_expired",
    "reminder",
    "changed",
    "cancelled",
    "event_changed",
    "event_cancelled",
)
# These carry the ticket: the sessions as iCalendar and the QR code to check in.
WITH_TICKET = {"confirmed", "reminder", "changed", "event_changed"}


def _subject(kind: str, title: str) -> str:
    subjects = {
        "confirmed": _("Your registration is confirmed: %(title)s"),
        "waitlisted": _("You are on the waiting list: %(title)s"),
        "promoted": _("A place is free for you: %(title)s"),
        "promotion_expired": _("The place offered has gone to the next person: %(title)s"),
        "reminder": _("Reminder: %(title)s"),
        "changed": _("Your registration was changed: %(title)s"),
        "cancelled": _("Your registration is cancelled: %(title)s"),
        "event_changed": _("Change to the event: %(title)s"),
        "event_cancelled": _("Event cancelled: %(title)s"),
    }
    return subjects[kind] % {"title": title}


def _when(session) -> str:
    start = timezone.localtime(session.starts_at)
    end = timezone.localtime(session.ends_at)
    day = formats.date_format(start, "DATE_FORMAT")
    return f"{day}, {start:%H:%M}–{end:%H:%M}"


def qr_png(url: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()


def build_message(registration: Registration, kind: str) -> EmailMultiAlternatives:
    if kind not in KINDS:
        raise ValueError(f"Unknown email kind: {kind}")
    event = registration.event
    language = registration.language or settings.LANGUAGE_CODE
    with translation.override(language):
        sessions = [
            {
                "title": s.title,
                "when": _when(s),
                "where": ", ".join(
                    p
                    for p in (
                        s.place_venue,
                        s.place_address,
                        s.place_commune.name if s.place_commune else "",
                    )
                    if p
                ),
            }
            for s in registration.sessions
        ]
        ticket = kind in WITH_TICKET and registration.status == Registration.Status.CONFIRMED
        context = {
            "kind": kind,
            "registration": registration,
            "event": event,
            "person": registration.person,
            "sessions": sessions,
            "workshops": [c.workshop.title for c in registration.workshop_choices.all()],
            "event_url": settings.SITE_URL + event.get_absolute_url(),
            "manage_url": tokens.manage_url(registration),
            "ticket": ticket,
            "confirm_by": registration.confirm_by,
        }
        rendered = render_templated_mail(
            subject=_subject(kind, event.title),
            template="events/email/registration",
            context=context,
            language=language,
        )
    message = EmailMultiAlternatives(
        subject=rendered["subject"],
        body=rendered["body"],
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[registration.person.email],
    )
    if rendered["html"]:
        message.attach_alternative(rendered["html"], "text/html")
    if ticket:
        message.attach(
            "evenement.ics",
            ical.registration_calendar(registration),
            "text/calendar; charset=utf-8; method=PUBLISH",
        )
        message.attach("billet-qr.png", qr_png(tokens.checkin_url(registration)), "image/png")
    return message
