"""Data and invariants of the observatory app (DESIGN.md).

An `Indicator` is a statistical series (household waste, ESS jobs…) with its unit, source
and licence; its `IndicatorValue`s are one number per territory (level + INSEE code) and
year. Live indicators computed from Tisser's own data are not stored (see `live.py`).
`SupplierProfile` adds to a directory organisation what public buyers search on (NAF code,
statuses for reserved contracts); `Shortlist` is a buyer's saved selection of suppliers.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tisser.directory.models import Organisation


class Level(models.TextChoices):
    REGION = "region", _("Région")
    DEPARTEMENT = "departement", _("Département")
    EPCI = "epci", _("Intercommunality")
    COMMUNE = "commune", _("Commune")


class Theme(models.TextChoices):
    WASTE = "waste", _("Waste")
    EMPLOYMENT = "employment", _("Employment")
    ESS = "ess", _("Social and solidarity economy")
    POPULATION = "population", _("Population")
    ENVIRONMENT = "environment", _("Environment")
    OTHER = "other", _("Other")


class Indicator(models.Model):
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=200)
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices, default=Theme.OTHER)
    unit = models.CharField(_("unit"), max_length=50, blank=True, default="")
    source = models.CharField(_("source"), max_length=300, blank=True, default="")
    licence = models.CharField(_("licence"), max_length=200, blank=True, default="")
    description = models.TextField(_("description"), blank=True, default="")
    decimals = models.PositiveSmallIntegerField(_("decimals shown"), default=1)
    is_demo = models.BooleanField(
        _("demo data"), default=False, help_text=_("Synthetic values, shown with a warning.")
    )
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["theme", "name"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self):
        return self.name


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    code = models.CharField(_("INSEE code"), max_length=9)
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.FloatField(_("value"))

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "level", "year", "code"], name="indicator_value_unique"
            )
        ]
        # The unique constraint's index serves the map: one indicator, level and year.
        indexes = [models.Index(fields=["level", "code"], name="indicator_value_territory")]

    def __str__(self):
        return f"{self.indicator} · {self.level} {self.code} · {self.year}: {self.value}"


class SupplierProfile(models.Model):
    """What public buyers look for in a supplier, beside its directory entry."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="supplier_profile"
    )
    naf_code = models.CharField(
        _("NAF code"),
        max_length=6,
        blank=True,
        default="",
        db_index=True,
        help_text=_("Main activity, e.g. 38.11Z."),
    )
    is_siae = models.BooleanField(_("SIAE (work integration)"), default=False)
    is_ea = models.BooleanField(_("Adapted company (EA)"), default=False)
    is_esat = models.BooleanField(_("ESAT"), default=False)
    is_esus = models.BooleanField(_("ESUS approval"), default=False)
    is_ess = models.BooleanField(_("ESS company (Sirene)"), default=False)
    offer = models.TextField(_("what it offers to buyers"), blank=True, default="")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("supplier profile")
        verbose_name_plural = _("supplier profiles")

    def __str__(self):
        return str(self.organisation)

    @property
    def reserved_contracts(self) -> bool:
        """Eligible to contracts reserved by the public procurement code (L2113-12 to -15)."""
        return self.is_siae or self.is_ea or self.is_esat or self.is_esus


class Shortlist(models.Model):
    """A buyer's saved selection of suppliers, shared by a signed link."""

    name = models.CharField(_("name"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="shortlists",
    )
    query = models.CharField(_("search"), max_length=1000, blank=True, default="")
    organisations = models.ManyToManyField(Organisation, related_name="+", blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("shortlist")
        verbose_name_plural = _("shortlists")
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="shortlist_named")]

    def __str__(self):
        return self.name


class ShortlistInvitation(models.Model):
    """The suppliers of a shortlist invited (by email, to their public address) to an
    event of the agenda — a sourcing day where buyers meet them."""

    shortlist = models.ForeignKey(Shortlist, on_delete=models.CASCADE, related_name="invitations")
    event = models.ForeignKey(
        "events.Event", on_delete=models.CASCADE, related_name="shortlist_invitations"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    recipients = models.PositiveIntegerField(_("suppliers invited"), default=0)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("invitation of a shortlist")
        verbose_name_plural = _("invitations of shortlists")

    def __str__(self):
        return f"{self.shortlist} → {self.event}"
