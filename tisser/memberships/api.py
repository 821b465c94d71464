"""Memberships and payments in the JSON API (staff tokens with `memberships:read`)."""

from typing import Literal

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from tisser.accounts.api_auth import require_scope
from tisser.core.api import Pagination, needs_scope

from .models import Membership, Payment
from .schemas import MembershipOut, PaymentOut

router = Router(tags=["memberships"])
SCOPE = "memberships:read"


class MembershipFilters(Schema):
    year: int | None = Field(None, ge=1900, le=2200, description="The membership year.")
    status: Literal[tuple(Membership.Status.values)] | None = None  # type: ignore[valid-type]


@router.get(
    "/memberships/",
    response=list[MembershipOut],
    url_name="memberships",
    summary="Memberships, newest year first (scope memberships:read)",
    openapi_extra=needs_scope(SCOPE),
)
@paginate(Pagination)
def memberships(request, filters: Query[MembershipFilters]):
    require_scope(request, SCOPE)
    rows = Membership.objects.select_related("organisation", "year", "college").order_by(
        "-year__year", "id"
    )
    if filters.year:
        rows = rows.filter(year__year=filters.year)
    if filters.status:
        rows = rows.filter(status=filters.status)
    return rows


class PaymentFilters(Schema):
    year: int | None = Field(None, ge=1900, le=2200, description="The membership year.")


@router.get(
    "/payments/",
    response=list[PaymentOut],
    url_name="payments",
    summary="Membership payments, newest first (scope memberships:read)",
    openapi_extra=needs_scope(SCOPE),
)
@paginate(Pagination)
def payments(request, filters: Query[PaymentFilters]):
    require_scope(request, SCOPE)
    rows = Payment.objects.select_related("membership__organisation", "membership__year").order_by(
        "-paid_on", "-id"
    )
    if filters.year:
        rows = rows.filter(membership__year__year=filters.year)
    return rows
