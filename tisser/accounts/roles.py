"""The roles of Tisser, in one place.

Staff roles (administrator, editor) are stored on the account. Representative and member
are not: they follow from the person's affiliations in the directory, which the directory
app answers (`tisser.directory.permissions`), because accounts may not import it.
"""

from django.db.models import TextChoices
from django.utils.translation import pgettext_lazy


class Role(TextChoices):
    ANONYMOUS = "anonymous", pgettext_lazy("role", "Anonymous visitor")
    PUBLIC = "public", pgettext_lazy("role", "Public user")
    MEMBER = "member", pgettext_lazy("role", "Member")
    REPRESENTATIVE = "representative", pgettext_lazy("role", "Organisation representative")
    EDITOR = "editor", pgettext_lazy("role", "Staff editor")
    ADMIN = "admin", pgettext_lazy("role", "Staff administrator")


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
