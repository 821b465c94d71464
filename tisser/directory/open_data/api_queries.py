"""The API list's reads: the ids of a filtered page straight from `OrganisationTag`."""

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import OuterRef, QuerySet

from tisser.directory.map.queries import public_params, search_tags
from tisser.directory.models import Organisation, OrganisationTag
from tisser.directory.open_data.schemas import SUMMARY_VALUES


def tagged_ids(params) -> QuerySet | None:
    """The ids of the published organisations matching `params`, in id order, when every
    filter is a tag (category, région or département, legal form, membership) and one of
    them a single value; None otherwise (a search, a bbox, an EPCI, a commune, no filter,
    or SQLite), for `open_data.public_queryset` to answer.

    The first tag's ids are read in order from the primary key and each other filter is
    a semi-join on the same key: a page stops reading once it is full."""
    if connection.vendor != "postgresql" or (params.get("bbox") or "").strip():
        return None
    clean = public_params(params)
    if any(value.strip() for value in clean.pop("q", [])):
        return None
    groups = search_tags(clean)
    if not groups or list(clean.keys()):
        return None
    groups.sort(key=len)
    first, *others = groups
    if len(first) > 1:
        return None  # an OR of tags would need DISTINCT
    ids = OrganisationTag.objects.filter(tag=first[0]) if first else OrganisationTag.objects.none()
    for group in others:
        ids = ids.filter(
            organisation_id__in=OrganisationTag.objects.filter(tag__in=group).values(
                "organisation_id"
            )
        )
    return ids.order_by("organisation_id").values_list("organisation_id", flat=True)


def page_rows(ids: list[int]) -> list[dict]:
    """The summary rows of a page's ids, in id order, each with its `category_slugs`
    (one query: the categories ride along as an array)."""
    slugs = (
        Organisation.categories.through.objects.filter(organisation_id=OuterRef("pk"))
        .order_by("category__position", "category__name")
        .values("category__slug")
    )
    rows = (
        Organisation.objects.filter(pk__in=ids, status=Organisation.Status.PUBLISHED)
        .annotate(category_slugs=ArraySubquery(slugs))
        .values(*SUMMARY_VALUES, "category_slugs")
    )
    return sorted(rows, key=lambda row: row["id"])
