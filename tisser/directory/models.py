"""The contacts base: organisations, people, their affiliations and consents.

One organisation is one row whichever door it came in by: services de-duplicate by
SIRET, then by normalised name + commune (`Organisation.match_key`). Every write goes
through `services.py`, which also records an `OrganisationRevision`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tisser.territories.models import Commune


class Category(models.Model):
    """A theme of the network's taxonomy (alimentation, tiers-lieux, insertion…)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    color = models.CharField(_("colour"), max_length=7, default="#2f6f4f")
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name


class LegalForm(models.TextChoices):
    ASSOCIATION = "association", _("Association")
    SCOP = "scop", _("SCOP")
    SCIC = "scic", _("SCIC")
    COOPERATIVE = "cooperative", _("Other cooperative")
    MUTUELLE = "mutuelle", _("Mutual society")
    FONDATION = "fondation", _("Foundation")
    ESUS = "esus", _("ESUS company")
    SIAE = "siae", _("SIAE (work integration)")
    EA = "ea", _("Adapted company (EA)")
    ESAT = "esat", _("ESAT")
    COLLECTIVITE = "collectivite", _("Local authority")
    COMPANY = "entreprise", _("Other company")
    OTHER = "autre", _("Other")


class WorkforceBand(models.TextChoices):
    NONE = "0", _("No employee")
    TINY = "1-2", _("1 to 2")
    SMALL = "3-9", _("3 to 9")
    MEDIUM = "10-49", _("10 to 49")
    LARGE = "50-249", _("50 to 249")
    HUGE = "250+", _("250 or more")


class GeoPrecision(models.TextChoices):
    NONE = "", _("Not located")
    MUNICIPALITY = "municipality", _("Commune centre")
    STREET = "street", _("Street")
    HOUSENUMBER = "housenumber", _("Exact address")
    MANUAL = "manual", _("Placed by hand")


class Organisation(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    legal_form = models.CharField(
        _("legal form"), max_length=20, choices=LegalForm.choices, blank=True, default=""
    )
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, default="")
    address = models.CharField(_("address"), max_length=250, blank=True, default="")
    postcode = models.CharField(_("postcode"), max_length=5, blank=True, default="")
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    geo_precision = models.CharField(
        _("location precision"),
        max_length=16,
        choices=GeoPrecision.choices,
        blank=True,
        default="",
    )
    geocoded_at = models.DateTimeField(_("located on"), null=True, blank=True)
    website = models.URLField(_("website"), blank=True, default="")
    email = models.EmailField(_("public email"), blank=True, default="")
    phone = models.CharField(_("public phone"), max_length=30, blank=True, default="")
    categories = models.ManyToManyField(
        Category, verbose_name=_("categories"), blank=True, related_name="organisations"
    )
    description = models.TextField(_("description"), blank=True, default="")
    logo = models.ImageField(_("logo"), upload_to="logos/%Y/", blank=True, default="")
    workforce = models.CharField(
        _("workforce"), max_length=8, choices=WorkforceBand.choices, blank=True, default=""
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PUBLISHED
    )
    is_member = models.BooleanField(
        _("member of the network"),
        default=False,
        help_text=_("Kept up to date by the memberships module."),
    )
    match_key = models.CharField(max_length=250, db_index=True, editable=False, default="")
    search_text = models.TextField(editable=False, default="")
    # The public filters as words of the full-text index (indexing.filter_tags_for).
    filter_tags = models.TextField(editable=False, default="")
    # The map's point as JSON pieces, written at save (indexing.map_point_for,
    # indexing.map_colour_for): the database only joins them (map_queries.points).
    map_point = models.TextField(editable=False, default="")
    map_colour = models.CharField(max_length=40, editable=False, default='""')
    # Grid cells the public map groups by at low zoom (filled by indexing.map_cells).
    map_cell_6 = models.IntegerField(null=True, blank=True, editable=False)
    map_cell_8 = models.IntegerField(null=True, blank=True, editable=False)
    map_cell_10 = models.IntegerField(null=True, blank=True, editable=False)
    map_cell_12 = models.IntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["siret"], condition=~Q(siret=""), name="organisation_unique_siret"
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="organisation_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="organisation_longitude_range",
            ),
        ]
        indexes = [
            # Covering for the map's points (a city): the bbox and every column a point
            # sends (its JSON pieces written at save), so no row of the table is read.
            models.Index(
                fields=[
                    "status",
                    "latitude",
                    "longitude",
                    "is_member",
                    "slug",
                    "map_colour",
                    "map_point",
                ],
                name="org_map_points",
            ),
            # A dense city view counts and groups up to 9,000 positions: read from this
            # narrow index rather than org_map_points (its JSON text), ~20 % less on SQLite.
            models.Index(fields=["status", "latitude", "longitude"], name="org_map_positions"),
            # Staff lists are alphabetical: without it every page sorts the whole table.
            models.Index(fields=["name", "id"], name="organisation_name"),
            # Covering indexes: the map's GROUP BY reads the index alone.
            models.Index(
                fields=["status", "map_cell_6", "latitude", "longitude", "is_member"],
                name="org_map_cell_6",
            ),
            models.Index(
                fields=["status", "map_cell_8", "latitude", "longitude", "is_member"],
                name="org_map_cell_8",
            ),
            models.Index(
                fields=["status", "map_cell_10", "latitude", "longitude", "is_member"],
                name="org_map_cell_10",
            ),
            models.Index(
                fields=["status", "map_cell_12", "latitude", "longitude", "is_member"],
                name="org_map_cell_12",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def siren(self) -> str:
        return self.siret[:9]


class OrganisationTag(models.Model):
    """One word of a published organisation's `filter_tags` (PostgreSQL only).

    Filled by a trigger on the organisation table (migration 0018), so COPY, `update()`
    and saves all keep it in step. Its primary key orders each tag's organisations by
    id, so the API's filtered pages are a merge of two index-only lists, read up to the
    page and no further, instead of a scan of every match (see docs/decisions.md)."""

    derived_rows = True  # rebuilt by the trigger: backups leave it out (core.backup)

    pk = models.CompositePrimaryKey("tag", "organisation")
    tag = models.CharField(max_length=40)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )

    def __str__(self):
        return self.tag


class OrganisationRevision(models.Model):
    """One change to an organisation: who, when, through which door, and what changed."""

    class Source(models.TextChoices):
        STAFF = "staff", _("Staff")
        REPRESENTATIVE = "representative", _("Representative")
        PROPOSAL = "proposal", _("Accepted proposal")
        IMPORT = "import", _("Import")
        MERGE = "merge", _("Merge")
        SYSTEM = "system", _("System")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="revisions"
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    changes = models.JSONField(_("changes"), default=dict)
    note = models.CharField(_("note"), max_length=300, blank=True, default="")
    #: a note written by the system is stored as a code and its values, and translated when
    #: shown (in the reader's language); `note` holds what people typed, and older notes
    note_code = models.CharField(_("note code"), max_length=30, blank=True, default="")
    note_params = models.JSONField(_("note values"), default=dict, blank=True)

    #: the system's notes, by code; each takes the named values of `note_params`
    NOTES = {
        "geocoded": _("Geocoding: %(label)s"),
        "merged": _("Merged with “%(name)s”"),
    }

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")

    def __str__(self):
        return f"{self.organisation} · {self.get_source_display()} · {self.at:%Y-%m-%d %H:%M}"

    @property
    def display_note(self) -> str:
        """The note in the current language: the coded part translated now, then any text."""
        parts = []
        wording = self.NOTES.get(self.note_code)
        if wording is not None:
            try:
                parts.append(str(wording) % self.note_params)
            except (KeyError, TypeError, ValueError):
                parts.append(str(wording))
        if self.note:
            parts.append(self.note)
        return " — ".join(parts)


from .models_people import (  # noqa: E402,F401
    Affiliation,
    AffiliationQuerySet,
    Consent,
    MergedPerson,
    Person,
    PersonEvent,
)
from .models_proposals import Proposal  # noqa: E402,F401
from .models_segments import Segment  # noqa: E402,F401
