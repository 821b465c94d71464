"""The agenda in the JSON API (`/api/v1/events/`): published upcoming events with their
sessions and places left, public fields only; their registrations for staff tokens
(`registrations:read`, `registrations:write`). The agenda page's filters work here
unchanged (`kind`, `territory`, `month`, `free`)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from tisser.accounts.api_auth import require_scope
from tisser.core.api import ErrorOut, Pagination, api_error, needs_scope, page_of, paged
from tisser.events import queries
from tisser.events.registration import changes, rules, services

from .models import Event, Registration, Session
from .schemas import (
    EventDetail,
    EventSummary,
    RegistrationIn,
    RegistrationOut,
    event_data,
    registration_data,
    registration_rows,
)
from .views import agenda_events

router = Router(tags=["events"])


class EventFilters(Schema):
    kind: str | None = Field(None, max_length=100, description="An event kind's slug.")
    territory: str | None = Field(
        None, max_length=5, description="A département code or a commune's INSEE code."
    )
    month: str | None = Field(None, max_length=7, description="`YYYY-MM`.")
    free: bool | None = Field(None, description="Only events with places left.")


@router.get(
    "/events/",
    response=paged(EventSummary),
    url_name="events",
    summary="Upcoming published events, in date order",
)
def events(request, filters: Query[EventFilters], pagination: Query[Pagination.Input]):
    found, form = agenda_events(request.GET)
    if form.is_bound and not form.is_valid():
        fields = {k: [str(m) for m in v] for k, v in form.errors.items()}
        return api_error(400, _unreadable(fields), fields=fields)
    return page_of(request, found, pagination, event_data)


@router.get(
    "/events/{slug}/",
    response=EventDetail,
    url_name="event",
    summary="One published event, its sessions, programme and places left",
)
def event(request, slug: str):
    found = queries.public_event(slug)
    if found is None:
        raise HttpError(404, _no_event())
    return event_data(found, full=True)


def _registrations():
    return registration_rows()


@router.get(
    "/events/{slug}/registrations/",
    response=paged(RegistrationOut),
    url_name="event_registrations",
    summary="An event's registrations (scope registrations:read)",
    openapi_extra=needs_scope("registrations:read"),
)
def event_registrations(request, slug: str, pagination: Query[Pagination.Input]):
    require_scope(request, "registrations:read")
    found = Event.objects.filter(slug=slug).first()
    if found is None:
        raise HttpError(404, _no_event())
    rows = _registrations().filter(event=found).order_by("created_at", "pk")
    return page_of(request, rows, pagination, registration_data)


@router.post(
    "/events/{slug}/registrations/",
    response={201: RegistrationOut, 409: ErrorOut},
    url_name="event_register",
    summary="Register someone (scope registrations:write): a place, or the waiting list",
    openapi_extra=needs_scope("registrations:write"),
)
def event_register(request, slug: str, data: RegistrationIn):
    require_scope(request, "registrations:write")
    found = queries.event_for_registration(slug)
    if found is None:
        raise HttpError(404, _no_event())
    choices = rules.Choices()
    if data.session is not None:
        choices.session = Session.objects.filter(event=found, pk=data.session).first()
        if choices.session is None:
            raise HttpError(400, _no_session())
    registrant = rules.Registrant(
        email=data.email, first_name=data.first_name, last_name=data.last_name, phone=data.phone
    )
    try:
        registration = services.register(found, registrant, choices=choices)
    except rules.RegistrationError as exc:
        raise HttpError(409 if isinstance(exc, rules.AlreadyRegistered) else 400, str(exc)) from exc
    except DjangoValidationError as exc:
        raise HttpError(400, " ".join(exc.messages)) from exc
    return Status(201, registration_data(_registrations().get(pk=registration.pk)))


@router.post(
    "/registrations/{registration_id}/cancel/",
    response=RegistrationOut,
    url_name="registration_cancel",
    summary="Cancel a registration (scope registrations:write); the waiting list moves up",
    openapi_extra=needs_scope("registrations:write"),
)
def registration_cancel(request, registration_id: int):
    require_scope(request, "registrations:write")
    registration = Registration.objects.filter(pk=registration_id).first()
    if registration is None:
        raise HttpError(404, _no_registration())
    changes.cancel_registration(registration)
    return registration_data(_registrations().get(pk=registration.pk))


def _unreadable(fields) -> str:
    names = ", ".join(f"“{name}”" for name in fields)
    return _("These parameters could not be read: %(names)s.") % {"names": names}


def _no_event() -> str:
    return _("No published event has this slug.")


def _no_session() -> str:
    return _("This event has no such session.")


def _no_registration() -> str:
    return _("No registration has this number.")
