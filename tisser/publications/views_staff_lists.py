"""The staff lists of subscribers and of deliveries, with their exports. Thin: reads in
`queries_lists`; nothing here writes."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tisser.accounts.decorators import staff_editor_required
from tisser.core.listing import Listing, Sort, is_filtered, keep_selected
from tisser.directory.contacts.exports import table_response

from . import queries_lists
from .models import MailingList, Subscription
from .models_sending import Delivery

# The page the lists sit in (`core/staff_list.html` extends it).
STAFF_BASE = "publications/staff/_base.html"

SUBSCRIPTION_SORTS = (
    Sort("email", gettext_lazy("Email"), ("person__email",)),
    Sort("name", gettext_lazy("Name"), ("person__last_name", "person__first_name")),
    Sort("list", gettext_lazy("List"), ("mailing_list__name",)),
    Sort("status", gettext_lazy("Status"), ("status",)),
    Sort("since", gettext_lazy("Subscribed on"), ("created_at",), descending_first=True),
)

DELIVERY_SORTS = (
    Sort("email", gettext_lazy("Email"), ("email",)),
    Sort("status", gettext_lazy("Status"), ("status",)),
    Sort("sent", gettext_lazy("Sent at"), ("sent_at",), descending_first=True),
    Sort("campaign", gettext_lazy("Campaign"), ("campaign__created_at",), descending_first=True),
)


@staff_editor_required
def subscriber_list(request):
    listing = Listing(
        request,
        queries_lists.subscriptions(request.GET),
        sorts=SUBSCRIPTION_SORTS,
        default_sort="-since",
    )
    return render(
        request,
        "publications/staff/subscribers.html",
        {
            "staff_base": STAFF_BASE,
            "listing": listing,
            "params": request.GET,
            "filtered": is_filtered(request.GET),
            "lists": MailingList.objects.all(),
            "statuses": Subscription.Status.choices,
            "origins": Subscription.Origin.choices,
        },
    )


@staff_editor_required
def subscriber_export(request, fmt):
    qs = keep_selected(queries_lists.subscriptions(request.GET), request.POST)
    headers, rows = queries_lists.subscription_export_rows(qs)
    return table_response(fmt, "abonnes", str(_("Subscribers")), headers, rows)


@staff_editor_required
def delivery_list(request):
    listing = Listing(
        request,
        queries_lists.deliveries(request.GET),
        sorts=DELIVERY_SORTS,
        default_sort="-campaign",
    )
    return render(
        request,
        "publications/staff/deliveries.html",
        {
            "staff_base": STAFF_BASE,
            "listing": listing,
            "params": request.GET,
            "filtered": is_filtered(request.GET),
            "campaigns": queries_lists.campaigns_for_filter(),
            "statuses": Delivery.Status.choices,
        },
    )


@staff_editor_required
def delivery_export(request, fmt):
    qs = keep_selected(queries_lists.deliveries(request.GET), request.POST)
    headers, rows = queries_lists.delivery_export_rows(qs)
    return table_response(fmt, "envois", str(_("Deliveries")), headers, rows)
