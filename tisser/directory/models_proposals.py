"""Proposals: the cooperative door into the directory.

Anyone may propose a new actor or a change to a published one. A proposal keeps what was
proposed (for a change, only the fields that differ), who proposed it and in which
language, until staff accept it (through the directory services, which record the
revision) or reject it with a reason. The client address is kept only as a salted hash,
for the rate limit.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import Organisation


class Proposal(models.Model):
    class Kind(models.TextChoices):
        NEW = "new", _("New actor")
        CHANGE = "change", _("Change to an actor")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="proposals",
        help_text=_("The actor to change; for a new actor, the one created on acceptance."),
    )
    data = models.JSONField(_("proposed values"), default=dict)
    logo = models.ImageField(_("proposed logo"), upload_to="proposals/%Y/", blank=True, default="")
    proposer_name = models.CharField(_("proposer's name"), max_length=200)
    proposer_email = models.EmailField(_("proposer's email"))
    contact_consent = models.BooleanField(_("agrees to be contacted"), default=False)
    consent_wording = models.TextField(_("consent wording shown"), blank=True, default="")
    language = models.CharField(_("language"), max_length=8, blank=True, default="")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    ip_hash = models.CharField(max_length=64, editable=False, default="")
    created_at = models.DateTimeField(_("proposed on"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed on"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["ip_hash", "created_at"]),
        ]

    def __str__(self):
        name = self.data.get("name") or (self.organisation.name if self.organisation else "")
        return f"#{self.pk} {self.get_kind_display()} · {name}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def display_name(self) -> str:
        """The actor's name as proposed, or the current one for a change that keeps it."""
        if self.data.get("name"):
            return self.data["name"]
        return self.organisation.name if self.organisation_id else ""
