"""The agenda in the JSON API (`/api/v1/events/`): published upcoming events, read-only,
public fields only. The agenda page's filters work here unchanged (`kind`, `territory`,
`month`, `free`). Its OpenAPI description is `openapi.py` (served at
`/api/v1/events/openapi.json`): the directory's document is the directory's to extend."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.http import JsonResponse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tisser.core.html import sanitize_html

from . import queries
from .views import _agenda_events

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def _json(data, status=200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _iso(value):
    return timezone.localtime(value).isoformat() if value else None


def event_data(event, *, full: bool = False) -> dict:
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
        "commune": {"code": event.commune.code, "name": event.commune.name}
        if event.commune_id
        else None,
        "address": event.address,
        "online_url": event.online_url or None,
        "free": event.is_free,
        "price_member": str(event.price_member),
        "price_non_member": str(event.price_non_member),
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
                "commune": {"code": s.place_commune.code, "name": s.place_commune.name}
                if s.place_commune
                else None,
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


@require_safe
def events(request):
    """`GET /api/v1/events/`: upcoming published events, in date order, paginated."""
    found, form = _agenda_events(request.GET)
    if form.is_bound and not form.is_valid():
        errors = {k: [str(m) for m in v] for k, v in form.errors.items()}
        return _json({"error": _("A parameter could not be read."), "fields": errors}, 400)
    try:
        size = min(int(request.GET.get("page_size") or PAGE_SIZE), MAX_PAGE_SIZE)
        number = int(request.GET.get("page") or 1)
        if size < 1 or number < 1:
            raise ValueError
    except ValueError:
        return _json({"error": _("page and page_size must be whole numbers of at least 1.")}, 400)
    paginator = Paginator(found, size)
    try:
        page = paginator.page(number)
    except EmptyPage:
        return _json({"error": _("This page is past the last one.")}, 404)
    return _json(
        {
            "count": paginator.count,
            "page": number,
            "pages": paginator.num_pages,
            "results": [event_data(e) for e in page.object_list],
        }
    )


@require_safe
def event(request, slug):
    found = queries.public_event(slug)
    if found is None:
        return _json({"error": _("No published event has this slug.")}, 404)
    return _json(event_data(found, full=True))


@require_safe
def openapi_document(request):
    """`GET /api/v1/events/openapi.json`: the OpenAPI 3.1 description of the agenda API."""
    from .openapi import build_document

    return _json(build_document(request))
