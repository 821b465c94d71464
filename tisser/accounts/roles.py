"""The roles of Tisser, in one place.

Staff roles (administrator, editor) are stored on the account. Representative and member
are not: they follow from the person's affiliations in the directory, which the directory
app answers (`tisser.directory.permissions`), because accounts may not import it.
"""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class Role(TextChoices):
    ANONYMOUS = "anonymous", _("Anonymous visitor")
    PUBLIC = "public", _("Public user")
    MEMBER = "member", _("Member")
    REPRESENTATIVE = "representative", _("Organisation representative")
    EDITOR = "editor", _("Staff editor")
    ADMIN = "admin", _("Staff administrator")


def is_authenticated(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def staff_role(user) -> str:
    """`Role.ADMIN`, `Role.EDITOR`, or "" for everybody else (anonymous included)."""
    if not is_authenticated(user):
        return ""
    if user.is_staff_admin:
        return Role.ADMIN
    if user.is_staff_editor:
        return Role.EDITOR
    return ""


def is_staff_editor(user) -> bool:
    """Editors and administrators: they edit content and moderate."""
    return staff_role(user) in (Role.EDITOR, Role.ADMIN)


def is_staff_admin(user) -> bool:
    """Administrators only: they also give staff roles."""
    return staff_role(user) == Role.ADMIN
