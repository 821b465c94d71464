"""A HelloAsso CSV import: the file, its checked preview, then the commit in the worker."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tisser.directory.models import ImportJobBase


class PaymentImport(ImportJobBase):
    """One uploaded export; `report` is the preview, `done`/`total` the live progress."""

    raw = models.BinaryField(_("file"))
    report = models.JSONField(_("check report"), default=dict)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    result = models.JSONField(_("result"), default=dict)

    class Meta(ImportJobBase.Meta):
        verbose_name = _("HelloAsso import")
        verbose_name_plural = _("HelloAsso imports")

    @property
    def can_confirm(self) -> bool:
        return self.status == self.Status.CHECKED and self.report.get("ok", False)
