"""The directory in the JSON API and in webhook payloads: public fields, contacts apart."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import BaseModel

from tisser.directory.models import LegalForm, Organisation, WorkforceBand
from tisser.directory.open_data.listing import url_maker


def _urls(request):
    """Link makers, built once per request rather than per row."""
    urls = getattr(request, "_tisser_api_urls", None)
    if urls is None:
        urls = request._tisser_api_urls = (
            url_maker(request, "directory:organisation"),
            url_maker(request, "api:organisation"),
        )
    return urls


def _label(choices, code: str) -> str | None:
    if not code:
        return None
    try:
        return str(choices(code).label)
    except ValueError:  # a code no longer in the list
        return code


class Category(Schema):
    slug: str
    name: str
    color: str


class CategoryCount(Category):
    organisations: int


class Commune(BaseModel):
    code: str
    name: str
    departement: str


class SummaryFields(BaseModel):
    """The fields of `OrganisationSummary`, also the detail's first ones.

    A plain pydantic model, not a ninja `Schema`: the list's items are dicts already
    (`summaries`), and ninja's per-object wrapper (made to read model instances) was half
    of a page's Django CPU time."""

    slug: str
    name: str
    url: str | None
    api_url: str | None
    legal_form: str | None
    legal_form_label: str | None
    categories: list[str]
    commune: Commune | None
    latitude: float | None
    longitude: float | None
    geo_precision: str | None
    is_member: bool
    website: str | None


class OrganisationSummary(SummaryFields):
    """What the list gives for each organisation (built as dicts by `summaries`)."""


#: The columns `summaries` reads, as `QuerySet.values()` gives them.
SUMMARY_VALUES = (
    "id", "slug", "name", "legal_form", "commune_id", "commune__name",
    "commune__departement_id", "latitude", "longitude", "geo_precision", "is_member",
    "website",
)  # fmt: skip


def summaries(request, rows: list[dict]) -> list[dict]:
    """List items from `values(*SUMMARY_VALUES)` rows: plain dicts and one query for the
    categories of the page (no model instances: a page of 100 made 350 of them), unless
    the rows carry them as `category_slugs` (`api_queries.page_rows`)."""
    page_url, api_url = _urls(request)
    links: dict[int, list[str]] = {}
    if rows and "category_slugs" in rows[0]:
        links = {row["id"]: row["category_slugs"] for row in rows}
    else:
        for org_id, slug in (
            Organisation.categories.through.objects.filter(
                organisation_id__in=[row["id"] for row in rows]
            )
            .order_by("category__position", "category__name")
            .values_list("organisation_id", "category__slug")
        ):
            links.setdefault(org_id, []).append(slug)
    labels = {code: _label(LegalForm, code) for code in {row["legal_form"] for row in rows}}
    return [
        {
            "slug": row["slug"],
            "name": row["name"],
            "url": page_url(row["slug"]),
            "api_url": api_url(row["slug"]),
            "legal_form": row["legal_form"] or None,
            "legal_form_label": labels[row["legal_form"]],
            "categories": links.get(row["id"], []),
            "commune": {
                "code": row["commune_id"],
                "name": row["commune__name"],
                "departement": row["commune__departement_id"],
            }
            if row["commune_id"]
            else None,
            "latitude": row["latitude"],
            "longitude": row["longitude"],
            "geo_precision": row["geo_precision"] or None,
            "is_member": row["is_member"],
            "website": row["website"] or None,
        }
        for row in rows
    ]


class OrganisationDetail(Schema, SummaryFields):
    """Every public field of one organisation; its categories in full (read from the
    model instance through ninja's resolvers)."""

    @staticmethod
    def resolve_url(org, context):
        request = context and context.get("request")
        return _urls(request)[0](org.slug) if request else None

    @staticmethod
    def resolve_api_url(org, context):
        request = context and context.get("request")
        return _urls(request)[1](org.slug) if request else None

    @staticmethod
    def resolve_legal_form(org):
        return org.legal_form or None

    @staticmethod
    def resolve_legal_form_label(org):
        return _label(LegalForm, org.legal_form)

    @staticmethod
    def resolve_commune(org):
        if not org.commune_id:
            return None
        c = org.commune
        return {"code": c.code, "name": c.name, "departement": c.departement_id}

    @staticmethod
    def resolve_geo_precision(org):
        return org.geo_precision or None

    @staticmethod
    def resolve_website(org):
        return org.website or None

    categories: list[Category]  # type: ignore[assignment]
    siret: str | None
    address: str | None
    postcode: str | None
    email: str | None
    phone: str | None
    description: str
    workforce: str | None
    workforce_label: str | None
    logo: str | None
    updated_at: dt.datetime | None

    @staticmethod
    def resolve_categories(org):
        return list(org.categories.all())

    @staticmethod
    def resolve_siret(org):
        return org.siret or None

    @staticmethod
    def resolve_address(org):
        return org.address or None

    @staticmethod
    def resolve_postcode(org):
        return org.postcode or None

    @staticmethod
    def resolve_email(org):
        return org.email or None

    @staticmethod
    def resolve_phone(org):
        return org.phone or None

    @staticmethod
    def resolve_workforce(org):
        return org.workforce or None

    @staticmethod
    def resolve_workforce_label(org):
        return _label(WorkforceBand, org.workforce)

    @staticmethod
    def resolve_logo(org, context):
        request = context and context.get("request")
        if not org.logo:
            return None
        return request.build_absolute_uri(org.logo.url) if request else org.logo.url


class Contact(Schema):
    """A person verified as linked to an organisation (staff tokens with `contacts:read`)."""

    first_name: str
    last_name: str
    email: str | None
    phone: str | None
    role: str
    is_representative: bool


def organisation_payload(org: Organisation) -> dict:
    """The webhook payload of an organisation: its public detail, without request links."""
    return OrganisationDetail.from_orm(org).model_dump()
