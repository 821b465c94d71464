"""Reads about accounts, shared by views."""

from django.db.models import Q, QuerySet

from .models import User


def users_for_staff_roles(search: str = "") -> QuerySet[User]:
    """Active accounts, staff first, then by address; `search` matches address or name."""
    users = User.objects.filter(is_active=True)
    for word in search.split():
        users = users.filter(
            Q(email__icontains=word) | Q(first_name__icontains=word) | Q(last_name__icontains=word)
        )
    return users.order_by("-staff_role", "email").only(
        "id", "email", "first_name", "last_name", "staff_role", "email_verified"
    )


def proposal_notification_recipients() -> QuerySet[User]:
    """Active staff who get an email for each new proposal (see `User.wants_proposal_emails`)."""
    admins = Q(staff_role=User.StaffRole.ADMIN) | Q(is_superuser=True)
    staff = admins | Q(staff_role=User.StaffRole.EDITOR)
    return (
        User.objects.filter(is_active=True)
        .filter(staff)
        .filter(Q(notify_new_proposals=True) | (Q(notify_new_proposals__isnull=True) & admins))
        .order_by("email")
    )
