"""What sends the messages: one mail connection (`Sender`: raw MIME to SMTP, a Django
message to an email service), the throttle shared by a task's connections, and the test
send of a newsletter to a few addresses."""

from __future__ import annotations

import contextlib
import smtplib
import threading
import time

from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend

from .. import conf
from ..models import Campaign, Delivery
from .mime import CampaignTemplate, DeliveryMessage


class Throttle:
    """At most `rate` messages per second over all the connections of one task."""

    def __init__(self, rate: float):
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.next_at = time.monotonic()
        self.lock = threading.Lock()

    def wait(self) -> None:
        if not self.interval:
            return
        with self.lock:
            now = time.monotonic()
            slot = max(self.next_at, now)
            self.next_at = slot + self.interval
        if slot > now:
            time.sleep(slot - now)


def template_for(campaign: Campaign) -> CampaignTemplate:
    from django.conf import settings
    from django.urls import reverse

    web_url = ""
    if campaign.newsletter_id:
        web_url = settings.SITE_URL + campaign.newsletter.get_absolute_url()
    return CampaignTemplate(
        campaign_id=campaign.pk,
        subject=campaign.subject,
        from_email=campaign.from_email or conf.from_email(),
        html=campaign.html_template,
        text=campaign.text_template,
        web_url=web_url,
        list_name=campaign.mailing_list.name,
        list_id=campaign.mailing_list.slug,
        preferences_url=settings.SITE_URL + reverse("publications:preferences_request"),
    )


class Sender:
    """Sends messages over one mail connection: raw bytes to SMTP backends, an
    `EmailMultiAlternatives` to the others (django-anymail's email services)."""

    def __init__(self, template: CampaignTemplate):
        self.template = template
        self.connection = get_connection()
        self.raw = isinstance(self.connection, SMTPBackend)
        self.dkim = conf.dkim()

    def open(self):
        self.connection.open()

    def close(self):
        with contextlib.suppress(Exception):  # closing a broken connection may fail too
            self.connection.close()

    def send(self, delivery: Delivery) -> str:
        mid, raw = self.template.render(delivery)
        if self.raw:
            if self.dkim:
                from .dkim_signing import sign

                raw = sign(raw, self.dkim)
            message = DeliveryMessage(
                raw, from_email=self.template.envelope_from, to=delivery.email
            )
        else:
            message = self.esp_message(delivery, mid)
        if not self.connection.send_messages([message]):
            raise smtplib.SMTPException("the mail backend sent nothing")
        return mid

    def esp_message(self, delivery: Delivery, mid: str):
        from django.core.mail import EmailMultiAlternatives

        from .. import mergetags

        values = self.template.values(delivery)
        message = EmailMultiAlternatives(
            subject=self.template.subject,
            body=mergetags.personalise(self.template.text_parts, values, escape=False),
            from_email=self.template.from_email,
            to=[delivery.email],
            headers={
                "Message-ID": mid,
                "List-Unsubscribe": f"<{values['unsubscribe_url']}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        message.attach_alternative(
            mergetags.personalise(self.template.html_parts, values, escape=True), "text/html"
        )
        return message


def send_test(campaign_or_html: dict, addresses: list[str]) -> int:
    """Send the rendered newsletter to a few addresses now (no delivery rows)."""
    from django.core.mail import EmailMultiAlternatives

    from .. import mergetags

    sent = 0
    connection_ = get_connection()
    for address in addresses:
        values = {
            "email": address,
            "unsubscribe_url": "#",
            "web_url": campaign_or_html.get("web_url", ""),
        }
        message = EmailMultiAlternatives(
            subject="[TEST] " + campaign_or_html["subject"],
            body=mergetags.personalise(
                mergetags.compile_template(campaign_or_html["text"]), values, escape=False
            ),
            from_email=conf.from_email(),
            to=[address],
            connection=connection_,
        )
        message.attach_alternative(
            mergetags.personalise(
                mergetags.compile_template(campaign_or_html["html"]), values, escape=True
            ),
            "text/html",
        )
        sent += message.send()
    return sent
