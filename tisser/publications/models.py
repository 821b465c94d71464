"""Data and invariants of the publications app: lists, subscriptions, the suppression list,
articles and resources. Newsletters, campaigns and deliveries live in `models_sending.py`.

Subscribers are `directory.Person` rows (one per address, found or created through the
directory's services); what they agreed to is a `directory.Consent` (when, how, which
wording) that each subscription points to.
"""

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tisser.directory.models import Consent, Person


class MailingList(models.Model):
    """A list people subscribe to: the monthly Infolettre, the quarterly letter…"""

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True, default="")
    consent_wording = models.TextField(
        _("consent wording"),
        help_text=_("The sentence a person agrees to when subscribing; kept with each consent."),
    )
    footer_note = models.CharField(
        _("footer note"),
        max_length=200,
        blank=True,
        default="",
        help_text=_("Why the recipient gets this email, e.g. “subscribed to the Infolettre”."),
    )
    is_public = models.BooleanField(_("offered on the signup form"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("mailing list")
        verbose_name_plural = _("mailing lists")

    def __str__(self):
        return self.name


class Subscription(models.Model):
    """One person on one list. Pending until the double opt-in link is followed."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        ACTIVE = "active", _("Subscribed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")

    class Origin(models.TextChoices):
        FORM = "form", _("Signup form")
        STAFF = "staff", _("Added by staff")
        BREVO = "brevo", _("Brevo import")
        MAILCHIMP = "mailchimp", _("Mailchimp import")

    # No index of their own: the unique (person, list) pair and the (list, status) index
    # begin with them and serve their look-ups; an import wrote both 100,000 times more.
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="subscriptions", db_index=False
    )
    mailing_list = models.ForeignKey(
        MailingList, on_delete=models.CASCADE, related_name="subscriptions", db_index=False
    )
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.PENDING
    )
    origin = models.CharField(_("origin"), max_length=12, choices=Origin.choices)
    origin_detail = models.CharField(
        _("origin detail"),
        max_length=300,
        blank=True,
        default="",
        help_text=_("What the source said about this address (e.g. the export's opt-in data)."),
    )
    consent = models.ForeignKey(
        Consent, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("creation date"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "mailing_list"], name="subscription_unique_person_list"
            )
        ]
        indexes = [models.Index(fields=["mailing_list", "status"])]

    def __str__(self):
        return f"{self.person} · {self.mailing_list} · {self.get_status_display()}"


class Suppression(models.Model):
    """An address never to write to again (hard bounce, complaint, global opt-out).

    Checked when a campaign is prepared and again just before each batch is sent; no
    import or signup removes a row (only staff, explicitly).
    """

    class Reason(models.TextChoices):
        HARD_BOUNCE = "hard_bounce", _("Hard bounce")
        COMPLAINT = "complaint", _("Spam complaint")
        UNSUBSCRIBED = "unsubscribed", _("Asked to receive nothing")
        MANUAL = "manual", _("Added by staff")

    email = models.EmailField(_("email"), unique=True)
    reason = models.CharField(_("reason"), max_length=14, choices=Reason.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True, default="")
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")

    def __str__(self):
        return f"{self.email} ({self.get_reason_display()})"


class Rubric(models.Model):
    """A heading articles are filed under (À la une, Vie de réseau…)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")

    def __str__(self):
        return self.name


class PublishedQuerySet(models.QuerySet):
    def published(self, now=None):
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=now or timezone.now())


class Article(models.Model):
    """A news item. Scheduled: status "scheduled" with a future date, published by a task."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=250)
    slug = models.SlugField(_("slug"), max_length=250, unique=True)
    rubric = models.ForeignKey(
        Rubric, verbose_name=_("rubric"), on_delete=models.PROTECT, related_name="articles"
    )
    summary = models.TextField(_("summary"), blank=True, default="")
    body = models.TextField(_("text"), blank=True, default="", help_text=_("Sanitised HTML."))
    author = models.CharField(_("author"), max_length=150, blank=True, default="")
    image = models.ImageField(_("image"), upload_to="articles/%Y/", blank=True, default="")
    image_alt = models.CharField(_("image description (alt text)"), max_length=250, blank=True)
    link_url = models.URLField(_("external link"), blank=True, default="")
    link_label = models.CharField(_("link label"), max_length=120, blank=True, default="")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("publication date"), null=True, blank=True)
    created_at = models.DateTimeField(_("creation date"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [models.Index(fields=["status", "published_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("publications:article", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )


class ResourceCategory(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("resource category")
        verbose_name_plural = _("resource categories")

    def __str__(self):
        return self.name


class Resource(models.Model):
    """A guide, report, poster, MOOC link or file; some are for members only."""

    class Kind(models.TextChoices):
        GUIDE = "guide", _("Guide")
        REPORT = "report", pgettext_lazy("resource", "Report")
        POSTER = "poster", _("Poster")
        MOOC = "mooc", _("Online course")
        TOOL = "tool", _("Tool")
        OTHER = "other", _("Other")

    title = models.CharField(_("title"), max_length=250)
    slug = models.SlugField(_("slug"), max_length=250, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.GUIDE)
    category = models.ForeignKey(
        ResourceCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="resources",
    )
    description = models.TextField(_("description"), blank=True, default="")
    file = models.FileField(_("file"), upload_to="resources/%Y/", blank=True, default="")
    url = models.URLField(_("link"), blank=True, default="")
    members_only = models.BooleanField(_("members only"), default=False)
    is_published = models.BooleanField(_("published"), default=True)
    published_at = models.DateTimeField(_("publication date"), default=timezone.now)
    search_text = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["-published_at", "title"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("publications:resource", kwargs={"slug": self.slug})


from .models_sending import Block, Campaign, Delivery, Newsletter, SentIssue  # noqa: E402,F401
from .models_service import ServiceDelivery, ServiceMessage  # noqa: E402,F401
from .models_signup import SignupAttempt  # noqa: E402,F401
