"""The OpenAPI 3.1 description of the public API and the open-data exports.

Built from the same constants the views use (page sizes, legal forms), so the document
cannot drift from what the endpoints accept.
"""

from django.conf import settings
from django.urls import reverse

from .api import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from .exports_public import CSV_HEADER
from .models import GeoPrecision, LegalForm, WorkforceBand


def _nullable(schema: dict) -> dict:
    kind = schema["type"]
    return {**schema, "type": [kind, "null"]}


def _string_list_parameter(name: str, description: str, example: str, enum=None) -> dict:
    items: dict = {"type": "string"}
    if enum:
        items["enum"] = list(enum)
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description
        + " Repeat the parameter or separate values with commas; any value matches.",
        "schema": {"type": "array", "items": items},
        "style": "form",
        "explode": True,
        "example": [example],
    }


FILTER_PARAMETERS = {
    "q": {
        "name": "q",
        "in": "query",
        "required": False,
        "description": "Full-text search in names, communes and descriptions, blind to "
        "accents and case; every word must match the start of a word "
        "(`economie` finds « Économie »).",
        "schema": {"type": "string", "maxLength": 200},
        "example": "ressourcerie",
    },
    "category": _string_list_parameter(
        "category", "Category slugs (see `/api/v1/categories/`).", "alimentation"
    ),
    "territory": _string_list_parameter(
        "territory",
        "Territories: `reg-<INSEE code>` (région), `dep-<code>` (département), "
        "`epci-<SIREN>` (intercommunality) or a commune's 5-character INSEE code.",
        "dep-59",
    ),
    "legal_form": _string_list_parameter(
        "legal_form", "Legal forms.", "scop", enum=LegalForm.values
    ),
    "member": {
        "name": "member",
        "in": "query",
        "required": False,
        "description": "`1` (or `true`, `oui`): members of the network only; "
        "`0` (or `false`, `non`): non-members only; absent: both.",
        "schema": {"type": "string", "enum": ["1", "0", "true", "false", "oui", "non"]},
    },
    "bbox": {
        "name": "bbox",
        "in": "query",
        "required": False,
        "description": "Only organisations inside this box: `west,south,east,north` in "
        "WGS 84 degrees (longitudes then latitudes, as GeoJSON).",
        "schema": {"type": "string", "pattern": r"^[-0-9.eE+]+(,[-0-9.eE+]+){3}$"},
        "example": "2.9,50.5,3.2,50.7",
    },
}
PAGE_PARAMETERS = {
    "page": {
        "name": "page",
        "in": "query",
        "required": False,
        "description": "Page number, from 1.",
        "schema": {"type": "integer", "minimum": 1, "default": 1},
    },
    "page_size": {
        "name": "page_size",
        "in": "query",
        "required": False,
        "description": f"Results per page (at most {MAX_PAGE_SIZE}; larger values are capped).",
        "schema": {"type": "integer", "minimum": 1, "default": DEFAULT_PAGE_SIZE},
    },
}


def _refs(names) -> list[dict]:
    return [{"$ref": f"#/components/parameters/{name}"} for name in names]


def _error(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"type": "string", "description": "What went wrong."}},
    },
    "Commune": {
        "type": "object",
        "required": ["code", "name", "departement"],
        "properties": {
            "code": {"type": "string", "description": "INSEE code", "example": "59350"},
            "name": {"type": "string", "example": "Lille"},
            "departement": {"type": "string", "example": "59"},
        },
    },
    "Category": {
        "type": "object",
        "required": ["slug", "name", "color"],
        "properties": {
            "slug": {"type": "string", "example": "alimentation"},
            "name": {"type": "string", "example": "Alimentation"},
            "color": {"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"},
            "organisations": {
                "type": "integer",
                "description": "Published organisations in this category (list only).",
            },
        },
    },
    "OrganisationSummary": {
        "type": "object",
        "required": ["slug", "name", "url", "api_url", "categories", "is_member"],
        "properties": {
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "url": {"type": "string", "format": "uri", "description": "The actor's page."},
            "api_url": {"type": "string", "format": "uri"},
            "legal_form": _nullable({"type": "string", "enum": [*LegalForm.values, None]}),
            "legal_form_label": _nullable({"type": "string"}),
            "categories": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Category slugs.",
            },
            "commune": {"oneOf": [{"$ref": "#/components/schemas/Commune"}, {"type": "null"}]},
            "latitude": _nullable({"type": "number", "minimum": -90, "maximum": 90}),
            "longitude": _nullable({"type": "number", "minimum": -180, "maximum": 180}),
            "geo_precision": _nullable(
                {"type": "string", "enum": [v for v in GeoPrecision.values if v] + [None]}
            ),
            "is_member": {"type": "boolean", "description": "Member of the network."},
            "website": _nullable({"type": "string", "format": "uri"}),
        },
    },
    "Organisation": {
        "description": "Every public field of an organisation. People (names, emails, "
        "phones of contacts) are never part of the API.",
        "allOf": [
            {"$ref": "#/components/schemas/OrganisationSummary"},
            {
                "type": "object",
                "properties": {
                    "categories": {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/Category"},
                    },
                    "siret": _nullable({"type": "string", "pattern": "^[0-9]{14}$"}),
                    "address": _nullable({"type": "string"}),
                    "postcode": _nullable({"type": "string"}),
                    "email": _nullable(
                        {"type": "string", "format": "email", "description": "Public email"}
                    ),
                    "phone": _nullable({"type": "string", "description": "Public phone"}),
                    "description": {"type": "string"},
                    "workforce": _nullable(
                        {"type": "string", "enum": [*WorkforceBand.values, None]}
                    ),
                    "workforce_label": _nullable({"type": "string"}),
                    "logo": _nullable({"type": "string", "format": "uri"}),
                    "updated_at": _nullable({"type": "string", "format": "date-time"}),
                },
            },
        ],
    },
    "OrganisationPage": {
        "type": "object",
        "required": ["count", "page", "pages", "page_size", "next", "previous", "results"],
        "properties": {
            "count": {"type": "integer", "description": "Matches in all pages."},
            "page": {"type": "integer"},
            "pages": {"type": "integer"},
            "page_size": {"type": "integer"},
            "next": _nullable({"type": "string", "format": "uri"}),
            "previous": _nullable({"type": "string", "format": "uri"}),
            "results": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/OrganisationSummary"},
            },
        },
    },
    "FeatureCollection": {
        "type": "object",
        "description": "GeoJSON (RFC 7946): one Point feature per organisation, "
        "coordinates [longitude, latitude]; geometry null when not located.",
        "required": ["type", "features"],
        "properties": {
            "type": {"const": "FeatureCollection"},
            "features": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["type", "geometry", "properties"],
                    "properties": {
                        "type": {"const": "Feature"},
                        "id": {"type": "string"},
                        "geometry": {
                            "oneOf": [
                                {
                                    "type": "object",
                                    "properties": {
                                        "type": {"const": "Point"},
                                        "coordinates": {
                                            "type": "array",
                                            "items": {"type": "number"},
                                            "minItems": 2,
                                            "maxItems": 2,
                                        },
                                    },
                                },
                                {"type": "null"},
                            ]
                        },
                        "properties": {
                            "type": "object",
                            "properties": {
                                "name": {"type": "string"},
                                "slug": {"type": "string"},
                                "url": {"type": "string", "format": "uri"},
                                "legal_form": _nullable({"type": "string"}),
                                "categories": {"type": "array", "items": {"type": "string"}},
                                "commune": _nullable({"type": "string"}),
                                "insee_code": _nullable({"type": "string"}),
                                "postcode": _nullable({"type": "string"}),
                                "address": _nullable({"type": "string"}),
                                "siret": _nullable({"type": "string"}),
                                "member": {"type": "boolean"},
                                "website": _nullable({"type": "string"}),
                                "email": _nullable({"type": "string"}),
                                "phone": _nullable({"type": "string"}),
                            },
                        },
                    },
                },
            },
        },
    },
}


def build_document(request=None) -> dict:
    """The OpenAPI document; server URL from the request when there is one."""
    server = request.build_absolute_uri("/").rstrip("/") if request else settings.SITE_URL
    filters = list(FILTER_PARAMETERS)
    organisations_path = reverse("directory:api_organisations")
    detail_path = reverse("directory:api_organisation", args=["SLUG"]).replace("SLUG", "{slug}")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{settings.NETWORK_NAME} — open data (Tisser)",
            "version": "1",
            "description": "The public directory of the network's actors: published "
            "organisations and their public fields only, never the people behind them. "
            "Read-only, no authentication; `Access-Control-Allow-Origin: *`. The filters "
            "are the map's: a map URL's query string works here unchanged.",
        },
        "servers": [{"url": server}],
        "paths": {
            organisations_path: {
                "get": {
                    "operationId": "listOrganisations",
                    "summary": "Published organisations, filtered and paginated",
                    "description": "Ordered by id, so pages stay stable while you read them.",
                    "parameters": _refs(filters + list(PAGE_PARAMETERS)),
                    "responses": {
                        "200": {
                            "description": "One page of results",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/OrganisationPage"}
                                }
                            },
                        },
                        "400": _error("A parameter could not be read"),
                        "404": _error("The page is past the last one"),
                    },
                }
            },
            detail_path: {
                "get": {
                    "operationId": "getOrganisation",
                    "summary": "One published organisation",
                    "parameters": [
                        {
                            "name": "slug",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                            "example": "apes-hauts-de-france",
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "The organisation",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Organisation"}
                                }
                            },
                        },
                        "404": _error("No published organisation has this slug"),
                    },
                }
            },
            reverse("directory:api_categories"): {
                "get": {
                    "operationId": "listCategories",
                    "summary": "The categories of the taxonomy",
                    "responses": {
                        "200": {
                            "description": "All categories",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["results"],
                                        "properties": {
                                            "results": {
                                                "type": "array",
                                                "items": {"$ref": "#/components/schemas/Category"},
                                            }
                                        },
                                    }
                                }
                            },
                        }
                    },
                }
            },
            reverse("directory:export_geojson"): {
                "get": {
                    "operationId": "exportGeoJSON",
                    "summary": "Every matching published organisation as GeoJSON",
                    "description": "Streamed; not paginated.",
                    "parameters": _refs(filters),
                    "responses": {
                        "200": {
                            "description": "A GeoJSON FeatureCollection",
                            "content": {
                                "application/geo+json": {
                                    "schema": {"$ref": "#/components/schemas/FeatureCollection"}
                                }
                            },
                        },
                        "400": _error("A parameter could not be read"),
                    },
                }
            },
            reverse("directory:export_csv"): {
                "get": {
                    "operationId": "exportCSV",
                    "summary": "Every matching published organisation as CSV",
                    "description": "Streamed; UTF-8 with a byte-order mark, fields separated "
                    "by `;`, one header line: " + ", ".join(f"`{h}`" for h in CSV_HEADER) + ".",
                    "parameters": _refs(filters),
                    "responses": {
                        "200": {
                            "description": "A CSV file",
                            "content": {"text/csv": {"schema": {"type": "string"}}},
                        },
                        "400": _error("A parameter could not be read"),
                    },
                }
            },
        },
        "components": {
            "parameters": {**FILTER_PARAMETERS, **PAGE_PARAMETERS},
            "schemas": SCHEMAS,
        },
    }
