"""Publications' part of the staff side: its section of the navigation and its lines on
the staff home (campaigns sending or waiting to, subscriber imports)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tisser.accounts.roles import is_staff_editor
from tisser.core import staff

SECTION = "communication"


def campaigns_item(request) -> staff.HomeItem:
    from . import queries
    from .models import Campaign

    active = Campaign.objects.filter(
        status__in=(Campaign.Status.QUEUED, Campaign.Status.SENDING, Campaign.Status.PAUSED)
    ).order_by("created_at", "pk")
    rows = []
    for campaign in active[:5]:
        stats = queries.campaign_stats(campaign)
        rows.append(
            staff.HomeRow(
                label=campaign.subject,
                url=reverse("publications:campaign", args=[campaign.pk]),
                meta=ngettext(
                    "%(sent)s of %(total)s sent", "%(sent)s of %(total)s sent", stats["sent"]
                )
                % stats,
                percent=stats["percent"],
                badge=campaign.get_status_display(),
                badge_tone="warning" if campaign.status == Campaign.Status.PAUSED else "info",
            )
        )
    count = active.count()
    paused = active.filter(status=Campaign.Status.PAUSED).count()
    return staff.HomeItem(
        label=ngettext("campaign sending or waiting", "campaigns sending or waiting", count),
        count=count,
        url=reverse("publications:staff_home"),
        tone=staff.TODO if paused else staff.INFO,
        rows=rows,
    )


def imports_item(request) -> staff.HomeItem:
    from tisser.core.imports.models import ImportJob

    from .imports import KIND

    return staff.imports_item(
        [ImportJob.objects.filter(kind=KIND)], reverse("publications:subscriber_import")
    )


def register() -> None:
    staff.register_section(SECTION, _("Communication"), icon="mail", order=50)
    staff.register_links(
        SECTION,
        [
            (_("Newsletters"), "publications:staff_home"),
            (_("New newsletter"), "publications:newsletter_create"),
            (_("Subscribers"), "publications:staff_subscribers"),
            (_("Deliveries"), "publications:staff_deliveries"),
            (_("Import subscribers"), "publications:subscriber_import"),
            (_("Service messages"), "publications:service_messages"),
            (_("Suppression list"), "publications:suppressions"),
            (_("New article"), "publications:article_create"),
            (_("New resource"), "publications:resource_create"),
        ],
        allowed=is_staff_editor,
    )
    staff.register_home_item(SECTION, "campaigns", campaigns_item, order=10)
    staff.register_home_item(SECTION, "imports", imports_item, order=90)
