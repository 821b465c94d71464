"""Service messages: one practical email to the people of a segment (a change of room
for a Fresque's participants), not a newsletter.

A service message goes to everyone in the segment who has an address, subscribed or not
(it is about something they take part in), but never to an address on the suppression
list. It is labelled as a service message in the email and on the staff pages. One
`ServiceDelivery` per address, created when staff confirm, makes it go once.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tisser.directory.models import Person


class ServiceMessage(models.Model):
    class Status(models.TextChoices):
        SENDING = "sending", _("Sending")
        SENT = "sent", pgettext_lazy("service message", "Sent")

    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    segment = models.ForeignKey(
        "directory.Segment",
        verbose_name=_("segment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="service_messages",
    )
    #: copied when confirmed: what the message was sent to, whatever happens to the segment
    segment_name = models.CharField(_("segment"), max_length=150)
    segment_description = models.CharField(max_length=1000, blank=True, default="")
    segment_conditions = models.JSONField(_("segment conditions"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SENDING
    )
    total = models.PositiveIntegerField(_("recipients"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    #: the confirmation page's one-time key: posting it twice sends nothing more
    confirmation_key = models.CharField(max_length=40, blank=True, default="", editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("service message")
        verbose_name_plural = _("service messages")
        constraints = [
            models.UniqueConstraint(
                fields=["confirmation_key"],
                condition=~Q(confirmation_key=""),
                name="service_message_unique_confirmation",
            )
        ]

    def __str__(self):
        return self.subject


class ServiceDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        CLAIMED = "claimed", _("Being sent")
        SENT = "sent", pgettext_lazy("delivery", "Sent")
        SKIPPED = "skipped", _("Not sent (suppressed)")
        FAILED = "failed", _("Failed")

    message = models.ForeignKey(ServiceMessage, on_delete=models.CASCADE, related_name="deliveries")
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    email = models.EmailField(_("email"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        verbose_name = _("service message delivery")
        verbose_name_plural = _("service message deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["message", "email"], name="service_delivery_unique_email"
            )
        ]
        indexes = [models.Index(fields=["message", "status", "id"], name="service_delivery_queue")]

    def __str__(self):
        return f"{self.message_id} → {self.email} ({self.status})"
