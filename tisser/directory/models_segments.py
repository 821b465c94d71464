"""A saved segment: a named set of conditions on people (see `segments.py`)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Segment(models.Model):
    """Named conditions staff reuse: to look at, export, or narrow a send. The conditions
    are stored as the checked JSON tree (`segments.parse`) and compiled on each use, so a
    segment always reflects today's data."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    conditions = models.JSONField(_("conditions"))
    description = models.CharField(_("in words"), max_length=1000, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("segment")
        verbose_name_plural = _("segments")

    def __str__(self):
        return self.name
