"""Open-data downloads: every published organisation matching the map's filters, as
GeoJSON or CSV, streamed so that 200,000 rows never sit in memory at once.

Public fields only (the organisation's own website, email and phone; never people).
Rows are read in id order, `CHUNK` at a time, with one query per chunk for the category
links; the CSV is UTF-8 with a byte-order mark and `;` between fields, which is what
spreadsheets set to French expect.
"""

import csv
import json
from collections.abc import Iterator

from django.http import StreamingHttpResponse
from django.views.decorators.http import require_safe

from tisser.core.errors import json_error, json_errors
from tisser.core.streaming import checked
from tisser.directory.models import Category, Organisation
from tisser.directory.open_data.listing import (
    BadRequest,
    open_data_headers,
    public_queryset,
    url_maker,
)

CHUNK = 2000
FIELDS = (
    "id",
    "slug",
    "name",
    "legal_form",
    "commune_id",
    "commune__name",
    "postcode",
    "address",
    "siret",
    "latitude",
    "longitude",
    "is_member",
    "website",
    "email",
    "phone",
)
CSV_HEADER = (
    "nom",
    "slug",
    "url",
    "forme_juridique",
    "categories",
    "commune",
    "code_insee",
    "code_postal",
    "adresse",
    "siret",
    "adherent",
    "site_web",
    "email",
    "telephone",
    "latitude",
    "longitude",
)


def public_rows(qs, fields=FIELDS) -> Iterator[dict]:
    """Each organisation of `qs` as a dict of public fields plus its category slugs."""
    slugs = dict(Category.objects.values_list("id", "slug"))
    through = Organisation.categories.through
    chunk: list[dict] = []

    def flush():
        ids = {row["id"] for row in chunk}
        links: dict[int, list[str]] = {}
        # A range, not a long IN list: the ids of a chunk are consecutive in id order.
        for org_id, category_id in (
            through.objects.filter(
                organisation_id__gte=chunk[0]["id"], organisation_id__lte=chunk[-1]["id"]
            )
            .order_by("organisation_id", "category_id")
            .values_list("organisation_id", "category_id")
        ):
            if org_id in ids:
                links.setdefault(org_id, []).append(slugs.get(category_id, ""))
        for row in chunk:
            row["categories"] = links.get(row["id"], [])
            yield row

    for row in qs.order_by("id").values(*fields).iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) >= CHUNK:
            yield from flush()
            chunk = []
    if chunk:
        yield from flush()


def feature(row: dict, url: str) -> dict:
    """One GeoJSON Feature; coordinates are [longitude, latitude] as RFC 7946 says."""
    located = row["latitude"] is not None and row["longitude"] is not None
    return {
        "type": "Feature",
        "id": row["slug"],
        "geometry": {"type": "Point", "coordinates": [row["longitude"], row["latitude"]]}
        if located
        else None,
        "properties": {
            "name": row["name"],
            "slug": row["slug"],
            "url": url,
            "legal_form": row["legal_form"] or None,
            "categories": row["categories"],
            "commune": row["commune__name"],
            "insee_code": row["commune_id"],
            "postcode": row["postcode"] or None,
            "address": row["address"] or None,
            "siret": row["siret"] or None,
            "member": row["is_member"],
            "website": row["website"] or None,
            "email": row["email"] or None,
            "phone": row["phone"] or None,
        },
    }


def geojson_stream(rows: Iterator[dict], url_for) -> Iterator[str]:
    yield '{"type": "FeatureCollection", "features": [\n'
    separator = ""
    buffer: list[str] = []
    for row in rows:
        buffer.append(
            separator + json.dumps(feature(row, url_for(row["slug"])), ensure_ascii=False)
        )
        separator = ",\n"
        if len(buffer) >= 500:
            yield "".join(buffer)
            buffer = []
    yield "".join(buffer) + "\n]}\n"


class _Line:
    """A file-like object `csv.writer` writes one line into, which we hand on."""

    def write(self, value: str) -> str:
        return value


_FORMULA_START = ("=", "@", "\t", "\r")


def spreadsheet_safe(value) -> str:
    """Text a spreadsheet will not run as a formula ("=HYPERLINK(…)" gets a leading ')."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    if text[:1] in ("+", "-"):
        number_like = text[1:].replace(" ", "").replace(".", "")
        if not number_like.isdigit():  # "+33 6 39 98 00 00" stays a phone number
            return "'" + text
    return text


def csv_stream(rows: Iterator[dict], url_for) -> Iterator[str]:
    writer = csv.writer(_Line(), delimiter=";")
    yield "\ufeff" + writer.writerow(CSV_HEADER)
    buffer: list[str] = []
    for row in rows:
        buffer.append(
            writer.writerow(
                [
                    spreadsheet_safe(row["name"]),
                    row["slug"],
                    url_for(row["slug"]),
                    row["legal_form"],
                    ", ".join(row["categories"]),
                    spreadsheet_safe(row["commune__name"]),
                    row["commune_id"] or "",
                    row["postcode"],
                    spreadsheet_safe(row["address"]),
                    row["siret"],
                    "oui" if row["is_member"] else "non",
                    spreadsheet_safe(row["website"]),
                    spreadsheet_safe(row["email"]),
                    spreadsheet_safe(row["phone"]),
                    "" if row["latitude"] is None else row["latitude"],
                    "" if row["longitude"] is None else row["longitude"],
                ]
            )
        )
        if len(buffer) >= 500:
            yield "".join(buffer)
            buffer = []
    yield "".join(buffer)


def _download(request, stream, content_type: str, filename: str):
    try:
        qs = checked(public_queryset(request.GET))
    except BadRequest as exc:
        return open_data_headers(json_error(400, "bad_request", str(exc)))
    response = StreamingHttpResponse(
        stream(public_rows(qs), url_maker(request, "directory:organisation")),
        content_type=content_type,
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return open_data_headers(response)


@json_errors
@require_safe
def export_geojson(request):
    """`GET /carte/export.geojson`: a FeatureCollection of the filtered published actors."""
    return _download(request, geojson_stream, "application/geo+json", "acteurs.geojson")


@json_errors
@require_safe
def export_csv(request):
    """`GET /carte/export.csv`: the same list as a CSV (UTF-8 with BOM, `;`-separated)."""
    return _download(request, csv_stream, "text/csv; charset=utf-8", "acteurs.csv")
