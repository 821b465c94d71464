"""People and their links: contacts, merged numbers, history of their data, their
affiliations to organisations, and the consents they gave."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Organisation


class Person(models.Model):
    """A contact. Email and phone are private: never shown to the public."""

    first_name = models.CharField(_("first name"), max_length=100, blank=True, default="")
    last_name = models.CharField(_("last name"), max_length=100, blank=True, default="")
    email = models.EmailField(_("email"), blank=True, default="")
    phone = models.CharField(_("phone"), max_length=30, blank=True, default="")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    organisations = models.ManyToManyField(
        Organisation,
        through="Affiliation",
        through_fields=("person", "organisation"),
        related_name="people",
        blank=True,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    #: set when the person's data was erased (GDPR): the row stays so links to it hold
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True)
    # Matching keys beyond the email (people_keys): kept by save(), filled by bulk writers.
    name_key = models.CharField(max_length=200, editable=False, default="")
    phone_key = models.CharField(max_length=20, editable=False, default="")

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                fields=["email"], condition=~Q(email=""), name="person_unique_email"
            )
        ]
        indexes = [
            # Duplicates: the same folded name, then the same phone (one index serves both).
            models.Index(fields=["name_key", "phone_key"], name="person_match_keys"),
            # Lookups by address, the empty ones included (the unique index leaves them
            # out). Declared here, not with `db_index`, which on PostgreSQL adds a second
            # index for `LIKE 'prefix%'` that no query makes and every import pays for.
            models.Index(fields=["email"], name="person_email"),
        ]

    def __str__(self):
        if self.erased_at:
            return str(_("Erased person #%(id)s") % {"id": self.pk})
        return f"{self.first_name} {self.last_name}".strip() or self.email

    def save(self, *args, **kwargs):
        """Keep the matching keys in step with the name and phone they are made of."""
        from .people_keys import person_keys

        keys = person_keys(first_name=self.first_name, last_name=self.last_name, phone=self.phone)
        self.name_key, self.phone_key = keys["name_key"], keys["phone_key"]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"first_name", "last_name", "phone"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "name_key", "phone_key"}
        super().save(*args, **kwargs)


class MergedPerson(models.Model):
    """The number of a person merged into another: their old links lead to the kept one."""

    old_id = models.PositiveBigIntegerField(_("former number"), unique=True)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="merged_aliases")
    merged_at = models.DateTimeField(_("merged on"), auto_now_add=True)

    class Meta:
        verbose_name = _("merged person")
        verbose_name_plural = _("merged people")

    def __str__(self):
        return f"#{self.old_id} → {self.person_id}"


class PersonEvent(models.Model):
    """What was done to a person's data and by whom: kept after erasure, with no name."""

    class Action(models.TextChoices):
        EXPORTED = "exported", _("Data exported")
        ERASED = "erased", _("Data erased")
        MERGED = "merged", _("Merged with a duplicate")
        EDITED = "edited", _("Details changed")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("when"), auto_now_add=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    #: what a merge moved and which fields it filled, or which fields an edit changed
    #: (their names only: no value to erase later)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("person history entry")
        verbose_name_plural = _("person history entries")

    def __str__(self):
        return f"{self.get_action_display()} {self.at:%Y-%m-%d}"


class AffiliationQuerySet(models.QuerySet):
    """Rights read `verified()` and `representatives()`; a claim gives none."""

    def verified(self):
        """Links staff or a verified representative confirmed (rights follow these only)."""
        return self.filter(status=Affiliation.Status.VERIFIED)

    def representatives(self):
        """Verified representatives: who edits the entry, renews, is convened and votes."""
        return self.filter(status=Affiliation.Status.VERIFIED, is_representative=True)

    def pending_claims(self):
        """Claims waiting for a decision: a claimed link, or a verified one asking to represent."""
        return self.filter(
            Q(status=Affiliation.Status.CLAIMED)
            | Q(status=Affiliation.Status.VERIFIED, claims_representation=True)
        )


class Affiliation(models.Model):
    """A person's link to an organisation, and how it was established.

    A public form, a payment, a registration or an import only *claims* a link (status
    CLAIMED, with its evidence); staff, or a verified representative of the organisation,
    make it VERIFIED (`reviewed_*`). Every right reads verified links only: see
    `AffiliationQuerySet` and `directory/claims.py`, which owns the life cycle.
    """

    class Status(models.TextChoices):
        CLAIMED = "claimed", _("Claimed, waiting for confirmation")
        VERIFIED = "verified", _("Verified")
        REFUSED = "refused", _("Refused")

    class Source(models.TextChoices):
        STAFF = "staff", _("Staff")
        MEMBERSHIP_FORM = "membership_form", _("Membership form")
        PAYMENT = "payment", _("Online payment")
        REGISTRATION = "registration", _("Event registration")
        IMPORT = "import", _("Import")
        DEMO = "demo", _("Demonstration data")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="affiliations")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="affiliations"
    )
    role = models.CharField(_("role"), max_length=100, blank=True, default="")
    #: a *verified* representative (the database refuses it on a link that is not verified)
    is_representative = models.BooleanField(_("representative"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.VERIFIED
    )
    #: the person asks to represent the organisation (waiting for a decision)
    claims_representation = models.BooleanField(_("asks to represent"), default=False)
    source = models.CharField(
        _("established through"), max_length=20, choices=Source.choices, default=Source.STAFF
    )
    # The evidence of the last claim: when, from which address, through which form.
    claimed_at = models.DateTimeField(_("claimed on"), null=True, blank=True)
    claim_email = models.EmailField(_("claimed from the address"), blank=True, default="")
    claim_detail = models.CharField(_("claimed through"), max_length=200, blank=True, default="")
    claim_language = models.CharField(_("language"), max_length=8, blank=True, default="")
    #: changes with each claim, so that the links of an earlier one stop working
    claim_nonce = models.CharField(max_length=16, blank=True, default="", editable=False)
    reviewed_at = models.DateTimeField(_("reviewed on"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    #: the verified representative who decided through an emailed link
    reviewed_by_person = models.ForeignKey(
        Person,
        verbose_name=_("reviewed by the representative"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = AffiliationQuerySet.as_manager()

    class Meta:
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organisation"], name="affiliation_unique_person_org"
            ),
            models.CheckConstraint(
                condition=Q(is_representative=False) | Q(status="verified"),
                name="affiliation_representative_verified",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "claimed_at"], name="affiliation_claims"),
            # An organisation's timeline: its newest links first, a page of them.
            models.Index(fields=["organisation", "-created_at"], name="affiliation_org_recent"),
        ]

    def __str__(self):
        return f"{self.person} — {self.organisation}"

    @property
    def is_verified(self) -> bool:
        return self.status == self.Status.VERIFIED

    @property
    def is_pending(self) -> bool:
        """A decision is awaited (the link itself, or the representation it asks for)."""
        return self.status == self.Status.CLAIMED or (
            self.status == self.Status.VERIFIED and self.claims_representation
        )


class Consent(models.Model):
    """What a person agreed to, when, how, and the wording they saw."""

    class Purpose(models.TextChoices):
        CONTACT = "contact", _("Being contacted by the network")
        NEWSLETTER = "newsletter", _("Receiving newsletters")
        DIRECTORY = "directory", _("Appearing in the directory")
        PHOTOS = "photos", _("Photos and images")

    class Method(models.TextChoices):
        WEB_FORM = "web_form", _("Web form")
        IMPORT = "import", _("Import")
        PAPER = "paper", _("Paper form")
        EMAIL = "email", _("Email")
        ORAL = "oral", _("Oral, recorded by staff")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    given = models.BooleanField(_("given"), default=True)
    at = models.DateTimeField(_("when"))
    method = models.CharField(_("how"), max_length=20, choices=Method.choices)
    wording = models.TextField(_("wording shown"), blank=True, default="")
    source = models.CharField(_("source"), max_length=200, blank=True, default="")

    class Meta:
        ordering = ["-at"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self):
        return f"{self.person} · {self.get_purpose_display()} · {self.given}"
