"""The publications' segment condition: an active subscription to a list."""

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from tisser.directory import segments

from .models import MailingList, Subscription


def _lists():
    return [(m.pk, m.name) for m in MailingList.objects.all()]


def subscribed(params: dict):
    rows = Subscription.objects.filter(person=OuterRef("pk"), status=Subscription.Status.ACTIVE)
    if "list" in params:
        rows = rows.filter(mailing_list_id=params["list"])
    return Exists(rows)


def register() -> None:
    segments.register(
        segments.Condition(
            key="subscribed",
            label=_("Subscribed to a list"),
            help=_("An active subscription (confirmed, not unsubscribed)."),
            group=_("Publications"),
            order=50,
            build=subscribed,
            params=(
                segments.Param(
                    "list",
                    _("list"),
                    kind="id",
                    choices=_lists,
                    exists=lambda pk: MailingList.objects.filter(pk=pk).exists(),
                ),
            ),
        )
    )
