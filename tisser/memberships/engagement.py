"""Memberships and payments in the timelines, merges and personal data of the directory
(registered from `apps.py` through `directory.engagement`)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Min
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tisser.directory.engagement import Contributor, Entry, Fact, MoveLine
from tisser.directory.models import Affiliation

from .models import Membership, Payment, Reminder

KIND = "memberships"


def _day(value: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(value, dt.time(12)))


def _membership_entry(membership: Membership) -> Entry:
    return Entry(
        at=membership.validated_at or membership.created_at,
        kind=KIND,
        title=_("Membership %(year)s of %(name)s")
        % {"year": membership.year.year, "name": membership.organisation.name},
        detail=f"{membership.get_status_display()} · {number_format(membership.amount_due, 2)}\u00a0€",
        url=reverse("memberships:staff_detail", args=[membership.pk]),
        tone={"validated": "success", "cancelled": "danger"}.get(membership.status, "warning"),
    )


def _payment_entry(payment: Payment) -> Entry:
    refunded = payment.refunded_on is not None
    return Entry(
        at=_day(payment.refunded_on or payment.paid_on),
        kind=KIND,
        title=(_("Payment refunded: %(amount)s €") if refunded else _("Payment: %(amount)s €"))
        % {"amount": number_format(payment.amount, 2)},
        detail=f"{payment.get_method_display()} · {payment.membership.year.year}",
        url=reverse("memberships:staff_detail", args=[payment.membership_id]),
        tone="warning" if refunded else "success",
    )


def _entries(memberships, payments, limit: int) -> list[Entry]:
    rows = memberships.select_related("year", "organisation").order_by("-created_at")[:limit]
    paid = payments.select_related("membership__year").order_by("-paid_on", "-id")[:limit]
    return [_membership_entry(m) for m in rows] + [_payment_entry(p) for p in paid]


class MembershipsContributor(Contributor):
    kinds = {KIND: gettext_lazy("Memberships and payments")}

    def person_entries(self, person, *, kinds, limit):
        if KIND not in kinds:
            return []
        memberships = Membership.objects.filter(representative=person)
        payments = Payment.objects.filter(membership__representative=person)
        return _entries(memberships, payments, limit)

    def organisation_entries(self, organisation, *, kinds, limit):
        entries: list[Entry] = []
        if KIND in kinds:
            memberships = Membership.objects.filter(organisation=organisation)
            payments = Payment.objects.filter(membership__organisation=organisation)
            entries += _entries(memberships, payments, limit)
        if "emails" in kinds:  # renewal reminders are emails sent to the organisation
            reminders = Reminder.objects.filter(organisation=organisation).select_related("year")
            for reminder in reminders.order_by("-sent_at")[:limit]:
                entries.append(
                    Entry(
                        at=reminder.sent_at,
                        kind="emails",
                        title=_("Renewal reminder %(year)s") % {"year": reminder.year.year},
                        detail=f"{reminder.get_kind_display()} · {reminder.email}",
                        url=reverse("memberships:staff_memberships"),
                    )
                )
        return entries

    def facts(self, *, person=None, organisation=None):
        validated = Membership.objects.filter(status=Membership.Status.VALIDATED)
        if organisation is not None:
            validated = validated.filter(organisation=organisation)
        else:
            verified = Affiliation.objects.verified().filter(person=person)
            validated = validated.filter(organisation__in=verified.values("organisation_id"))
        first = validated.aggregate(first=Min("year__year"))["first"]
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
