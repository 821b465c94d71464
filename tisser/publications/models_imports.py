"""Subscriber import jobs: a Brevo/Mailchimp export checked, previewed, then committed in
the task queue. The file's text is kept on the job, so the worker needs only the database."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tisser.directory.models import ImportJobBase


class SubscriberImport(ImportJobBase):
    """The steps, progress and author of the directory's import, plus the list and counts."""

    mailing_list = models.ForeignKey(
        "publications.MailingList",
        verbose_name=_("list"),
        on_delete=models.CASCADE,
        related_name="imports",
    )
    # "créée le": the base's "created" is worded for the directory's import (masculine).
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)
    content = models.TextField(_("file content"), blank=True, default="")
    source = models.CharField(_("source"), max_length=20, blank=True, default="")
    rows = models.JSONField(_("rows read"), default=list)
    errors = models.JSONField(_("rows with errors"), default=list)
    duplicates = models.PositiveIntegerField(_("repeated rows"), default=0)
    created_count = models.PositiveIntegerField(_("subscribed"), default=0)
    kept_count = models.PositiveIntegerField(_("already there"), default=0)
    suppressed_count = models.PositiveIntegerField(_("suppressed"), default=0)

    class Meta(ImportJobBase.Meta):
        verbose_name = _("subscriber import")
        verbose_name_plural = _("subscriber imports")
