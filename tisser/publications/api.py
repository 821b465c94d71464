"""Publications in the JSON API: published articles and resources for everybody; mailing
lists and their subscribers for staff tokens with `subscribers:read`."""

from typing import Literal

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from tisser.accounts.api_auth import require_scope
from tisser.core.api import Pagination, needs_scope

from . import queries
from .models import MailingList, Subscription
from .schemas import ArticleDetail, ArticleOut, MailingListOut, ResourceOut, SubscriberOut

router = Router(tags=["publications"])
SCOPE = "subscribers:read"


@router.get("/articles/", response=list[ArticleOut], url_name="articles")
@paginate(Pagination)
def articles(request):
    """Published articles, newest first."""
    return queries.published_articles().order_by("-published_at", "-id")


@router.get("/articles/{slug}/", response=ArticleDetail, url_name="article")
def article(request, slug: str):
    found = queries.published_articles().filter(slug=slug).first()
    if found is None:
        raise HttpError(404, _("No published article has this slug."))
    return found


class ResourceFilters(Schema):
    q: str | None = Field(None, max_length=200, description="Words to find.")


@router.get("/resources/", response=list[ResourceOut], url_name="resources")
@paginate(Pagination)
def resources(request, filters: Query[ResourceFilters]):
    """Published resources; member-only ones are listed, their file is not given here."""
    return queries.visible_resources(None, q=filters.q or "").order_by("-published_at", "id")


@router.get(
    "/lists/",
    response=list[MailingListOut],
    url_name="lists",
    summary="Mailing lists with their active subscribers (scope subscribers:read)",
    openapi_extra=needs_scope(SCOPE),
)
def lists(request):
    require_scope(request, SCOPE)
    return MailingList.objects.annotate(
        active_count=Count("subscriptions", filter=Q(subscriptions__status="active"))
    ).order_by("position", "name")


class SubscriberFilters(Schema):
    status: Literal[tuple(Subscription.Status.values)] | None = None  # type: ignore[valid-type]


@router.get(
    "/lists/{slug}/subscribers/",
    response=list[SubscriberOut],
    url_name="list_subscribers",
    summary="A list's subscribers (scope subscribers:read)",
    openapi_extra=needs_scope(SCOPE),
)
@paginate(Pagination)
def list_subscribers(request, slug: str, filters: Query[SubscriberFilters]):
    require_scope(request, SCOPE)
    mailing_list = MailingList.objects.filter(slug=slug).first()
    if mailing_list is None:
        raise HttpError(404, _("No mailing list has this slug."))
    rows = (
        Subscription.objects.filter(mailing_list=mailing_list)
        .select_related("person", "mailing_list")
        .order_by("id")
    )
    if filters.status:
        rows = rows.filter(status=filters.status)
    return rows
