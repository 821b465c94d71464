"""Who a campaign goes to, and its delivery rows: the audience (subscribers minus
suppressions, minus whoever already received the issue, narrowed by a segment) is decided
here once, and `prepare_campaign` writes one pending `Delivery` per recipient, which the
engine (`engine.py`) then claims and sends."""

from __future__ import annotations

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from tisser.directory.models import Affiliation

from ..models import Campaign, Delivery, MailingList, Subscription, Suppression

RECEIVED = (
    Delivery.Status.SENT,
    Delivery.Status.BOUNCED,
    Delivery.Status.PENDING,
    Delivery.Status.CLAIMED,
)


def received_by(newsletter_id: int, *, exclude_campaign: int | None = None):
    """The addresses an issue has gone (or is going) to, through any of its campaigns."""
    rows = Delivery.objects.filter(campaign__newsletter_id=newsletter_id, status__in=RECEIVED)
    if exclude_campaign is not None:
        rows = rows.exclude(campaign_id=exclude_campaign)
    return rows.values("email")


def audience(
    mailing_list: MailingList,
    *,
    newsletter_id: int | None = None,
    campaign_id=None,
    segment: dict | None = None,
):
    """Who a send reaches: the list's active subscribers with an address, minus the
    suppression list, minus (for an issue) whoever already received that issue, and —
    when narrowed by a `segment` (a checked conditions tree) — only those in it: a
    segment narrows the subscribers, it never adds anyone. The one place the audience is
    decided; the confirmation page counts it, preparation reads it."""
    rows = (
        Subscription.objects.filter(mailing_list=mailing_list, status=Subscription.Status.ACTIVE)
        .exclude(person__email="")
        .exclude(person__email__in=Suppression.objects.values("email"))
    )
    if segment is not None:
        from tisser.directory.contacts.queries_segments import people

        rows = rows.filter(person_id__in=people(segment).order_by().values("pk"))
    if newsletter_id is not None:
        rows = rows.exclude(
            person__email__in=received_by(newsletter_id, exclude_campaign=campaign_id)
        )
    return rows


def recipients(
    mailing_list: MailingList,
    *,
    newsletter_id: int | None = None,
    campaign_id=None,
    segment: dict | None = None,
):
    """The audience with what each message needs (merge-tag values), in a stable order."""
    organisation = Subquery(
        Affiliation.objects.filter(person=OuterRef("person"))
        .exclude(status=Affiliation.Status.REFUSED)  # a refused claim names no organisation
        .order_by("-is_representative", "id")
        .values("organisation__name")[:1]
    )
    return (
        audience(
            mailing_list, newsletter_id=newsletter_id, campaign_id=campaign_id, segment=segment
        )
        .annotate(organisation_name=organisation)
        .order_by("person_id")
        .values_list(
            "person_id",
            "person__email",
            "person__first_name",
            "person__last_name",
            "organisation_name",
        )
    )


def campaign_segment(campaign: Campaign) -> dict | None:
    """The conditions a campaign was narrowed by, checked again (None: the whole list).
    A stored tree that no longer checks (an app's condition gone) stops the preparation
    rather than widening the send to the whole list."""
    if campaign.segment_conditions is None:
        return None
    from tisser.directory.segments import parse

    return parse(campaign.segment_conditions)


def prepare_campaign(campaign_id: int, *, html: str | None = None, text: str | None = None) -> int:
    """Create one delivery per recipient (in one transaction) and switch to sending.

    The parts are those stored when the campaign was started, or `html`/`text` if given.
    Idempotent: a campaign already prepared is left as it is. Returns the recipients."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
        if campaign.status not in (Campaign.Status.DRAFT, Campaign.Status.QUEUED):
            return campaign.total
        if html is not None:
            campaign.html_template, campaign.text_template = html, text or ""
        batch: list[Delivery] = []
        total = 0
        rows = recipients(
            campaign.mailing_list,
            newsletter_id=campaign.newsletter_id,
            campaign_id=campaign.pk,
            segment=campaign_segment(campaign),
        )
        for person_id, email, first, last, org in rows.iterator(chunk_size=5000):
            batch.append(
                Delivery(
                    campaign=campaign,
                    person_id=person_id,
                    email=email,
                    first_name=first or "",
                    last_name=last or "",
                    organisation=(org or "")[:200],
                )
            )
            if len(batch) >= 5000:
                Delivery.objects.bulk_create(batch, ignore_conflicts=True)
                total += len(batch)
                batch = []
        if batch:
            Delivery.objects.bulk_create(batch, ignore_conflicts=True)
            total += len(batch)
        campaign.total = total
        campaign.status = Campaign.Status.SENDING
        campaign.started_at = timezone.now()
        campaign.save()
    return total
