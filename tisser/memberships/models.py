"""Data and invariants of the memberships app (DESIGN.md).

A membership is one organisation for one year. "Lapsed" is not stored: an organisation
is a member on a day when it has a validated membership for the year containing that day.
`directory.Organisation.is_member` is a cache of that, kept by `services`.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tisser.directory.models import LegalForm, Organisation, Person, WorkforceBand


class MembershipYear(models.Model):
    """A membership period; the calendar year unless the network says otherwise."""

    year = models.PositiveIntegerField(_("year"), unique=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        ordering = ["-year"]
        verbose_name = _("membership year")
        verbose_name_plural = _("membership years")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="membershipyear_ends_after_start",
            )
        ]

    def __str__(self):
        return str(self.year)

    def save(self, *args, **kwargs):
        if self.starts_on is None:
            self.starts_on = datetime.date(self.year, 1, 1)
        if self.ends_on is None:
            self.ends_on = datetime.date(self.year, 12, 31)
        super().save(*args, **kwargs)

    def contains(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on


class College(models.Model):
    """A kind of member; governance may weigh its votes."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True, default="")
    vote_weight = models.PositiveIntegerField(_("vote weight"), default=1)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("college")
        verbose_name_plural = _("colleges")
        constraints = [
            models.CheckConstraint(condition=Q(vote_weight__gte=1), name="college_weight_min_1")
        ]

    def __str__(self):
        return self.name


class FeeRule(models.Model):
    """One line of a year's fee schedule.

    Blank legal form or workforce band = any. The most specific matching rule wins
    (`queries.fee_for`). `allows_free_amount`: the member chooses, at least `amount`.
    """

    year = models.ForeignKey(
        MembershipYear, verbose_name=_("year"), on_delete=models.CASCADE, related_name="fees"
    )
    label = models.CharField(_("label"), max_length=150)
    legal_form = models.CharField(
        _("legal form"), max_length=20, choices=LegalForm.choices, blank=True, default=""
    )
    workforce = models.CharField(
        _("workforce"), max_length=8, choices=WorkforceBand.choices, blank=True, default=""
    )
    college = models.ForeignKey(
        College,
        verbose_name=_("college"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="fees",
    )
    amount = models.DecimalField(_("amount (€)"), max_digits=9, decimal_places=2)
    allows_free_amount = models.BooleanField(
        _("free amount allowed"),
        default=False,
        help_text=_("The member chooses the amount; the amount above is the minimum."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["year", "order", "amount"]
        verbose_name = _("fee rule")
        verbose_name_plural = _("fee rules")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="feerule_amount_positive")
        ]

    def __str__(self):
        return f"{self.year} · {self.label}"


class Membership(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        VALIDATED = "validated", _("Validated")
        CANCELLED = "cancelled", pgettext_lazy("membership status", "Cancelled")

    class Source(models.TextChoices):
        FORM = "form", _("Online form")
        STAFF = "staff", _("Staff")
        HELLOASSO = "helloasso", _("HelloAsso")
        IMPORT = "import", _("Import")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    year = models.ForeignKey(
        MembershipYear,
        verbose_name=_("year"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    college = models.ForeignKey(
        College,
        verbose_name=_("college"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    amount_due = models.DecimalField(_("amount due (€)"), max_digits=9, decimal_places=2, default=0)
    fee_rule = models.ForeignKey(
        FeeRule,
        verbose_name=_("fee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
    )
    representative = models.ForeignKey(
        Person,
        verbose_name=_("representative"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships_represented",
    )
    source = models.CharField(
        _("source"), max_length=12, choices=Source.choices, default=Source.STAFF
    )
    note = models.TextField(_("note"), blank=True, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    validated_at = models.DateTimeField(_("validated on"), null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("validated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-year__year", "organisation__name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"],
                condition=~Q(status="cancelled"),
                name="membership_one_per_org_year",
            ),
            models.CheckConstraint(condition=Q(amount_due__gte=0), name="membership_due_pos"),
        ]
        indexes = [
            models.Index(fields=["year", "status"], name="membership_year_status"),
            # Segments ("member in a year"): a year's validated organisations, index only.
            models.Index(
                fields=["year", "organisation"],
                condition=Q(status="validated"),
                name="membership_validated",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} · {self.year}"

    @property
    def is_validated(self) -> bool:
        return self.status == self.Status.VALIDATED


class Payment(models.Model):
    class Method(models.TextChoices):
        CHEQUE = "cheque", _("Cheque")
        TRANSFER = "transfer", _("Bank transfer")
        CASH = "cash", _("Cash")
        CARD = "card", _("Card")
        HELLOASSO = "helloasso", _("HelloAsso")

    membership = models.ForeignKey(
        Membership,
        verbose_name=_("membership"),
        on_delete=models.CASCADE,
        related_name="payments",
    )
    amount = models.DecimalField(_("amount (€)"), max_digits=9, decimal_places=2)
    method = models.CharField(_("method"), max_length=12, choices=Method.choices)
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("reference"), max_length=100, blank=True, default="")
    external_id = models.CharField(
        _("HelloAsso payment id"), max_length=64, unique=True, null=True, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(pgettext_lazy("payment", "recorded"), auto_now_add=True)
    refunded_on = models.DateField(_("refunded on"), null=True, blank=True)

    class Meta:
        ordering = ["-paid_on", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive")
        ]

    def __str__(self):
        return f"{self.membership} · {self.amount} € · {self.get_method_display()}"


class Reminder(models.Model):
    """A renewal reminder sent: the unique key makes "never twice the same" hold."""

    class Kind(models.TextChoices):
        BEFORE_END = "before_end", _("Before the year ends")
        LAPSED = "lapsed", _("After the membership lapsed")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="membership_reminders"
    )
    year = models.ForeignKey(MembershipYear, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    email = models.EmailField(_("sent to"))
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("renewal reminder")
        verbose_name_plural = _("renewal reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "kind"], name="reminder_once_per_kind"
            )
        ]

    def __str__(self):
        return f"{self.organisation} · {self.year} · {self.get_kind_display()}"


class RefusedNotification(models.Model):
    """A notification HelloAsso signed but Tisser could not use (an unexpected shape):
    answered 400 and kept with the reason, so that staff see it on the HelloAsso page and
    record the payment by hand if need be. Forged notifications are never kept."""

    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    reason = models.TextField(_("reason"))
    body = models.BinaryField(_("raw body"))

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("refused HelloAsso notification")
        verbose_name_plural = _("refused HelloAsso notifications")

    def __str__(self):
        return f"{self.received_at:%Y-%m-%d %H:%M} · {self.reason[:60]}"

    @property
    def body_text(self) -> str:
        """The body as text to read (a NUL byte shown as ␀)."""
        return bytes(self.body).decode("utf-8", "replace").replace("\x00", "\u2400")
