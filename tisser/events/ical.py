"""iCalendar (RFC 5545) for the agenda feeds and the confirmation emails (icalendar)."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.html import strip_tags
from icalendar import Calendar
from icalendar import Event as VEvent

from .models import Event, Session


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Tisser//Agenda//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


def _location(event: Event, session: Session) -> str:
    commune = session.place_commune
    parts = [session.place_venue, session.place_address, commune.name if commune else ""]
    text = ", ".join(p for p in parts if p)
    return text or event.online_url


def _vevent(event: Event, session: Session) -> VEvent:
    item = VEvent()
    host = settings.SITE_URL.split("://", 1)[-1].split("/")[0]
    item.add("uid", f"event-{event.pk}-session-{session.pk}@{host}")
    title = event.title if not session.title else f"{event.title} ({session.title})"
    if event.status == Event.Status.CANCELLED:
        item.add("status", "CANCELLED")
    else:
        item.add("status", "CONFIRMED")
    item.add("summary", title)
    item.add("dtstart", session.starts_at)
    item.add("dtend", session.ends_at)
    item.add("dtstamp", timezone.now())
    item.add("last-modified", event.updated_at)
    if location := _location(event, session):
        item.add("location", location)
    url = settings.SITE_URL + event.get_absolute_url()
    item.add("url", url)
    description = event.summary or strip_tags(event.description or "").strip()
    item.add("description", f"{description}\n\n{url}".strip())
    return item


def agenda_calendar(events, name: str) -> bytes:
    """Every session of these events, one VEVENT each."""
    calendar = _calendar(name)
    for event in events:
        for session in event.sessions_list:
            calendar.add_component(_vevent(event, session))
    return calendar.to_ical()


def registration_calendar(registration) -> bytes:
    """The sessions one registration is for (attached to the confirmation email)."""
    event = registration.event
    calendar = _calendar(event.title)
    calendar.add("method", "PUBLISH")
    for session in registration.sessions:
        calendar.add_component(_vevent(event, session))
    return calendar.to_ical()
