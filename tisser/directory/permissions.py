"""Who may do what in the directory. Staff roles live on the account; representative and
member follow from the person's *verified* affiliations: a claimed one gives no right."""

from django.db.models import QuerySet

from tisser.accounts.roles import is_authenticated, is_staff_editor

from .models import Affiliation, Organisation


def may_upload_images(user) -> bool:
    """Images in texts: staff, and verified representatives for their entry's
    description. Anonymous proposers may not: nobody has checked who they are."""
    return is_staff_editor(user) or represented_organisations(user).exists()


def represented_organisations(user) -> QuerySet:
    """The organisations this user verifiably represents (not archived): they edit the
    entry, renew the membership, are convened, vote and give proxies for it."""
    if not is_authenticated(user):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        pk__in=Affiliation.objects.representatives()
        .filter(person__user=user)
        .values("organisation_id")
    ).exclude(status=Organisation.Status.ARCHIVED)


def can_edit_organisation(user, org) -> bool:
    """Staff may edit any organisation; a representative only their own."""
    if is_staff_editor(user):
        return True
    if not is_authenticated(user) or org is None or org.pk is None:
        return False
    return represented_organisations(user).filter(pk=org.pk).exists()


def is_member_user(user) -> bool:
    """Verifiably linked to an organisation that is a member of the network: member
    resources, members-only documents, working groups."""
    if not is_authenticated(user):
        return False
    return (
        Affiliation.objects.verified()
        .filter(person__user=user, organisation__is_member=True)
        .exclude(organisation__status=Organisation.Status.ARCHIVED)
        .exists()
    )
