"""OpenAPI 3.1 description of the agenda's part of the JSON API (`/api/v1/events/`).

Served on its own at `/api/v1/events/openapi.json`: the directory's document
(`/api/openapi.json`) belongs to the directory, which may not import this app.
"""

from django.conf import settings
from django.urls import reverse

STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}
NULLABLE_INT = {"type": ["integer", "null"]}
COMMUNE = {
    "type": ["object", "null"],
    "properties": {"code": STRING, "name": STRING},
}
SESSION = {
    "type": "object",
    "required": ["id", "starts_at", "ends_at"],
    "properties": {
        "id": {"type": "integer"},
        "title": STRING,
        "starts_at": {"type": "string", "format": "date-time"},
        "ends_at": {"type": "string", "format": "date-time"},
        "commune": COMMUNE,
        "capacity": NULLABLE_INT,
        "places_left": NULLABLE_INT,
    },
}
EVENT = {
    "type": "object",
    "required": ["slug", "title", "kind", "url", "registration_url", "sessions"],
    "properties": {
        "slug": STRING,
        "title": STRING,
        "kind": {"type": "object", "properties": {"slug": STRING, "name": STRING}},
        "status": {"type": "string", "enum": ["published", "cancelled"]},
        "summary": STRING,
        "url": {"type": "string", "format": "uri"},
        "registration_url": {
            "type": "string",
            "format": "uri",
            "description": "The registration form here, or the partner's own page.",
        },
        "external_registration": {"type": "boolean"},
        "place": {"type": "string", "description": "Commune name, or “En ligne”."},
        "commune": COMMUNE,
        "address": STRING,
        "online_url": NULLABLE_STRING,
        "free": {"type": "boolean"},
        "price_member": {"type": "string", "description": "Euros, as a decimal string."},
        "price_non_member": {"type": "string"},
        "members_only": {"type": "boolean"},
        "reserved_for": STRING,
        "registration_opens_at": {"type": ["string", "null"], "format": "date-time"},
        "registration_closes_at": {"type": ["string", "null"], "format": "date-time"},
        "is_full": {"type": "boolean"},
        "places_left": NULLABLE_INT,
        "image": NULLABLE_STRING,
        "sessions": {"type": "array", "items": SESSION},
    },
}
EVENT_DETAIL = {
    "allOf": [
        EVENT,
        {
            "type": "object",
            "properties": {
                "description": STRING,
                "accessibility": STRING,
                "organisers": {"type": "array", "items": STRING},
                "partners": {"type": "array", "items": STRING},
                "programme": {"type": "array", "items": {"type": "object"}},
                "attachments": {"type": "array", "items": {"type": "object"}},
            },
        },
    ]
}
ERROR = {
    "description": "An error",
    "content": {
        "application/json": {
            "schema": {"type": "object", "required": ["error"], "properties": {"error": STRING}}
        }
    },
}


def _query(name: str, description: str, example: str) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "string"},
        "example": example,
    }


def build_document(request=None) -> dict:
    server = request.build_absolute_uri("/").rstrip("/") if request else settings.SITE_URL
    detail = reverse("events:api_event", args=["SLUG"]).replace("SLUG", "{slug}")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{settings.NETWORK_NAME} — agenda (Tisser)",
            "version": "1",
            "description": "The network's upcoming published events, public fields only "
            "(never the registrants). Read-only, no authentication, "
            "`Access-Control-Allow-Origin: *`. The agenda page's filters work unchanged.",
        },
        "servers": [{"url": server}],
        "paths": {
            reverse("events:api_events"): {
                "get": {
                    "operationId": "listEvents",
                    "summary": "Upcoming published events, in date order, paginated",
                    "parameters": [
                        _query("kind", "Slug of a kind of event", "fresque"),
                        _query("territory", "Département code", "62"),
                        _query("month", "A month, YYYY-MM", "2026-06"),
                        _query("free", "`on`: only events with free places", "on"),
                        _query("page", "Page number, from 1", "1"),
                        _query("page_size", "Results per page (at most 200)", "50"),
                    ],
                    "responses": {
                        "200": {
                            "description": "One page of events",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["count", "page", "pages", "results"],
                                        "properties": {
                                            "count": {"type": "integer"},
                                            "page": {"type": "integer"},
                                            "pages": {"type": "integer"},
                                            "results": {"type": "array", "items": EVENT},
                                        },
                                    }
                                }
                            },
                        },
                        "400": ERROR,
                        "404": ERROR,
                    },
                }
            },
            detail: {
                "get": {
                    "operationId": "getEvent",
                    "summary": "One published event, with its programme",
                    "parameters": [
                        {
                            "name": "slug",
                            "in": "path",
                            "required": True,
                            "schema": STRING,
                            "example": "rencontre-des-solidaires",
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "The event",
                            "content": {"application/json": {"schema": EVENT_DETAIL}},
                        },
                        "404": ERROR,
                    },
                }
            },
            reverse("events:feed"): {
                "get": {
                    "operationId": "agendaICalendar",
                    "summary": "The whole agenda as iCalendar (RFC 5545)",
                    "responses": {
                        "200": {
                            "description": "One VEVENT per session",
                            "content": {"text/calendar": {"schema": STRING}},
                        }
                    },
                }
            },
        },
    }
