"""The publications' webhook events: declared at start-up, emitted by the services."""

from django.utils.translation import gettext_lazy as _

from tisser.core import webhooks

EVENTS = {
    "subscriber.subscribed": _("Subscriber subscribed to a list"),
    "subscriber.unsubscribed": _("Subscriber unsubscribed from a list"),
    "campaign.sent": _("Campaign sent"),
}


def register() -> None:
    for name, label in EVENTS.items():
        webhooks.register_event(name, label)


def subscriber_event(event: str, subscription) -> None:
    from .schemas import subscriber_payload

    webhooks.emit(event, lambda: subscriber_payload(subscription))


def campaign_sent(campaign_id: int) -> None:
    from .models_sending import Campaign, Delivery

    def payload():
        campaign = Campaign.objects.select_related("mailing_list").get(pk=campaign_id)
        return {
            "id": campaign.pk,
            "subject": campaign.subject,
            "mailing_list": campaign.mailing_list.slug if campaign.mailing_list_id else None,
            "recipients": campaign.total,
            "sent": Delivery.objects.filter(
                campaign_id=campaign_id, status=Delivery.Status.SENT
            ).count(),
            "finished_at": campaign.finished_at,
        }

    webhooks.emit("campaign.sent", payload)
