"""Public pages of the agenda: the list, one event, its registration form, the signed
page to manage a registration, the iCalendar feeds and the embeddable widget."""

from __future__ import annotations

import datetime as dt
import hashlib
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from tisser.core.html import jsonld_script_body, rich_text_html, sanitize_html
from tisser.core.middleware import build_policy
from tisser.events import ical, queries
from tisser.events.registration import changes, notices, rules, services, tokens, waiting_list

from .forms import AgendaFilterForm, ChangeForm, RegistrationForm
from .models import Event, EventKind, Registration

PAGE_SIZE = 30


def _departements():
    return queries.agenda_departements()


def agenda_events(params):
    """The events the agenda's filters select, and the bound filter form."""
    form = AgendaFilterForm(params or None, departements=_departements())
    start = end = None
    kind = territory = None
    free = False
    if form.is_valid():
        kind = form.cleaned_data["kind"] or None
        territory = form.cleaned_data["territory"] or None
        free = form.cleaned_data["free"]
        if month := form.cleaned_data["month"]:
            year, number = (int(p) for p in month.split("-"))
            start = dt.date(year, number, 1)
            end = dt.date(year + number // 12, number % 12 + 1, 1)
            start = max(
                timezone.make_aware(dt.datetime.combine(start, dt.time.min)), timezone.now()
            )
    events = queries.upcoming_public_events(start=start, end=end, kind=kind)
    events = queries.filter_agenda(events, territory=territory, free_places=free)
    return events, form


def _cache_seconds() -> int:
    """How long a rendered agenda list is kept in the shared cache: places left may lag
    that much, registration itself always checks the counters. 0 turns it off."""
    return int(getattr(settings, "TISSER_AGENDA_CACHE_SECONDS", 10))


@require_GET
def agenda(request):
    """The agenda page. Everything but the site's chrome (filters, list, feeds, embed
    code) depends only on the language, the host and the query, so it is rendered once
    every few seconds for all the web processes (Django's shared cache); a hit runs no
    query and touches no session."""
    seconds = _cache_seconds()
    key = (
        "events:agenda:"
        + hashlib.sha1(
            f"{get_language()}|{request.get_host()}|{request.GET.urlencode()}".encode()
        ).hexdigest()
    )
    content = cache.get(key) if seconds else None
    if content is None:
        events, form = agenda_events(request.GET)
        page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        listing = render_to_string(
            "events/_agenda_list.html",
            {"page": page, "events": page.object_list, "query": query.urlencode()},
        )
        content = render_to_string(
            "events/_agenda_content.html",
            {
                "listing": mark_safe(listing),
                "form": form,
                "kinds": [(kind.slug, kind.name) for kind in form.kinds],
                "embed_code": _embed_code(request),
            },
        )
        if seconds:
            cache.set(key, content, seconds)
    return render(request, "events/agenda.html", {"content": mark_safe(content)})


def _embed_code(request) -> str:
    """The iframe to copy, keeping the filters chosen on the agenda."""
    query = request.GET.copy()
    query.pop("page", None)
    src = request.build_absolute_uri(reverse("events:embed"))
    if query:
        src += "?" + query.urlencode()
    return (
        f'<iframe src="{src}" title="{_("Agenda")}" width="100%" height="600" '
        'style="border:0" loading="lazy"></iframe>'
    )


@require_GET
@xframe_options_exempt
def embed(request):
    """The agenda without the site's chrome, for an iframe on a member's website."""
    events, form = agenda_events(request.GET)
    response = render(
        request, "events/embed.html", {"events": list(events[:PAGE_SIZE]), "form": form}
    )
    directives = [d for d in build_policy().split("; ") if not d.startswith("frame-ancestors")]
    response["Content-Security-Policy"] = "; ".join([*directives, "frame-ancestors *"])
    return response


def event_organisers(event: Event) -> list[dict]:
    """schema.org organizers: the directory's organisations (with their page), and for a
    partner event the organiser named outside it (with the site one registers on)."""
    found = []
    for org in event.organisers.all():
        found.append(
            {
                "@type": "Organization",
                "name": org.name,
                "url": settings.SITE_URL + reverse("directory:organisation", args=[org.slug]),
            }
        )
    if event.organiser_name:
        organiser = {"@type": "Organization", "name": event.organiser_name}
        if event.external_registration_url:
            parts = urlsplit(event.external_registration_url)
            organiser["url"] = f"{parts.scheme}://{parts.netloc}/"
        found.append(organiser)
    return found


def event_image(event: Event) -> str:
    """The event's picture, else its organiser's logo, else the network's sharing image:
    every Event carries an image, as search engines expect."""
    if event.image:
        return settings.SITE_URL + event.image.url
    for org in event.organisers.all():
        if org.logo:
            return settings.SITE_URL + org.logo.url
    return settings.SITE_URL + static("core/partage.png")


def event_jsonld(event: Event, page_url: str) -> list[dict]:
    """schema.org Event, one per session (public facts only)."""
    items = []
    attendance = "https://schema.org/OfflineEventAttendanceMode"
    if event.online_url and not (event.commune_id or event.address):
        attendance = "https://schema.org/OnlineEventAttendanceMode"
    elif event.online_url:
        attendance = "https://schema.org/MixedEventAttendanceMode"
    status = "https://schema.org/EventScheduled"
    if event.status == Event.Status.CANCELLED:
        status = "https://schema.org/EventCancelled"
    description = event.summary or strip_tags(sanitize_html(event.description)).strip()
    organisers = event_organisers(event)
    image = event_image(event)
    for session in event.sessions_list:
        data = {
            "@context": "https://schema.org",
            "@type": "Event",
            "name": event.title if not session.title else f"{event.title} ({session.title})",
            "startDate": timezone.localtime(session.starts_at).isoformat(),
            "endDate": timezone.localtime(session.ends_at).isoformat(),
            "eventStatus": status,
            "eventAttendanceMode": attendance,
            "url": page_url,
        }
        if description:
            data["description"] = description[:500]
        data["image"] = image
        locations = []
        commune = session.place_commune
        if commune or session.place_address or session.place_venue:
            address = {"@type": "PostalAddress"}
            # A commune is a French one; elsewhere the event says its country.
            if country := ("FR" if commune else event.country):
                address["addressCountry"] = country
            if session.place_address:
                address["streetAddress"] = session.place_address
            if commune:
                address["addressLocality"] = commune.name
                if commune.postcode_list:
                    address["postalCode"] = commune.postcode_list[0]
            locations.append(
                {
                    "@type": "Place",
                    "name": session.place_venue or (commune.name if commune else ""),
                    "address": address,
                }
            )
        if event.online_url:
            locations.append({"@type": "VirtualLocation", "url": event.online_url})
        if locations:
            data["location"] = locations[0] if len(locations) == 1 else locations
        if organisers:
            data["organizer"] = organisers
        offers = {
            "@type": "Offer",
            "url": settings.SITE_URL + event.registration_url
            if not event.is_external
            else event.registration_url,
            "price": str(event.price_non_member or 0),
            "priceCurrency": "EUR",
            "availability": "https://schema.org/SoldOut"
            if session.is_full
            else "https://schema.org/InStock",
        }
        if event.registration_opens_at:
            offers["validFrom"] = timezone.localtime(event.registration_opens_at).isoformat()
        data["offers"] = offers
        if session.capacity is not None:
            data["maximumAttendeeCapacity"] = session.capacity
            data["remainingAttendeeCapacity"] = session.places_left
        items.append(data)
    return items


@require_GET
def event_detail(request, slug):
    event = queries.public_event(slug)
    if event is None:
        raise Http404
    page_url = settings.SITE_URL + event.get_absolute_url()
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "page_url": page_url,
            "jsonld": jsonld_script_body(event_jsonld(event, page_url)),
            "description_html": mark_safe(rich_text_html(event.description)),
            "problem": rules.registration_problem(event),
            "programme": list(event.programme.all()),
        },
    )


def register(request, slug):
    # A post (the rush) reads the event from the shared cache; the form shown reads it
    # fresh, with the places left.
    if request.method == "POST":
        event = queries.cached_event_for_registration(slug)
    else:
        event = queries.event_for_registration(slug)
    if event is None:
        raise Http404
    if event.is_external:
        return redirect(event.external_registration_url)
    problem = rules.registration_problem(event)
    # A posted form shows what was posted: the account's details are for the blank form.
    initial = None if request.method == "POST" else _initial(request)
    form = RegistrationForm(request.POST or None, event=event, initial=initial)
    if request.method == "POST" and not problem and form.is_valid():
        try:
            registrations = _register(request, event, form)
        except rules.Unconfirmed as error:
            services.keep_claim(
                event, form.registrant(), form.organisation_info(), language=get_language()
            )
            form.add_error(None, error.message)
        except rules.AlreadyRegistered as error:
            message = error.message
            if notices.resend_confirmation(error.registration):
                again = _("We have sent its confirmation email again.")
                message = f"{message} {again}"
            form.add_error(None, message)
        except rules.RegistrationError as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            first = registrations[0]
            if first.status == Registration.Status.CONFIRMED:
                messages.success(
                    request, _("You are registered. A confirmation is on its way by email.")
                )
            else:
                messages.info(
                    request,
                    _("The event is full: you are on the waiting list. We will email you."),
                )
            if len(registrations) > 1:
                messages.info(
                    request,
                    _("%(count)s people registered; each gets their own email.")
                    % {"count": len(registrations)},
                )
            return HttpResponseRedirect(tokens.manage_path(first))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "events/register.html",
        {"event": event, "form": form, "problem": problem},
        status=status,
    )


def _initial(request) -> dict:
    user = request.user
    if not user.is_authenticated:
        return {}
    person = getattr(user, "person", None)
    initial = {"email": user.email}
    if person is not None:
        initial.update(first_name=person.first_name, last_name=person.last_name)
        affiliation = person.affiliations.select_related("organisation").first()
        if affiliation:
            initial["organisation"] = affiliation.organisation.name
            if affiliation.organisation.commune:
                initial["commune"] = affiliation.organisation.commune.name
    return initial


def _register(request, event, form) -> list[Registration]:
    colleagues = form.cleaned_data.get("colleagues") or []
    registrant = form.registrant()
    if colleagues:
        people = [registrant] + [c for c in colleagues if c.email != registrant.email.lower()]
        return services.register_colleagues(
            event,
            registrant,
            people,
            organisation=form.organisation_info(),
            choices=form.choices(),
            language=get_language(),
        )
    return [
        services.register(
            event,
            registrant,
            organisation=form.organisation_info(),
            choices=form.choices(),
            language=get_language(),
        )
    ]


def manage(request, token):
    """The registrant's own page, reached by the signed link of their emails."""
    try:
        registration = tokens.registration_from_manage_token(token)
    except tokens.BadToken as error:
        message = (
            _("This link has expired: the event is over.")
            if error.expired
            else _("This link is not valid. Use the link of your last email about this event.")
        )
        return render(request, "events/bad_link.html", {"message": message}, status=400)
    event = registration.event
    change_form = None
    if registration.status != Registration.Status.CANCELLED and not (
        rules.registration_problem(event)
    ):
        change_form = ChangeForm(
            request.POST if request.POST.get("action") == "change" else None,
            registration=registration,
        )
        if not change_form.has_fields:
            change_form = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "cancel":
                changes.cancel_registration(registration)
                messages.success(request, _("Your registration is cancelled."))
            elif action == "confirm":
                waiting_list.confirm_promotion(registration)
                messages.success(request, _("Your place is confirmed."))
            elif action == "change" and change_form is not None:
                if not change_form.is_valid():
                    return _manage_page(request, registration, change_form, status=400)
                try:
                    changes.change_registration(registration, change_form.choices())
                except ValidationError as error:
                    change_form.add_service_errors(error)
                    return _manage_page(request, registration, change_form, status=400)
                messages.success(request, _("Your registration is changed."))
            else:
                messages.error(request, _("Unknown action."))
        except rules.RegistrationError as error:
            if action == "change" and change_form is not None:
                change_form.add_error(None, error.message)
                return _manage_page(request, registration, change_form, status=400)
            messages.error(request, error.message)
        return redirect("events:manage", token=token)
    return _manage_page(request, registration, change_form)


def _manage_page(request, registration, change_form, status=200):
    registration.refresh_from_db()
    return render(
        request,
        "events/manage.html",
        {
            "registration": registration,
            "event": registration.event,
            "workshops": [c.workshop for c in registration.workshop_choices.all()],
            "answers": registration.answers.select_related("question"),
            "change_form": change_form,
        },
        status=status,
    )


@require_GET
def agenda_feed(request, kind=None):
    """The agenda as iCalendar, whole or for one kind (calendar apps subscribe to it)."""
    if kind is not None and not EventKind.objects.filter(slug=kind).exists():
        raise Http404
    events = queries.upcoming_public_events(start=timezone.now() - dt.timedelta(days=31), kind=kind)
    name = settings.NETWORK_NAME
    if kind:
        name = f"{name} · {EventKind.objects.get(slug=kind).name}"
    response = HttpResponse(ical.agenda_calendar(events, name), content_type="text/calendar")
    response["Content-Disposition"] = 'inline; filename="agenda.ics"'
    return response
