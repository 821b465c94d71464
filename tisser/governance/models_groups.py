"""Working groups ("Vie de réseau", thematic groups): members, a referent, documents."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tisser.directory.models import Organisation, Person


class WorkingGroup(models.Model):
    class Kind(models.TextChoices):
        NETWORK_LIFE = "network_life", _("Network life")
        THEMATIC = "thematic", _("Thematic group")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.THEMATIC)
    theme = models.CharField(_("theme"), max_length=200, blank=True, default="")
    description = models.TextField(_("description"), blank=True, default="")
    referent = models.ForeignKey(
        Person,
        verbose_name=_("referent"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="groups_referred",
    )
    is_open = models.BooleanField(_("open to new members"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")

    def __str__(self):
        return self.name


class GroupMember(models.Model):
    """A person in a group, on behalf of a member organisation."""

    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="group_memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        ordering = ["person__last_name", "person__first_name"]
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        constraints = [
            models.UniqueConstraint(fields=["group", "person"], name="group_member_once")
        ]

    def __str__(self):
        return f"{self.person} · {self.group}"


class GroupDocument(models.Model):
    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=250)
    file = models.FileField(_("file"), upload_to="governance/groups/%Y/")
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["-added_at"]
        verbose_name = _("group document")
        verbose_name_plural = _("group documents")

    def __str__(self):
        return self.title
