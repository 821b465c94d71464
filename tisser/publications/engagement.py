"""Subscriptions, unsubscribes, bounces and emails sent in the directory's timelines,
merges and personal data (registered from `apps.py` through `directory.engagement`)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tisser.directory.engagement import Contributor, Entry, MoveLine

from .models import Subscription, Suppression
from .models_sending import Delivery

SUBSCRIPTIONS, UNSUBSCRIBES, EMAILS = "subscriptions", "unsubscribes", "emails"
#: people of an organisation whose emails and subscriptions its timeline shows
PEOPLE_LIMIT = 100


def _subscription_entries(subscription: Subscription, *, who: str = "") -> list[Entry]:
    url = reverse("publications:staff_subscribers") + f"?list={subscription.mailing_list_id}"
    name = subscription.mailing_list.name
    prefix = f"{who} · " if who else ""
    entries = [
        Entry(
            at=subscription.confirmed_at or subscription.created_at,
            kind=SUBSCRIPTIONS,
            title=prefix + _("Subscribed to %(list)s") % {"list": name},
            detail=subscription.get_origin_display(),
            url=url,
            tone="success" if subscription.confirmed_at else "info",
        )
    ]
    if subscription.unsubscribed_at:
        entries.append(
            Entry(
                at=subscription.unsubscribed_at,
                kind=UNSUBSCRIBES,
                title=prefix + _("Unsubscribed from %(list)s") % {"list": name},
                url=url,
                tone="warning",
            )
        )
    return entries


def _delivery_entry(delivery: Delivery, *, who: str = "") -> Entry:
    bounced = delivery.status == Delivery.Status.BOUNCED
    prefix = f"{who} · " if who else ""
    return Entry(
        at=delivery.sent_at or delivery.claimed_at or delivery.campaign.created_at,
        kind=UNSUBSCRIBES if bounced else EMAILS,
        title=prefix
        + (_("Bounced: %(subject)s") if bounced else _("Email: %(subject)s"))
        % {"subject": delivery.campaign.subject},
        detail=str(delivery.get_status_display()),
        url=reverse("publications:campaign", args=[delivery.campaign_id]),
        tone="danger" if bounced else "",
    )


#: what `str(person)` reads
PERSON_NAME = ("person__first_name", "person__last_name", "person__email", "person__erased_at")


def _entries(subscriptions, deliveries, kinds, limit, *, named=False) -> list[Entry]:
    entries: list[Entry] = []
    if kinds & {SUBSCRIPTIONS, UNSUBSCRIBES}:
        rows = (
            subscriptions.select_related("mailing_list", "person")
            .only(
                "created_at",
                "confirmed_at",
                "unsubscribed_at",
                "origin",
                "mailing_list__name",
                *PERSON_NAME,
            )
            .order_by("-created_at")
        )
        for row in rows[:limit]:
            entries += _subscription_entries(row, who=str(row.person) if named else "")
    if kinds & {EMAILS, UNSUBSCRIBES}:
        # Ordered by sending time, which no index serves: the plan then reads the few rows
        # of these people through the person index instead of walking the whole table.
        # Only what an entry shows: a campaign row holds its whole rendered HTML.
        rows = (
            deliveries.select_related("campaign", "person")
            .only(
                "status",
                "sent_at",
                "claimed_at",
                "campaign__subject",
                "campaign__created_at",
                *PERSON_NAME,
            )
            .order_by("-sent_at", "-id")
        )
        for row in rows[:limit]:
            entries.append(_delivery_entry(row, who=str(row.person) if named else ""))
    return [entry for entry in entries if entry.kind in kinds]


class PublicationsContributor(Contributor):
    kinds = {
        SUBSCRIPTIONS: gettext_lazy("Subscriptions"),
        UNSUBSCRIBES: gettext_lazy("Unsubscribes and bounces"),
        EMAILS: gettext_lazy("Emails sent"),
    }

    def person_entries(self, person, *, kinds, limit):
        entries = _entries(
            Subscription.objects.filter(person=person),
            Delivery.objects.filter(person=person),
            kinds,
            limit,
        )
        if UNSUBSCRIBES in kinds and person.email:
            for row in Suppression.objects.filter(email__iexact=person.email)[:1]:
                entries.append(
                    Entry(
                        at=row.at,
                        kind=UNSUBSCRIBES,
                        title=_("Address suppressed: %(reason)s")
                        % {"reason": row.get_reason_display()},
                        detail=row.detail,
                        url=reverse("publications:suppressions"),
                        tone="danger",
                    )
                )
        return entries

    def organisation_entries(self, organisation, *, kinds, limit):
        # The emails and subscriptions of its people: its representatives first, then the
        # most recently linked, at most PEOPLE_LIMIT of them (a bounded, indexed read).
        people = list(
            organisation.affiliations.order_by("-is_representative", "-created_at").values_list(
                "person_id", flat=True
            )[:PEOPLE_LIMIT]
        )
        return _entries(
            Subscription.objects.filter(person_id__in=people),
            Delivery.objects.filter(person_id__in=people),
            kinds,
            limit,
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
