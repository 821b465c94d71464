"""Who may do what in the directory. Staff roles live on the account; representative and
member follow from the person's affiliations."""

from django.db.models import QuerySet

from .models import Organisation


def _authenticated(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def is_staff_editor(user) -> bool:
    """Staff editors and administrators: they edit the contacts base and moderate."""
    return _authenticated(user) and bool(user.is_staff_editor or user.is_superuser)


def is_staff_admin(user) -> bool:
    return _authenticated(user) and bool(user.is_staff_admin)


def may_upload_images(user) -> bool:
    """Images in texts: staff, and verified representatives for their entry's
    description. Anonymous proposers may not: nobody has checked who they are."""
    return is_staff_editor(user) or represented_organisations(user).exists()


def represented_organisations(user) -> QuerySet:
    """The organisations this user may edit as their representative (not archived)."""
    if not _authenticated(user):
        return Organisation.objects.none()
    return (
        Organisation.objects.filter(
            affiliations__person__user=user, affiliations__is_representative=True
        )
        .exclude(status=Organisation.Status.ARCHIVED)
        .distinct()
    )


def can_edit_organisation(user, org) -> bool:
    """Staff may edit any organisation; a representative only their own."""
    if is_staff_editor(user):
        return True
    if not _authenticated(user) or org is None or org.pk is None:
        return False
    return represented_organisations(user).filter(pk=org.pk).exists()


def is_member_user(user) -> bool:
    """Affiliated to an organisation that is a member of the network."""
    if not _authenticated(user):
        return False
    return Organisation.objects.filter(affiliations__person__user=user, is_member=True).exists()
