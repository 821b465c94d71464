"""Signals accounts declares for the apps to its right (accounts imports none of them).

`email_verified(sender=User, user=…)`: the person proved they own `user.email` (a
verification link, or a password-reset link). Sent once, after the transaction commits.
This is the moment another app may trust the address, e.g. the directory linking the
account to the contact with the same email; before it, anyone could have typed it.
"""

from django.dispatch import Signal

email_verified = Signal()


def tell_admins_endpoint_disabled(sender, endpoint, **kwargs):
    """`core.webhooks.endpoint_disabled`: each staff administrator is emailed, in their
    language, that an endpoint was turned off and where to turn it back on."""
    from django.conf import settings
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _

    from tisser.core.mail import send_templated_mail

    from .models import User

    admins = User.objects.filter(is_active=True, staff_role=User.StaffRole.ADMIN)
    for admin in admins:
        send_templated_mail(
            to=[admin.email],
            subject=_("A webhook endpoint was turned off"),
            template="accounts/email/webhook_disabled",
            context={
                "endpoint": endpoint,
                "url": settings.SITE_URL + reverse("accounts:webhook", args=[endpoint.pk]),
            },
            language=admin.language or None,
        )
