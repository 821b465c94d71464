"""Core's one table: the images put into texts with the rich-text editor."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EditorImage(models.Model):
    """An image uploaded from the editor, already resized and re-encoded (`core.uploads`).

    Kept as a row so that uploads can be counted per person (a daily limit) and found
    again by whoever cleans the media folder."""

    file = models.ImageField(_("file"), upload_to="textes/%Y/%m/", max_length=200)
    alt = models.CharField(_("alternative text"), max_length=300, blank=True, default="")
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("image in a text")
        verbose_name_plural = _("images in texts")

    def __str__(self):
        return self.file.name


from .imports.models import ImportChunk, ImportJob  # noqa: E402,F401
