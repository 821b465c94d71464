"""Reads behind the staff lists of subscribers and deliveries (filters, exports)."""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import Q, QuerySet

from .models import Subscription
from .models_sending import Campaign, Delivery


def _number(params: Mapping, name: str) -> int | None:
    value = (params.get(name) or "").strip()
    return int(value) if value.isdigit() and len(value) < 19 else None


def subscriptions(params: Mapping) -> QuerySet[Subscription]:
    """One row per person and list. Filters: `list` (id), `status`, `origin`, `q` (email
    or name)."""
    qs = Subscription.objects.select_related("person", "mailing_list")
    if (list_id := _number(params, "list")) is not None:
        qs = qs.filter(mailing_list_id=list_id)
    if (status := params.get("status") or "") in Subscription.Status.values:
        qs = qs.filter(status=status)
    if (origin := params.get("origin") or "") in Subscription.Origin.values:
        qs = qs.filter(origin=origin)
    for word in (params.get("q") or "").split()[:5]:
        qs = qs.filter(
            Q(person__email__icontains=word)
            | Q(person__first_name__icontains=word)
            | Q(person__last_name__icontains=word)
        )
    return qs


def subscription_export_rows(qs) -> tuple[list[str], object]:
    headers = ["email", "prenom", "nom", "liste", "statut", "origine", "inscrit_le", "confirme_le"]

    def rows():
        for s in qs.iterator(chunk_size=500):
            yield [
                s.person.email,
                s.person.first_name,
                s.person.last_name,
                s.mailing_list.name,
                s.status,
                s.origin,
                s.created_at.date().isoformat(),
                s.confirmed_at.date().isoformat() if s.confirmed_at else "",
            ]

    return headers, rows()


def deliveries(params: Mapping) -> QuerySet[Delivery]:
    """One row per message of a campaign. Filters: `campaign` (id), `status`, `q` (email
    or name)."""
    qs = Delivery.objects.select_related("campaign")
    if (campaign_id := _number(params, "campaign")) is not None:
        qs = qs.filter(campaign_id=campaign_id)
    if (status := params.get("status") or "") in Delivery.Status.values:
        qs = qs.filter(status=status)
    for word in (params.get("q") or "").split()[:5]:
        qs = qs.filter(
            Q(email__icontains=word) | Q(first_name__icontains=word) | Q(last_name__icontains=word)
        )
    return qs


def delivery_export_rows(qs) -> tuple[list[str], object]:
    headers = ["campagne", "email", "prenom", "nom", "structure", "statut", "envoye_le", "erreur"]

    def rows():
        for d in qs.iterator(chunk_size=500):
            yield [
                d.campaign.subject,
                d.email,
                d.first_name,
                d.last_name,
                d.organisation,
                d.status,
                d.sent_at.isoformat(timespec="minutes") if d.sent_at else "",
                d.error,
            ]

    return headers, rows()


def campaigns_for_filter():
    return Campaign.objects.exclude(status=Campaign.Status.DRAFT).order_by("-created_at")[:50]
