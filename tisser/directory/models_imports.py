"""The base of the import jobs not yet on the core engine (HelloAsso payments).

The organisations' and subscribers' imports run on `tisser.core.imports` (one job table).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportJobBase(models.Model):
    """What every import job shares (the directory's, and other apps' imports): its steps,
    who started it when, and the progress the page polls."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking the rows")
        CHECKED = "checked", _("Checked, waiting for confirmation")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    filename = models.CharField(_("file name"), max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CHECKED
    )
    total = models.PositiveIntegerField(_("rows"), default=0)
    done = models.PositiveIntegerField(_("rows done"), default=0)
    message = models.TextField(_("message"), blank=True, default="")
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}

    @property
    def in_progress(self) -> bool:
        """Checking or committing: the page polls for progress."""
        return self.status in {self.Status.CHECKING, self.Status.QUEUED, self.Status.RUNNING}
