"""Subscriber import jobs: a Brevo/Mailchimp export checked, previewed, then committed in
the task queue. The file's text is kept on the job, so the worker needs only the database."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tisser.directory.models import ImportJob


class SubscriberImport(models.Model):
    Status = ImportJob.Status  # the same steps as the directory's import

    filename = models.CharField(_("file name"), max_length=255)
    mailing_list = models.ForeignKey(
        "publications.MailingList",
        verbose_name=_("list"),
        on_delete=models.CASCADE,
        related_name="imports",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CHECKED
    )
    content = models.TextField(_("file content"), blank=True, default="")
    source = models.CharField(_("source"), max_length=20, blank=True, default="")
    rows = models.JSONField(_("rows read"), default=list)
    errors = models.JSONField(_("rows with errors"), default=list)
    duplicates = models.PositiveIntegerField(_("repeated rows"), default=0)
    total = models.PositiveIntegerField(_("rows"), default=0)
    done = models.PositiveIntegerField(_("rows done"), default=0)
    created_count = models.PositiveIntegerField(_("subscribed"), default=0)
    kept_count = models.PositiveIntegerField(_("already there"), default=0)
    suppressed_count = models.PositiveIntegerField(_("suppressed"), default=0)
    message = models.TextField(_("message"), blank=True, default="")
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("subscriber import")
        verbose_name_plural = _("subscriber imports")

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}

    @property
    def in_progress(self) -> bool:
        """Checking or committing: the page polls for progress."""
        return self.status in {self.Status.CHECKING, self.Status.QUEUED, self.Status.RUNNING}
