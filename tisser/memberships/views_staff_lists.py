"""The memberships list's bulk actions (validate, write to the representatives) and the
list of payments. Thin: reads in `queries_staff`, writes in `services`."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from tisser.accounts.decorators import staff_editor_required as staff_required
from tisser.core.listing import (
    Listing,
    Sort,
    email_addresses_page,
    is_filtered,
    keep_selected,
    selected_ids,
)
from tisser.directory.contacts.exports import table_response

from . import queries_staff, services
from .models import MembershipYear, Payment

# The page the lists sit in (`core/staff_list.html` extends it).
STAFF_BASE = "memberships/staff/_base.html"

MEMBERSHIP_SORTS = (
    Sort("organisation", gettext_lazy("Organisation"), ("organisation__name",)),
    Sort(
        "year",
        gettext_lazy("Year"),
        ("year__year",),
        descending_first=True,
        then=("organisation__name",),
    ),
    Sort("status", gettext_lazy("Status"), ("status",)),
    Sort("due", gettext_lazy("Due"), ("amount_due",), descending_first=True),
)

PAYMENT_SORTS = (
    Sort(
        "date", gettext_lazy("Paid on"), ("paid_on",), descending_first=True, then=("-recorded_at",)
    ),
    Sort("organisation", gettext_lazy("Organisation"), ("membership__organisation__name",)),
    Sort("amount", gettext_lazy("Amount"), ("amount",), descending_first=True),
    Sort("method", gettext_lazy("Method"), ("method",)),
)


def _back(request):
    back = reverse("memberships:staff_memberships")
    query = request.POST.get("next_query", "")
    return redirect(f"{back}?{query}" if query else back)


@staff_required
@require_POST
def bulk_validate(request):
    """Validate the ticked pending memberships (each representative is told, once)."""
    ids = selected_ids(request.POST)
    if not ids:
        messages.error(request, _("Tick the memberships to validate first."))
        return _back(request)
    validated, refused = services.validate_many(ids, request.user)
    messages.success(
        request,
        ngettext(
            "%(count)s membership is validated.", "%(count)s memberships are validated.", validated
        )
        % {"count": validated},
    )
    if refused:
        messages.warning(
            request,
            ngettext(
                "%(count)s could not be validated.", "%(count)s could not be validated.", refused
            )
            % {"count": refused},
        )
    return _back(request)


@staff_required
@require_POST
def membership_emails(request):
    """The representatives' addresses of the ticked memberships (or the whole list)."""
    qs = keep_selected(queries_staff.memberships(request.GET), request.POST)
    return email_addresses_page(
        request,
        qs.values_list("representative__email", flat=True).order_by(),
        title=_("Write to the representatives of these members"),
        back_url=reverse("memberships:staff_memberships"),
    )


@staff_required
def payment_list(request):
    listing = Listing(
        request,
        queries_staff.payments(request.GET),
        sorts=PAYMENT_SORTS,
        default_sort="-date",
    )
    return render(
        request,
        "memberships/staff/payments.html",
        {
            "staff_base": STAFF_BASE,
            "listing": listing,
            "params": request.GET,
            "filtered": is_filtered(request.GET),
            "years": MembershipYear.objects.all(),
            "methods": Payment.Method.choices,
        },
    )


@staff_required
def payment_export(request, fmt):
    qs = keep_selected(queries_staff.payments(request.GET), request.POST)
    headers, rows = queries_staff.payment_export_rows(qs)
    return table_response(fmt, "paiements", str(_("Payments")), headers, rows)
