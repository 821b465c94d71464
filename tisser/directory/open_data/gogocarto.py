"""The network's map in GoGoCarto's shape, for GoGoCarto and Transiscope aggregators.

`/carte/gogocarto.json` is what a GoGoCarto map serves at `/api/elements.json`
(`{"licence", "ontology", "data": [element…]}`, each element with `id`, `name`, `geo`,
`address`, `categories`, `categoriesFull`, `description`, `website`, `email`,
`telephone`); `/carte/gogocarto.jsonld` is the same actors as schema.org JSON-LD
(`Organization`, `PostalAddress`, `GeoCoordinates`). Both take the map's filters, are
streamed, and carry only the organisations' public fields (never people). The importer
(`imports.gogocarto`) reads the JSON back: a Tisser map can move to another Tisser.
"""

import json
from collections.abc import Iterator

from django.http import StreamingHttpResponse
from django.views.decorators.http import require_safe

from tisser.core.errors import json_error, json_errors
from tisser.core.streaming import checked
from tisser.directory.models import Category
from tisser.directory.open_data.exports import FIELDS, public_rows
from tisser.directory.open_data.listing import (
    BadRequest,
    open_data_headers,
    public_queryset,
    url_maker,
)

GOGO_FIELDS = (*FIELDS, "description", "created_at", "updated_at")
LICENCE = "https://opendatacommons.org/licenses/odbl/summary/"
SCHEMA_CONTEXT = {
    "@vocab": "https://schema.org/",
    "gogo": "https://gogocarto.fr/ontology#",
    "categories": "keywords",
}


def _categories():
    return {c["slug"]: c for c in Category.objects.values("id", "slug", "name", "position")}


def _plain(html: str) -> str:
    from django.utils.html import strip_tags

    return strip_tags(html or "").strip()


def element(row: dict, url: str, categories: dict) -> dict:
    """One GoGoCarto element (its `/api/elements.json` fields)."""
    located = row["latitude"] is not None and row["longitude"] is not None
    known = [categories[s] for s in row["categories"] if s in categories]
    out = {
        "id": row["slug"],
        "name": row["name"],
        "geo": {"latitude": row["latitude"], "longitude": row["longitude"]} if located else None,
        "sourceKey": "Tisser",
        "address": {
            "streetAddress": row["address"] or "",
            "addressLocality": row["commune__name"] or "",
            "postalCode": row["postcode"] or "",
            "addressCountry": "FR",
        },
        "createdAt": row["created_at"].isoformat() if row.get("created_at") else None,
        "updatedAt": row["updated_at"].isoformat() if row.get("updated_at") else None,
        "categories": [c["name"] for c in known],
        "categoriesFull": [
            {"id": c["id"], "name": c["name"], "description": "", "index": i}
            for i, c in enumerate(known)
        ],
        "description": _plain(row.get("description", "")),
        "website": row["website"] or "",
        "email": row["email"] or "",
        "telephone": row["phone"] or "",
        "url": url,
    }
    if row["siret"]:
        out["siret"] = row["siret"]
    return out


def json_ld(row: dict, url: str, categories: dict) -> dict:
    """The same actor as a schema.org Organization node."""
    node = {
        "@id": url,
        "@type": "Organization",
        "name": row["name"],
        "url": row["website"] or url,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": row["address"] or "",
            "addressLocality": row["commune__name"] or "",
            "postalCode": row["postcode"] or "",
            "addressCountry": "FR",
        },
        "description": _plain(row.get("description", "")),
        "categories": [categories[s]["name"] for s in row["categories"] if s in categories],
    }
    if row["latitude"] is not None and row["longitude"] is not None:
        node["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": row["latitude"],
            "longitude": row["longitude"],
        }
    for key, field in (("email", "email"), ("telephone", "phone"), ("taxID", "siret")):
        if row[field]:
            node[key] = row[field]
    return node


def _stream(rows: Iterator[dict], url_for, head: str, tail: str, shape) -> Iterator[str]:
    categories = _categories()
    yield head
    separator, buffer = "", []
    for row in rows:
        item = shape(row, url_for(row["slug"]), categories)
        buffer.append(separator + json.dumps(item, ensure_ascii=False))
        separator = ",\n"
        if len(buffer) >= 500:
            yield "".join(buffer)
            buffer = []
    yield "".join(buffer) + tail


def _download(request, head, tail, shape, content_type):
    try:
        qs = checked(public_queryset(request.GET))
    except BadRequest as exc:
        return open_data_headers(json_error(400, "bad_request", str(exc)))
    url_for = url_maker(request, "directory:organisation")
    response = StreamingHttpResponse(
        _stream(public_rows(qs, GOGO_FIELDS), url_for, head, tail, shape),
        content_type=content_type,
    )
    return open_data_headers(response)


@json_errors
@require_safe
def gogocarto_json(request):
    """`GET /carte/gogocarto.json`: the published actors as GoGoCarto elements."""
    head = '{"licence": ' + json.dumps(LICENCE) + ', "ontology": "gogofull", "data": [\n'
    return _download(request, head, "\n]}\n", element, "application/json")


@json_errors
@require_safe
def gogocarto_jsonld(request):
    """`GET /carte/gogocarto.jsonld`: the same actors as schema.org JSON-LD."""
    head = '{"@context": ' + json.dumps(SCHEMA_CONTEXT) + ', "@graph": [\n'
    return _download(request, head, "\n]}\n", json_ld, "application/ld+json")
