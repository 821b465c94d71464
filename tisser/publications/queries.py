"""Reads of publications that views, the composer and other apps share."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from .models import Article, Campaign, Delivery, Newsletter, Resource, Subscription


def published_articles(rubric=None):
    rows = Article.objects.published().select_related("rubric")
    if rubric is not None:
        rows = rows.filter(rubric=rubric)
    return rows


def visible_resources(user, *, q: str = "", category=None):
    """Published resources; member-only ones are listed for everybody (marked), their
    file or link only reaches members (see `can_open_resource`)."""
    rows = Resource.objects.filter(is_published=True, published_at__lte=timezone.now())
    rows = rows.select_related("category")
    if category is not None:
        rows = rows.filter(category=category)
    for word in (q or "").lower().split():
        rows = rows.filter(search_text__contains=word)
    return rows


def can_open_resource(user, resource: Resource) -> bool:
    if not resource.members_only:
        return True
    from tisser.accounts.roles import is_staff_editor
    from tisser.directory.permissions import is_member_user

    return is_staff_editor(user) or is_member_user(user)


def archive():
    return Newsletter.objects.filter(status=Newsletter.Status.PUBLISHED).select_related(
        "mailing_list"
    )


def campaign_stats(campaign: Campaign) -> dict:
    """Sent, failed, bounced, skipped, waiting and unsubscribed through this campaign."""
    counts = dict(
        Delivery.objects.filter(campaign=campaign)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    unsubscribed = Delivery.objects.filter(campaign=campaign, unsubscribed_at__isnull=False).count()
    total = campaign.total or sum(counts.values())
    done = sum(
        counts.get(s, 0)
        for s in (
            Delivery.Status.SENT,
            Delivery.Status.FAILED,
            Delivery.Status.SKIPPED,
            Delivery.Status.BOUNCED,
        )
    )
    return {
        "total": total,
        "sent": counts.get(Delivery.Status.SENT, 0) + counts.get(Delivery.Status.BOUNCED, 0),
        "failed": counts.get(Delivery.Status.FAILED, 0),
        "bounced": counts.get(Delivery.Status.BOUNCED, 0),
        "skipped": counts.get(Delivery.Status.SKIPPED, 0),
        "waiting": counts.get(Delivery.Status.PENDING, 0) + counts.get(Delivery.Status.CLAIMED, 0),
        "unsubscribed": unsubscribed,
        "percent": round(100 * done / total) if total else 100,
    }


def list_counts():
    from .models import MailingList

    return MailingList.objects.annotate(
        active=Count("subscriptions", filter=Q(subscriptions__status=Subscription.Status.ACTIVE)),
        pending=Count("subscriptions", filter=Q(subscriptions__status=Subscription.Status.PENDING)),
    )


def send_overview(newsletter: Newsletter, *, segment=None, segment_tree=None) -> dict:
    """What the send confirmation shows: the list, how many subscribers, those not
    written to (unsubscribed, suppressed, already received this issue), the recipients
    left, the sender and the subject, and the campaigns of the issue so far.

    Narrowed by a segment (`segment_tree`, its checked conditions), every figure counts
    the list's subscribers in the segment only, and `outside_segment` those left out."""
    from . import conf
    from .models import Suppression
    from .sending.preparation import audience, received_by

    mailing_list = newsletter.mailing_list
    subscriptions = Subscription.objects.filter(mailing_list=mailing_list)
    outside = 0
    if segment_tree is not None:
        from tisser.directory.contacts.queries_segments import people

        every = subscriptions.filter(status=Subscription.Status.ACTIVE).exclude(person__email="")
        subscriptions = subscriptions.filter(
            person_id__in=people(segment_tree).order_by().values("pk")
        )
        outside = every.count() - every.filter(pk__in=subscriptions.values("pk")).count()
    active = subscriptions.filter(status=Subscription.Status.ACTIVE).exclude(person__email="")
    reachable = active.exclude(person__email__in=Suppression.objects.values("email"))
    campaigns = list(newsletter.campaigns.order_by("created_at", "id"))
    return {
        "mailing_list": mailing_list,
        "subscribed": active.count(),
        "unsubscribed": subscriptions.filter(status=Subscription.Status.UNSUBSCRIBED).count(),
        "suppressed": active.count() - reachable.count(),
        "already_received": reachable.filter(person__email__in=received_by(newsletter.pk)).count(),
        "recipients": audience(
            mailing_list, newsletter_id=newsletter.pk, segment=segment_tree
        ).count(),
        "segment": segment,
        "outside_segment": outside,
        "sender": conf.from_email(),
        "subject": newsletter.subject,
        "earlier": [c for c in campaigns if c.status not in Campaign.ACTIVE and c.started_at],
        "in_progress": next((c for c in campaigns if c.status in Campaign.ACTIVE), None),
    }
