"""French administrative territories: régions, départements, EPCI, communes.

Codes are INSEE's (SIREN for EPCI). Centroids are WGS84 degrees. Outlines, where known,
are GeoJSON geometries stored as text: the map reads them as they are. `search_name` is
`tisser.core.text.fold(name)`, kept by the services that write these rows.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    search_name = models.CharField(max_length=100, db_index=True, editable=False, default="")
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    outline = models.TextField(_("outline (GeoJSON)"), blank=True, default="")

    class Meta:
        ordering = ["name"]
        verbose_name = _("région")
        verbose_name_plural = _("régions")

    def __str__(self):
        return self.name


class Departement(models.Model):
    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    search_name = models.CharField(max_length=100, db_index=True, editable=False, default="")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    outline = models.TextField(_("outline (GeoJSON)"), blank=True, default="")

    class Meta:
        ordering = ["code"]
        verbose_name = _("département")
        verbose_name_plural = _("départements")

    def __str__(self):
        return f"{self.name} ({self.code})"


class Epci(models.Model):
    code = models.CharField(_("SIREN"), max_length=9, primary_key=True)
    name = models.CharField(_("name"), max_length=200)
    search_name = models.CharField(max_length=200, db_index=True, editable=False, default="")
    kind = models.CharField(_("kind"), max_length=10, blank=True, default="")
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("EPCI")
        verbose_name_plural = _("EPCI")

    def __str__(self):
        return self.name


class Commune(models.Model):
    code = models.CharField(_("INSEE code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    search_name = models.CharField(max_length=100, db_index=True, editable=False)
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="communes")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="communes")
    epci = models.ForeignKey(
        Epci, on_delete=models.SET_NULL, null=True, blank=True, related_name="communes"
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    postcodes = models.CharField(_("postcodes"), max_length=200, blank=True, default="")
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    outline = models.TextField(_("outline (GeoJSON)"), blank=True, default="")
    # Set when the official geo API last refreshed this row: `load_territories` then
    # leaves it alone, since the shipped files are older (see services.py).
    refreshed_at = models.DateTimeField(_("refreshed from the geo API"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")

    def __str__(self):
        return f"{self.name} ({self.departement_id})"

    @property
    def postcode_list(self) -> list[str]:
        return [p for p in self.postcodes.split(",") if p]
