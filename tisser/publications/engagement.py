"""Subscriptions, unsubscribes, bounces and emails sent in the directory's timelines,
merges and personal data (registered from `apps.py` through `directory.engagement`)."""

from __future__ import annotations

from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tisser.directory.engagement import (
    PERSON_NAME,
    Branch,
    Contributor,
    Entry,
    MoveLine,
    Row,
    person_name,
)

from .models import Subscription, Suppression
from .models_sending import Delivery

SUBSCRIPTIONS, UNSUBSCRIBES, EMAILS = "subscriptions", "unsubscribes", "emails"
#: people of an organisation whose emails and subscriptions its timeline shows
PEOPLE_LIMIT = 100


def _prefix(row: Row, named: bool) -> str:
    return f"{person_name(row)} · " if named else ""


def _subscription_entry(row: Row, *, named: bool) -> Entry:
    subscription = Subscription(origin=row.data["origin"])
    return Entry(
        at=row.at,
        kind=SUBSCRIPTIONS,
        title=_prefix(row, named) + _("Subscribed to %(list)s") % {"list": row.data["list"]},
        detail=subscription.get_origin_display(),
        url=reverse("publications:staff_subscribers") + f"?list={row.data['list_id']}",
        tone="success" if row.data["confirmed_at"] else "info",
    )


def _unsubscribe_entry(row: Row, *, named: bool) -> Entry:
    return Entry(
        at=row.at,
        kind=UNSUBSCRIBES,
        title=_prefix(row, named) + _("Unsubscribed from %(list)s") % {"list": row.data["list"]},
        url=reverse("publications:staff_subscribers") + f"?list={row.data['list_id']}",
        tone="warning",
    )


def _delivery_entry(row: Row, *, named: bool) -> Entry:
    delivery = Delivery(status=row.data["status"])
    bounced = delivery.status == Delivery.Status.BOUNCED
    return Entry(
        at=row.at,
        kind=UNSUBSCRIBES if bounced else EMAILS,
        title=_prefix(row, named)
        + (_("Bounced: %(subject)s") if bounced else _("Email: %(subject)s"))
        % {"subject": row.data["subject"]},
        detail=str(delivery.get_status_display()),
        url=reverse("publications:campaign", args=[row.data["campaign_id"]]),
        tone="danger" if bounced else "",
    )


def _suppression_entry(row: Row) -> Entry:
    suppression = Suppression(reason=row.data["reason"])
    return Entry(
        at=row.at,
        kind=UNSUBSCRIBES,
        title=_("Address suppressed: %(reason)s") % {"reason": suppression.get_reason_display()},
        detail=row.data["detail"],
        url=reverse("publications:suppressions"),
        tone="danger",
    )


def _branches(subscriptions, deliveries, *, named=False) -> list[Branch]:
    """Subscriptions and unsubscribes, emails sent and bounced; on an organisation's page
    each entry is prefixed with the person's name. Only what an entry shows is read: a
    campaign row holds its whole rendered HTML."""
    who = PERSON_NAME if named else {}
    listed = {"list": "mailing_list__name", "list_id": "mailing_list_id", **who}
    bounced = Q(status=Delivery.Status.BOUNCED)
    # Ordered by sending time, which no index serves: the plan then reads the few rows
    # of these people through the person index instead of walking the whole table.
    deliveries = deliveries.order_by("-sent_at", "-id")
    return [
        Branch(
            SUBSCRIPTIONS,
            subscriptions.order_by("-created_at"),
            Coalesce("confirmed_at", "created_at"),
            {**listed, "origin": "origin", "confirmed_at": "confirmed_at"},
            lambda row: _subscription_entry(row, named=named),
        ),
        Branch(
            UNSUBSCRIBES,
            subscriptions.filter(unsubscribed_at__isnull=False).order_by("-unsubscribed_at"),
            "unsubscribed_at",
            listed,
            lambda row: _unsubscribe_entry(row, named=named),
        ),
        Branch(
            {EMAILS: ~bounced, UNSUBSCRIBES: bounced},
            deliveries,
            Coalesce("sent_at", "claimed_at", "campaign__created_at"),
            {"status": "status", "subject": "campaign__subject", "campaign_id": "campaign_id"}
            | who,
            lambda row: _delivery_entry(row, named=named),
        ),
    ]


class PublicationsContributor(Contributor):
    kinds = {
        SUBSCRIPTIONS: gettext_lazy("Subscriptions"),
        UNSUBSCRIBES: gettext_lazy("Unsubscribes and bounces"),
        EMAILS: gettext_lazy("Emails sent"),
    }

    def person_branches(self, person):
        branches = _branches(
            Subscription.objects.filter(person=person), Delivery.objects.filter(person=person)
        )
        if person.email:
            branches.append(
                Branch(
                    UNSUBSCRIBES,
                    Suppression.objects.filter(email__iexact=person.email).order_by("-at"),
                    "at",
                    {"reason": "reason", "detail": "detail"},
                    _suppression_entry,
                )
            )
        return branches

    def organisation_branches(self, organisation):
        # The emails and subscriptions of its people: its representatives first, then the
        # most recently linked, at most PEOPLE_LIMIT of them (a bounded, indexed read).
        people = organisation.affiliations.order_by("-is_representative", "-created_at").values(
            "person_id"
        )[:PEOPLE_LIMIT]
        return _branches(
            Subscription.objects.filter(person_id__in=people),
            Delivery.objects.filter(person_id__in=people),
            named=True,
        )

    def merge_preview(self, keep, duplicate):
        return [
            MoveLine(
                _("newsletter subscriptions"),
                Subscription.objects.filter(person=duplicate).count(),
            ),
            MoveLine(_("emails sent"), Delivery.objects.filter(person=duplicate).count()),
        ]

    def merge_people(self, keep, duplicate):
        kept = {s.mailing_list_id: s for s in Subscription.objects.filter(person=keep)}
        for subscription in Subscription.objects.filter(person=duplicate):
            twin = kept.get(subscription.mailing_list_id)
            if twin is None:
                continue
            # One subscription per list: the most recent decision wins (an unsubscribe
            # made later than a subscription is never undone by a merge).
            if _last_decision(subscription) > _last_decision(twin):
                for field in ("status", "origin", "origin_detail", "consent_id"):
                    setattr(twin, field, getattr(subscription, field))
                for field in ("confirmed_at", "unsubscribed_at"):
                    setattr(twin, field, getattr(subscription, field))
                twin.save()
            subscription.delete()
        Subscription.objects.filter(person=duplicate).update(person=keep)
        Delivery.objects.filter(person=duplicate).update(person=keep)

    def export(self, person):
        return {
            "subscriptions": [
                {
                    "list": s.mailing_list.name,
                    "status": s.status,
                    "origin": s.origin,
                    "created_at": s.created_at.isoformat(),
                    "confirmed_at": s.confirmed_at.isoformat() if s.confirmed_at else None,
                    "unsubscribed_at": s.unsubscribed_at.isoformat() if s.unsubscribed_at else None,
                }
                for s in Subscription.objects.filter(person=person).select_related("mailing_list")
            ],
            "emails_received": [
                {
                    "subject": d.campaign.subject,
                    "status": d.status,
                    "sent_at": d.sent_at.isoformat() if d.sent_at else None,
                }
                for d in Delivery.objects.filter(person=person).select_related("campaign")
            ],
        }

    def erase(self, person):
        # No more newsletters, and the copies of the name and address made for sending go.
        Subscription.objects.filter(person=person).update(
            status=Subscription.Status.UNSUBSCRIBED, origin_detail=""
        )
        for delivery in Delivery.objects.filter(person=person).only("pk"):
            Delivery.objects.filter(pk=delivery.pk).update(
                email=f"erased-{delivery.pk}@erased.invalid",
                first_name="",
                last_name="",
                organisation="",
            )


def _last_decision(subscription: Subscription):
    moments = [subscription.created_at, subscription.confirmed_at, subscription.unsubscribed_at]
    return max(moment for moment in moments if moment is not None)
