"""Newsletters (issues built from blocks), campaigns and one delivery row per recipient.

Exactly once per recipient rests on `Delivery`: a row is created for each recipient when
the campaign is prepared, *claimed* in a transaction (with a lease) before its message is
sent, and marked *sent* right after the SMTP server accepted it. See `sending/engine.py`.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tisser.directory.models import Person


class Newsletter(models.Model):
    """One issue of a list's newsletter (e.g. the Infolettre of 28 May 2026)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published in the archive")

    mailing_list = models.ForeignKey(
        "publications.MailingList",
        verbose_name=_("list"),
        on_delete=models.PROTECT,
        related_name="newsletters",
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    subject = models.CharField(_("email subject"), max_length=250)
    preheader = models.CharField(
        _("preview text"),
        max_length=250,
        blank=True,
        default="",
        help_text=_("The line mail programs show after the subject."),
    )
    issue_date = models.DateField(_("date of the issue"), default=timezone.localdate)
    intro = models.CharField(_("welcome line"), max_length=250, blank=True, default="")
    toc_title = models.CharField(
        _("table of contents title"), max_length=250, blank=True, default=""
    )
    closing = models.TextField(_("closing text"), blank=True, default="")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("creation date"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-issue_date", "-id"]
        verbose_name = _("newsletter")
        verbose_name_plural = _("newsletters")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("publications:newsletter_web", kwargs={"slug": self.slug})


class SentIssue(models.Model):
    """An issue as its recipients received it, rendered once when it is first sent: its
    subject, the email's HTML and text (merge tags left in) and the web version. The web
    version and every later send of the issue read these, so moving an event it
    announced, editing an article it pulled or changing a template afterwards changes
    nothing of what the issue says (see docs/decisions.md, "A sent issue is frozen")."""

    newsletter = models.OneToOneField(
        Newsletter,
        verbose_name=_("newsletter"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="as_sent",
    )
    sent_at = models.DateTimeField(_("sent on"))
    subject = models.CharField(_("email subject"), max_length=250)
    html = models.TextField(editable=False)
    text = models.TextField(editable=False)
    web_html = models.TextField(editable=False)

    class Meta:
        verbose_name = _("issue as sent")
        verbose_name_plural = _("issues as sent")

    def __str__(self):
        return str(self.newsletter_id)

    @property
    def parts(self) -> dict:
        """The email's parts, as `rendering.render_email` gives them."""
        return {"subject": self.subject, "html": self.html, "text": self.text}


class Block(models.Model):
    """A piece of a newsletter, in order. `items` holds what was pulled from the agenda,
    the articles, the directory or the resources, as a snapshot: an archived issue keeps
    showing what was sent even if the event changes later."""

    class Kind(models.TextChoices):
        EDITORIAL = "editorial", _("Editorial")
        HEADLINE = "headline", _("Headline items")
        EVENT = "event", _("Event from the agenda")
        AGENDA = "agenda", _("Several events from the agenda")
        ARTICLE = "article", _("Article")
        MEMBERS = "members", _("New members")
        RESOURCE = "resource", _("Resource")
        TEXT = "text", _("Free text with a button")

    newsletter = models.ForeignKey(Newsletter, on_delete=models.CASCADE, related_name="blocks")
    position = models.PositiveIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    section = models.CharField(
        _("section"),
        max_length=120,
        blank=True,
        default="",
        help_text=_("Blocks sharing a section are grouped under its heading."),
    )
    title = models.CharField(_("title"), max_length=250, blank=True, default="")
    subtitle = models.CharField(_("subtitle"), max_length=250, blank=True, default="")
    body = models.TextField(_("text"), blank=True, default="", help_text=_("Sanitised HTML."))
    cta_label = models.CharField(_("button label"), max_length=120, blank=True, default="")
    cta_url = models.URLField(_("button link"), max_length=500, blank=True, default="")
    in_toc = models.BooleanField(_("in the table of contents"), default=True)
    toc_label = models.CharField(
        _("label in the table of contents"), max_length=250, blank=True, default=""
    )
    items = models.JSONField(_("items"), default=list, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("block")
        verbose_name_plural = _("blocks")

    def __str__(self):
        return f"{self.get_kind_display()} · {self.title}"

    @property
    def anchor(self) -> str:
        return f"bloc-{self.pk}"


class Campaign(models.Model):
    """Sending one newsletter (or a message) to a list. Rendered once, when prepared."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        QUEUED = "queued", _("Preparing the recipients")
        SENDING = "sending", _("Sending")
        PAUSED = "paused", _("Paused")
        SENT = "sent", pgettext_lazy("campaign", "Sent")
        CANCELLED = "cancelled", pgettext_lazy("campaign", "Cancelled")

    newsletter = models.ForeignKey(
        Newsletter,
        verbose_name=_("newsletter"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campaigns",
    )
    mailing_list = models.ForeignKey(
        "publications.MailingList",
        verbose_name=_("list"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    subject = models.CharField(_("subject"), max_length=250)
    from_email = models.CharField(_("sender"), max_length=250, blank=True, default="")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # Narrowed to a segment: only the list's subscribers who are in it (a segment never
    # adds anyone). The conditions are copied when the send is confirmed, so editing or
    # deleting the segment afterwards changes nothing of this campaign.
    segment = models.ForeignKey(
        "directory.Segment",
        verbose_name=_("segment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="campaigns",
    )
    segment_name = models.CharField(_("segment"), max_length=150, blank=True, default="")
    segment_conditions = models.JSONField(_("segment conditions"), null=True, blank=True)
    messages_per_second = models.FloatField(
        _("messages per second"), default=0, help_text=_("0: the site's default.")
    )
    html_template = models.TextField(editable=False, default="")
    text_template = models.TextField(editable=False, default="")
    total = models.PositiveIntegerField(_("recipients"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(_("creation date"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Touched at each claimed batch: a campaign "sending" without activity for longer than
    # a claim lives has lost its worker, and the scheduler resumes it.
    last_activity_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The one-time key of the confirmation page it was started from: the same
    # confirmation posted again (second click, back button, replay) starts nothing.
    confirmation_key = models.CharField(max_length=40, blank=True, default="", editable=False)

    # Statuses in which a campaign still has (or may have) messages to send.
    ACTIVE = (Status.QUEUED, Status.SENDING, Status.PAUSED)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.UniqueConstraint(
                fields=["confirmation_key"],
                condition=~models.Q(confirmation_key=""),
                name="campaign_unique_confirmation",
            )
        ]

    def __str__(self):
        return self.subject


class Delivery(models.Model):
    """One recipient of one campaign. The merge-tag values are copied in at preparation so
    that sending reads one table."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        CLAIMED = "claimed", _("Being sent")
        SENT = "sent", pgettext_lazy("delivery", "Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not sent (unsubscribed or suppressed)")
        BOUNCED = "bounced", _("Bounced")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deliveries")
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    email = models.EmailField(_("email"))
    first_name = models.CharField(max_length=100, blank=True, default="")
    last_name = models.CharField(max_length=100, blank=True, default="")
    organisation = models.CharField(max_length=200, blank=True, default="")
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    message_id = models.CharField(max_length=250, blank=True, default="", db_index=True)
    claim_token = models.CharField(max_length=40, blank=True, default="")
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True, default="")
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "email"], name="delivery_unique_email")
        ]
        indexes = [
            models.Index(fields=["campaign", "status", "id"], name="delivery_queue"),
            # A person's newest emails (their timeline), read from the index.
            models.Index(fields=["person", "-sent_at", "-id"], name="delivery_person_recent"),
        ]

    def __str__(self):
        return f"{self.campaign_id} → {self.email} ({self.status})"
