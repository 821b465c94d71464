"""The shared agenda's inputs: events proposed by member organisations (moderated like
map proposals) and calls for proposals of theme and venue attached to an event or a
series (a kind of event)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tisser.directory.models import Organisation


class EventProposal(models.Model):
    """An organisation's representative proposes an event: the event is stored with the
    status PROPOSED (never public) until staff accept it; a rejection keeps it hidden."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    event = models.OneToOneField(
        "events.Event", on_delete=models.CASCADE, related_name="proposal", verbose_name=_("event")
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="event_proposals",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="event_proposals",
    )
    proposer_email = models.EmailField(_("proposer's email"))
    language = models.CharField(_("language"), max_length=10, blank=True, default="")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    rejection_reason = models.TextField(_("reason for the rejection"), blank=True, default="")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    ip_hash = models.CharField(max_length=64, blank=True, default="", db_index=True)
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("event proposal")
        verbose_name_plural = _("event proposals")

    def __str__(self):
        return f"{self.event} ({self.organisation})"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class CallForProposals(models.Model):
    """“Your proposals of theme and venue for next year are welcome”: attached to one
    event, or to a series (every event of a kind)."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    text = models.TextField(_("text"), blank=True, default="")
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("event"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls_for_proposals",
    )
    kind = models.ForeignKey(
        "events.EventKind",
        verbose_name=_("series (kind of event)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls_for_proposals",
    )
    is_open = models.BooleanField(pgettext_lazy("call for proposals", "open"), default=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("call for proposals")
        verbose_name_plural = _("calls for proposals")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:call", args=[self.slug])


class CallSubmission(models.Model):
    """One answer to a call: a theme, a venue, a word; who sent it (private)."""

    call = models.ForeignKey(CallForProposals, on_delete=models.CASCADE, related_name="submissions")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"))
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True, default="")
    theme = models.CharField(_("proposed theme"), max_length=300, blank=True, default="")
    venue = models.CharField(_("proposed venue"), max_length=300, blank=True, default="")
    message = models.TextField(_("message"), blank=True, default="")
    language = models.CharField(_("language"), max_length=10, blank=True, default="")
    ip_hash = models.CharField(max_length=64, blank=True, default="", db_index=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("proposal sent to a call")
        verbose_name_plural = _("proposals sent to calls")

    def __str__(self):
        return f"{self.name} · {self.call}"
