"""Writes of the working groups: joining, leaving, documents, writing to the members."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from tisser.accounts.roles import is_staff_editor
from tisser.core.mail import send_templated_mail
from tisser.directory.models import Affiliation, Person

from .models_groups import GroupDocument, GroupMember, WorkingGroup
from .services import GovernanceError


def member_organisation_of(person: Person):
    """The member organisation a person acts for (the first one they are verifiably
    affiliated to: a claimed link opens no working group)."""
    aff = (
        Affiliation.objects.verified()
        .filter(person=person, organisation__is_member=True)
        .select_related("organisation")
        .order_by("-is_representative", "organisation__name")
        .first()
    )
    return aff.organisation if aff else None


def can_join(user) -> bool:
    person = getattr(user, "person", None) if getattr(user, "is_authenticated", False) else None
    return person is not None and member_organisation_of(person) is not None


@transaction.atomic
def join_group(group: WorkingGroup, user) -> GroupMember:
    if not group.is_open:
        raise GovernanceError(_("This group is not taking new members."))
    person = getattr(user, "person", None)
    org = member_organisation_of(person) if person else None
    if org is None:
        raise GovernanceError(
            _("Working groups are open to people of member organisations: join the network first.")
        )
    try:
        with transaction.atomic():
            return GroupMember.objects.create(group=group, person=person, organisation=org)
    except IntegrityError:
        return GroupMember.objects.get(group=group, person=person)


@transaction.atomic
def leave_group(group: WorkingGroup, user) -> bool:
    person = getattr(user, "person", None)
    if person is None:
        return False
    return GroupMember.objects.filter(group=group, person=person).delete()[0] > 0


def can_manage(user, group: WorkingGroup) -> bool:
    """Staff, and the group's referent, write to its members and add documents."""
    if is_staff_editor(user):
        return True
    person = getattr(user, "person", None) if getattr(user, "is_authenticated", False) else None
    return person is not None and group.referent_id == person.pk


def add_document(group: WorkingGroup, title: str, file) -> GroupDocument:
    return GroupDocument.objects.create(group=group, title=title.strip(), file=file)


@transaction.atomic
def write_to_members(group: WorkingGroup, *, subject: str, body: str, author) -> int:
    """One email per member (in their language), sent by the task queue after commit."""
    subject, body = subject.strip(), body.strip()
    if not subject or not body:
        raise GovernanceError(_("A message needs a subject and a text."))
    reply_to = [author.email] if getattr(author, "email", "") else None
    page = settings.SITE_URL.rstrip("/") + reverse("governance:group", args=[group.slug])
    sent = 0
    for member in group.members.select_related("person__user").exclude(person__email=""):
        user = member.person.user
        send_templated_mail(
            to=[member.person.email],
            subject=f"[{group.name}] {subject}",
            template="governance/emails/group_message",
            context={"group": group.name, "body": body, "page_url": page, "author": str(author)},
            language=(user.language if user else "") or settings.LANGUAGE_CODE,
            reply_to=reply_to,
        )
        sent += 1
    return sent
