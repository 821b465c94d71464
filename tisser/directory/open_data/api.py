"""The directory in the JSON API (`/api/v1/organisations/`, `/api/v1/categories/`).

Public fields of published organisations only; the people behind them only with a staff
token that has the `contacts:read` scope. The filters are the map's
(`map_queries.public_organisations`), plus `bbox`: a map URL's query string works here.
"""

from typing import Literal

from django.db.models import Count, Prefetch
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from tisser.accounts.api_auth import require_scope
from tisser.core.api import Pagination, needs_scope, page_of, paged
from tisser.directory.models import Affiliation, Category, Organisation
from tisser.directory.open_data.api_queries import page_rows, tagged_ids
from tisser.directory.open_data.listing import BadRequest, public_queryset
from tisser.directory.open_data.schemas import (
    SUMMARY_VALUES,
    CategoryCount,
    Contact,
    OrganisationDetail,
    OrganisationSummary,
    summaries,
)

router = Router(tags=["organisations"])


class OrganisationFilters(Schema):
    q: str | None = Field(
        None,
        max_length=200,
        description="Full-text search, blind to accents and case; every word must match "
        "the start of a word.",
    )
    category: list[str] = Field(
        default_factory=list, description="Category slugs; repeat or separate with commas."
    )
    territory: list[str] = Field(
        default_factory=list,
        description="`reg-<code>`, `dep-<code>`, `epci-<SIREN>` or a commune's INSEE code.",
    )
    legal_form: list[str] = Field(default_factory=list, description="Legal forms.")
    member: Literal["1", "0", "true", "false", "oui", "non"] | None = Field(
        None, description="Members of the network only (1) or non-members only (0)."
    )
    bbox: str | None = Field(
        None,
        max_length=200,
        description="`west,south,east,north` in WGS 84 degrees.",
        json_schema_extra={"example": "2.9,50.5,3.2,50.7"},
    )


def published():
    return Organisation.objects.filter(status=Organisation.Status.PUBLISHED)


def _categories():
    return Prefetch("categories", queryset=Category.objects.only("id", "slug", "name", "color"))


@router.get(
    "/organisations/",
    response=paged(OrganisationSummary),
    url_name="organisations",
    summary="Published organisations, filtered and paginated",
)
def organisations(
    request, filters: Query[OrganisationFilters], pagination: Query[Pagination.Input]
):
    """Ordered by id, so pages stay stable while you read them. A large total is the
    database's estimate (`count_is_estimate`)."""
    ids = tagged_ids(request.GET)
    if ids is not None:
        # The page's ids from the tag table, then their rows by primary key.
        page = page_of(request, ids, pagination)
        page["results"] = summaries(request, page_rows(page["results"]))
        return page
    try:
        # Other filters read in the full-text index: the count is one index intersection.
        qs = public_queryset(request.GET, filters_in_index=True)
    except BadRequest as exc:
        raise HttpError(400, str(exc)) from exc
    page = page_of(request, qs.values(*SUMMARY_VALUES), pagination)
    page["results"] = summaries(request, page["results"])
    return page


@router.get(
    "/organisations/{slug}/",
    response=OrganisationDetail,
    url_name="organisation",
    summary="One published organisation",
)
def organisation(request, slug: str):
    org = (
        published()
        .filter(slug=slug)
        .select_related("commune")
        .prefetch_related(_categories())
        .first()
    )
    if org is None:
        raise HttpError(404, _no_organisation())
    return org


@router.get(
    "/organisations/{slug}/contacts/",
    response=list[Contact],
    url_name="organisation_contacts",
    summary="The verified contacts of an organisation (scope contacts:read)",
    openapi_extra=needs_scope("contacts:read"),
)
def organisation_contacts(request, slug: str):
    require_scope(request, "contacts:read")
    org = Organisation.objects.filter(slug=slug).first()
    if org is None:
        raise HttpError(404, _no_organisation())
    links = (
        Affiliation.objects.verified()
        .filter(organisation=org, person__erased_at__isnull=True)
        .select_related("person")
        .order_by("-is_representative", "person__last_name", "id")
    )
    return [
        {
            "first_name": a.person.first_name,
            "last_name": a.person.last_name,
            "email": a.person.email or None,
            "phone": a.person.phone or None,
            "role": a.role,
            "is_representative": a.is_representative,
        }
        for a in links
    ]


@router.get(
    "/categories/",
    response=list[CategoryCount],
    url_name="categories",
    summary="The categories, with how many published organisations each has",
)
def categories(request):
    # Every link, minus those of the few unpublished actors: two index-only counts.
    links = Organisation.categories.through.objects.order_by()

    def per_category(qs) -> dict[int, int]:
        return dict(
            qs.values("category_id").annotate(n=Count("id")).values_list("category_id", "n")
        )

    counts = per_category(links)
    hidden = per_category(
        links.filter(
            organisation_id__in=Organisation.objects.exclude(
                status=Organisation.Status.PUBLISHED
            ).values("id")
        )
    )
    rows = Category.objects.order_by("position", "name")
    return [
        {
            "slug": c.slug,
            "name": c.name,
            "color": c.color,
            "organisations": counts.get(c.pk, 0) - hidden.get(c.pk, 0),
        }
        for c in rows
    ]


def _no_organisation() -> str:
    return _("No published organisation has this address.")
