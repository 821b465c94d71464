"""The directory in the JSON API and in webhook payloads: public fields, contacts apart."""

from __future__ import annotations

import datetime as dt

from ninja import Schema

from .models import LegalForm, Organisation, WorkforceBand
from .open_data import url_maker


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


class Commune(Schema):
    code: str
    name: str
    departement: str


class OrganisationSummary(Schema):
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
    def resolve_categories(org):
        return [c.slug for c in org.categories.all()]

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


class OrganisationDetail(OrganisationSummary):
    """Every public field of one organisation; its categories in full."""

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
