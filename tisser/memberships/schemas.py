"""Memberships and payments as the API and webhooks give them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema


class OrganisationRef(Schema):
    slug: str
    name: str


class MembershipOut(Schema):
    id: int
    organisation: OrganisationRef
    year: int
    status: str
    college: str | None
    amount_due: Decimal
    source: str
    created_at: dt.datetime
    validated_at: dt.datetime | None

    @staticmethod
    def resolve_year(row):
        return row.year.year

    @staticmethod
    def resolve_college(row):
        return row.college.name if row.college_id else None


class PaymentOut(Schema):
    id: int
    membership: int
    organisation: OrganisationRef
    year: int
    amount: Decimal
    method: str
    paid_on: dt.date
    reference: str
    refunded_on: dt.date | None

    @staticmethod
    def resolve_membership(row):
        return row.membership_id

    @staticmethod
    def resolve_organisation(row):
        return row.membership.organisation

    @staticmethod
    def resolve_year(row):
        return row.membership.year.year


def membership_payload(membership) -> dict:
    return MembershipOut.from_orm(membership).model_dump()


def payment_payload(payment) -> dict:
    return PaymentOut.from_orm(payment).model_dump()
