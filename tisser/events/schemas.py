"""Events in the JSON API and in webhook payloads: public fields; registrations for staff."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.html import strip_tags
from ninja import Schema

from tisser.core.html import sanitize_html

from .models import Event, Registration


class KindOut(Schema):
    slug: str
    name: str


class Place(Schema):
    code: str
    name: str


class SessionOut(Schema):
    id: int
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    commune: Place | None
    capacity: int | None
    places_left: int | None


class EventSummary(Schema):
    slug: str
    title: str
    kind: KindOut
    status: str
    summary: str
    url: str
    registration_url: str
    external_registration: bool
    place: str
    commune: Place | None
    address: str
    online_url: str | None
    free: bool
    price_member: Decimal
    price_non_member: Decimal
    members_only: bool
    reserved_for: str
    registration_opens_at: dt.datetime | None
    registration_closes_at: dt.datetime | None
    is_full: bool
    places_left: int | None
    image: str | None
    sessions: list[SessionOut]


class Workshop(Schema):
    title: str
    capacity: int | None
    places_left: int | None


class ProgrammeItem(Schema):
    starts_at: str
    ends_at: str | None
    title: str
    workshops: list[Workshop]


class Attachment(Schema):
    title: str
    url: str


class EventDetail(EventSummary):
    description: str
    accessibility: str
    organisers: list[str]
    partners: list[str]
    programme: list[ProgrammeItem]
    attachments: list[Attachment]


class RegistrationOut(Schema):
    """One registration (staff tokens with `registrations:read`, and webhooks)."""

    id: int
    event: str
    session: int | None
    status: str
    tier: str
    price: Decimal
    payment_status: str
    first_name: str
    last_name: str
    email: str
    organisation: str | None
    created_at: dt.datetime
    promoted_at: dt.datetime | None
    confirm_by: dt.datetime | None
    cancelled_at: dt.datetime | None
    attended_sessions: list[int]


class RegistrationIn(Schema):
    email: str
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    session: int | None = None


def _iso(value):
    return timezone.localtime(value) if value else None


def _place(commune) -> dict | None:
    return {"code": commune.code, "name": commune.name} if commune else None


def event_data(event: Event, *, full: bool = False) -> dict:
    """What the API says of an event (`full`: the detail, with programme and files)."""
    base = settings.SITE_URL
    data = {
        "slug": event.slug,
        "title": event.title,
        "kind": {"slug": event.kind.slug, "name": event.kind.name},
        "status": event.status,
        "summary": event.summary,
        "url": base + event.get_absolute_url(),
        "registration_url": event.registration_url
        if event.is_external
        else base + event.registration_url,
        "external_registration": event.is_external,
        "place": event.place_label,
        "commune": _place(event.commune) if event.commune_id else None,
        "address": event.address,
        "online_url": event.online_url or None,
        "free": event.is_free,
        "price_member": event.price_member,
        "price_non_member": event.price_non_member,
        "members_only": event.members_only,
        "reserved_for": event.reserved_for,
        "registration_opens_at": _iso(event.registration_opens_at),
        "registration_closes_at": _iso(event.registration_closes_at),
        "is_full": event.is_full,
        "places_left": event.places_left,
        "image": base + event.image.url if event.image else None,
        "sessions": [
            {
                "id": s.pk,
                "title": s.title,
                "starts_at": _iso(s.starts_at),
                "ends_at": _iso(s.ends_at),
                "commune": _place(s.place_commune),
                "capacity": s.capacity,
                "places_left": s.places_left,
            }
            for s in event.sessions_list
        ],
    }
    if full:
        data["description"] = strip_tags(sanitize_html(event.description)).strip()
        data["accessibility"] = event.accessibility
        data["organisers"] = [o.name for o in event.organisers.all()]
        data["partners"] = [o.name for o in event.partners.all()]
        data["programme"] = [
            {
                "starts_at": item.starts_at.strftime("%H:%M"),
                "ends_at": item.ends_at.strftime("%H:%M") if item.ends_at else None,
                "title": item.title,
                "workshops": [
                    {"title": w.title, "capacity": w.capacity, "places_left": w.places_left}
                    for w in item.workshops.all()
                ],
            }
            for item in event.programme.all()
        ]
        data["attachments"] = [
            {"title": a.title, "url": base + a.file.url} for a in event.attachments.all()
        ]
    return data


def registration_data(registration: Registration) -> dict:
    person = registration.person
    return {
        "id": registration.pk,
        "event": registration.event.slug,
        "session": registration.session_id,
        "status": registration.status,
        "tier": registration.tier,
        "price": registration.price,
        "payment_status": registration.payment_status,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "organisation": registration.organisation.name if registration.organisation_id else None,
        "created_at": registration.created_at,
        "promoted_at": registration.promoted_at,
        "confirm_by": registration.confirm_by,
        "cancelled_at": registration.cancelled_at,
        "attended_sessions": sorted(
            a.session_id for a in registration.attendances.all() if a.attended
        ),
    }


def registration_rows():
    """Registrations with what `registration_data` reads, in a few queries."""
    return Registration.objects.select_related("event", "person", "organisation").prefetch_related(
        "attendances"
    )


def registration_payload(registration: Registration) -> dict:
    """The webhook payload of a registration: the API's schema, as JSON, read back from
    the database as the API would read it."""
    fresh = registration_rows().get(pk=registration.pk)
    return RegistrationOut(**registration_data(fresh)).model_dump()
