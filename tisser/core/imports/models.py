"""Import jobs of every app: one table for the steps, progress, file and report of each.

The uploaded file is stored in the database in chunks (`ImportChunk`): web and worker may
run on different machines and share only the database, and no step ever needs the whole
file in memory. A domain's own data (the mailing list, a category mapping) is kept in
`options`; its counts in `counts`.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ImportJob(models.Model):
    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking the rows")
        CHECKED = "checked", _("Checked, waiting for confirmation")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        INTERRUPTED = "interrupted", _("Interrupted")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    filename = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    options = models.JSONField(_("options"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(pgettext_lazy("import", "created"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.CHECKING
    )
    total = models.PositiveIntegerField(_("rows"), default=0)
    checked = models.PositiveIntegerField(_("rows checked"), default=0)
    done = models.PositiveIntegerField(_("rows done"), default=0)
    # The file line of the last committed row: a restart resumes below it.
    line_reached = models.PositiveIntegerField(_("line reached"), default=0)
    preview = models.JSONField(_("preview"), default=list, blank=True)
    errors = models.JSONField(_("rows with errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True, default="")
    # Bumped by each claim of the run: a worker thought dead, still writing after a
    # restart, finds its batches refused (only the latest attempt may commit).
    attempt = models.PositiveIntegerField(_("attempt"), default=0)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED, self.Status.CANCELLED}

    @property
    def in_progress(self) -> bool:
        """Checking or committing: the page polls for progress."""
        return self.status in {self.Status.CHECKING, self.Status.QUEUED, self.Status.RUNNING}

    @property
    def can_confirm(self) -> bool:
        return self.status == self.Status.CHECKED and not self.error_count and self.total > 0

    @property
    def can_cancel(self) -> bool:
        return self.status in {
            self.Status.CHECKING,
            self.Status.CHECKED,
            self.Status.QUEUED,
            self.Status.INTERRUPTED,
        }

    @property
    def can_restart(self) -> bool:
        return self.status == self.Status.INTERRUPTED


class ImportChunk(models.Model):
    """One piece (at most `CHUNK_BYTES`) of an uploaded file, in order."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="chunks")
    seq = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        ordering = ["job", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["job", "seq"], name="core_import_chunk_once")
        ]

    def __str__(self):
        return f"{self.job_id}#{self.seq}"
