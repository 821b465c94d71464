"""Memberships and payments in the timelines, merges and personal data of the directory
(registered from `apps.py` through `directory.engagement`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import DateTimeField, Subquery
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tisser.directory.engagement import Branch, Contributor, Entry, Fact, MoveLine, Row
from tisser.directory.models import Affiliation

from .models import Membership, Payment, Reminder

KIND = "memberships"


def _day(value: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(value, dt.time(12)))


def _membership_entry(row: Row) -> Entry:
    membership = Membership(status=row.data["status"])
    amount = number_format(Decimal(str(row.data["amount"])), 2)
    return Entry(
        at=row.at,
        kind=KIND,
        title=_("Membership %(year)s of %(name)s")
        % {"year": row.data["year"], "name": row.data["organisation"]},
        detail=f"{membership.get_status_display()} · {amount}\u00a0€",
        url=reverse("memberships:staff_detail", args=[row.pk]),
        tone={"validated": "success", "cancelled": "danger"}.get(membership.status, "warning"),
    )


def _payment_entry(row: Row) -> Entry:
    payment = Payment(method=row.data["method"])
    refunded = row.data["refunded_on"] is not None
    return Entry(
        at=_day(row.day("refunded_on") or row.day("paid_on")),
        kind=KIND,
        title=(_("Payment refunded: %(amount)s €") if refunded else _("Payment: %(amount)s €"))
        % {"amount": number_format(Decimal(str(row.data["amount"])), 2)},
        detail=f"{payment.get_method_display()} · {row.data['year']}",
        url=reverse("memberships:staff_detail", args=[row.data["membership_id"]]),
        tone="warning" if refunded else "success",
    )


def _reminder_entry(row: Row) -> Entry:
    reminder = Reminder(kind=row.data["kind"])
    return Entry(
        at=row.at,
        kind="emails",
        title=_("Renewal reminder %(year)s") % {"year": row.data["year"]},
        detail=f"{reminder.get_kind_display()} · {row.data['email']}",
        url=reverse("memberships:staff_memberships"),
    )


def _branches(memberships, payments) -> list[Branch]:
    return [
        Branch(
            KIND,
            memberships.order_by("-created_at"),
            Coalesce("validated_at", "created_at"),
            {
                "status": "status",
                "year": "year__year",
                "organisation": "organisation__name",
                "amount": "amount_due",
            },
            _membership_entry,
        ),
        Branch(
            KIND,
            payments.order_by("-paid_on", "-id"),
            Cast(Coalesce("refunded_on", "paid_on"), DateTimeField()),
            {
                "membership_id": "membership_id",
                "year": "membership__year__year",
                "amount": "amount",
                "method": "method",
                "paid_on": "paid_on",
                "refunded_on": "refunded_on",
            },
            _payment_entry,
        ),
    ]


class MembershipsContributor(Contributor):
    kinds = {KIND: gettext_lazy("Memberships and payments")}

    def person_branches(self, person):
        return _branches(
            Membership.objects.filter(representative=person),
            Payment.objects.filter(membership__representative=person),
        )

    def organisation_branches(self, organisation):
        # Renewal reminders are emails sent to the organisation.
        reminders = Branch(
            "emails",
            Reminder.objects.filter(organisation=organisation).order_by("-sent_at"),
            "sent_at",
            {"year": "year__year", "kind": "kind", "email": "email"},
            _reminder_entry,
        )
        return [
            *_branches(
                Membership.objects.filter(organisation=organisation),
                Payment.objects.filter(membership__organisation=organisation),
            ),
            reminders,
        ]

    def fact_queries(self, *, person=None, organisation=None):
        validated = Membership.objects.filter(status=Membership.Status.VALIDATED)
        if organisation is not None:
            validated = validated.filter(organisation=organisation)
        else:
            verified = Affiliation.objects.verified().filter(person=person)
            validated = validated.filter(organisation__in=verified.values("organisation_id"))
        first = validated.order_by("year__year").values("year__year")[:1]
        return {"member_since": Subquery(first)}

    def facts(self, values, *, person=None, organisation=None):
        first = values["member_since"]
        return [
            Fact(
                key="member_since",
                label=_("Member since"),
                value=str(first) if first else _("not a member"),
                order=10,
            )
        ]

    def merge_preview(self, keep, duplicate):
        count = Membership.objects.filter(representative=duplicate).count()
        return [MoveLine(_("memberships where they are the representative"), count)]

    def merge_people(self, keep, duplicate):
        Membership.objects.filter(representative=duplicate).update(representative=keep)

    def export(self, person):
        rows = (
            Membership.objects.filter(representative=person)
            .select_related("organisation", "year")
            .order_by("year__year", "pk")
        )
        return {
            "memberships_represented": [
                {
                    "organisation": m.organisation.name,
                    "year": m.year.year,
                    "status": m.status,
                    "amount_due": str(m.amount_due),
                    "created_at": m.created_at.isoformat(),
                }
                for m in rows
            ]
        }
