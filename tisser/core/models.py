"""Core's tables: images put into texts with the editor, and outgoing webhooks."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EditorImage(models.Model):
    """An image uploaded from the editor, already resized and re-encoded (`core.uploads`).

    Kept as a row so that uploads can be counted per person (a daily limit) and found
    again by whoever cleans the media folder."""

    file = models.ImageField(_("file"), upload_to="textes/%Y/%m/", max_length=200)
    alt = models.CharField(_("alternative text"), max_length=300, blank=True, default="")
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("image in a text")
        verbose_name_plural = _("images in texts")

    def __str__(self):
        return self.file.name


class WebhookEndpoint(models.Model):
    """An address staff registered to be told of events (see `core.webhooks`)."""

    url = models.URLField(_("address"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True, default="")
    secret = models.CharField(_("signing secret"), max_length=100)
    events = models.JSONField(_("events"), default=list)
    is_active = models.BooleanField(pgettext_lazy("endpoint", "active"), default=True)
    #: failed attempts in a row; reset by a success, the endpoint is disabled past a limit
    failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    disabled_at = models.DateTimeField(_("disabled automatically"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(pgettext_lazy("date", "created"), auto_now_add=True)

    class Meta:
        ordering = ["url", "id"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self):
        return self.url


class WebhookDelivery(models.Model):
    """One event sent (or to send) to one endpoint: the body as signed, and how it went."""

    class Status(models.TextChoices):
        PENDING = "pending", _("To send")
        RETRYING = "retrying", _("Failed, will be retried")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(_("event"), max_length=60)
    key = models.UUIDField(_("idempotency key"), editable=False)
    body = models.TextField(_("body"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True)
    response_excerpt = models.CharField(_("response"), max_length=500, blank=True, default="")
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True)
    created_at = models.DateTimeField(pgettext_lazy("date", "created"), auto_now_add=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [models.Index(fields=["endpoint", "-created_at"], name="webhook_log")]

    def __str__(self):
        return f"{self.event} → {self.endpoint}"


from .imports.models import ImportChunk, ImportJob  # noqa: E402,F401
