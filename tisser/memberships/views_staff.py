"""Staff pages of memberships, under /gestion/adhesions/ (staff editors and admins):
the list with filters, a membership (validate, cancel, payments, college), exports, the
fee schedule, HelloAsso imports and statistics. Thin: writes go through `services`."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tisser.accounts.decorators import staff_editor_required as staff_required
from tisser.core.forms import posted_data
from tisser.core.imports.models import ImportJob
from tisser.core.imports.views import started
from tisser.core.listing import Listing, is_filtered, keep_selected
from tisser.core.streaming import checked
from tisser.directory.contacts import queries_claims
from tisser.directory.contacts.exports import table_response

from . import queries, queries_staff, services
from .forms import CollegeChoiceForm, FeeRuleForm, ImportForm, PaymentForm, apply_errors
from .helloasso import csv_import
from .models import College, FeeRule, Membership, MembershipYear

PAGE_SIZE = 50


@staff_required
def membership_list(request):
    from .views_staff_lists import MEMBERSHIP_SORTS, STAFF_BASE

    qs = queries_staff.memberships(request.GET)
    listing = Listing(request, qs, sorts=MEMBERSHIP_SORTS, default_sort="-year", per_page=PAGE_SIZE)
    return render(
        request,
        "memberships/staff/list.html",
        {
            "staff_base": STAFF_BASE,
            "listing": listing,
            "page": listing.page,
            "filtered": is_filtered(request.GET),
            "query": listing.query,
            "params": request.GET,
            "years": MembershipYear.objects.all(),
            "colleges": College.objects.all(),
            "statuses": Membership.Status.choices,
            "sources": Membership.Source.choices,
        },
    )


@staff_required
def membership_export(request, fmt):
    qs = keep_selected(checked(queries_staff.memberships(request.GET)), request.POST)
    headers, rows = queries_staff.export_rows(qs)
    return table_response(fmt, "adhesions", str(_("Memberships")), headers, rows)


def _membership(pk) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related(
            "organisation",
            "organisation__commune",
            "year",
            "college",
            "representative",
            "validated_by",
            "fee_rule",
        ),
        pk=pk,
    )


@staff_required
def membership_detail(request, pk):
    membership = _membership(pk)
    data, _files = posted_data(request)
    payment_form = PaymentForm(
        data, initial={"amount": membership.amount_due or None}, prefix="payment"
    )
    if data is not None and payment_form.is_valid():
        values = payment_form.cleaned_data
        try:
            services.record_payment(
                membership,
                amount=values["amount"],
                method=values["method"],
                paid_on=values["paid_on"],
                reference=values["reference"],
                by=request.user,
                validate=values["validate"],
            )
        except ValidationError as error:
            apply_errors(payment_form, error)
        else:
            messages.success(request, _("Payment recorded."))
            return redirect("memberships:staff_detail", pk=membership.pk)
    return render(
        request,
        "memberships/staff/detail.html",
        {
            "membership": membership,
            "payments": membership.payments.select_related("recorded_by"),
            "paid": queries.amount_paid(membership),
            "payment_form": payment_form,
            "college_form": CollegeChoiceForm(initial={"college": membership.college}),
            "history": queries.memberships_of(membership.organisation),
            # Is the person who applied its verified representative, or only claiming it?
            "representative_link": queries_claims.link_of(
                getattr(membership.representative, "email", ""), membership.organisation
            ),
        },
    )


@staff_required
@require_POST
def membership_validate(request, pk):
    membership = _membership(pk)
    try:
        services.validate_membership(membership, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The membership of %(org)s is validated.") % {"org": membership.organisation},
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("memberships:staff_detail", args=[membership.pk])
    return redirect(target)


@staff_required
@require_POST
def membership_cancel(request, pk):
    membership = _membership(pk)
    services.cancel_membership(membership, request.user, note=request.POST.get("note", ""))
    messages.success(request, _("The membership is cancelled."))
    return redirect("memberships:staff_detail", pk=membership.pk)


@staff_required
@require_POST
def membership_college(request, pk):
    membership = _membership(pk)
    form = CollegeChoiceForm(request.POST)
    if form.is_valid():
        services.set_college(membership, form.cleaned_data["college"])
        messages.success(request, _("College changed."))
    return redirect("memberships:staff_detail", pk=membership.pk)


# --- fee schedule -------------------------------------------------------------------


@staff_required
def fees(request):
    years = MembershipYear.objects.order_by("-year")
    selected = request.GET.get("year") or ""
    year = (
        years.filter(year=int(selected)).first() if selected.isdigit() else None
    ) or services.ensure_current_year()
    return render(
        request,
        "memberships/staff/fees.html",
        {
            "year": year,
            "years": years,
            "rules": queries.fee_rules(year),
            "previous": years.filter(year__lt=year.year).first(),
        },
    )


@staff_required
def fee_form(request, year, pk=None):
    membership_year = get_object_or_404(MembershipYear, year=year)
    rule = get_object_or_404(FeeRule, pk=pk, year=membership_year) if pk else None
    data, _files = posted_data(request)
    form = FeeRuleForm(data, instance=rule or FeeRule(year=membership_year))
    if data is not None and form.is_valid():
        try:
            services.save_fee_rule(form.instance)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Fee saved."))
            return redirect(f"{_fees_url()}?year={membership_year.year}")
    return render(
        request,
        "memberships/staff/fee_form.html",
        {"form": form, "year": membership_year, "rule": rule},
    )


def _fees_url():
    return reverse("memberships:staff_fees")


@staff_required
@require_POST
def fee_delete(request, year, pk):
    rule = get_object_or_404(FeeRule, pk=pk, year__year=year)
    services.delete_fee_rule(rule)
    messages.success(request, _("Fee deleted."))
    return redirect(f"{_fees_url()}?year={year}")


@staff_required
@require_POST
def fee_copy(request, year):
    target = get_object_or_404(MembershipYear, year=year)
    source = get_object_or_404(MembershipYear, year=request.POST.get("source") or 0)
    count = services.copy_fee_schedule(source, target)
    messages.success(
        request,
        ngettext("%(count)s fee copied.", "%(count)s fees copied.", count) % {"count": count},
    )
    return redirect(f"{_fees_url()}?year={year}")


@staff_required
@require_POST
def year_create(request):
    try:
        year = int(request.POST.get("year", ""))
        if not 2000 <= year <= 2100:
            raise ValueError
    except ValueError:
        messages.error(request, _("Enter a year such as 2027."))
        return redirect(_fees_url())
    services.ensure_year(year)
    return redirect(f"{_fees_url()}?year={year}")


# --- HelloAsso import ---------------------------------------------------------------


@staff_required
def helloasso_import(request):
    """Upload: the export becomes a job of the core engine, whose pages preview and run it."""
    form = ImportForm(*posted_data(request))
    if request.method == "POST" and form.is_valid():
        job = started(form, lambda f: csv_import.start_import(f.name, f, author=request.user))
        if job:
            return redirect("core:import_detail", pk=job.pk)
    return render(
        request,
        "memberships/staff/import.html",
        {
            "form": form,
            "columns": csv_import.COLUMNS,
            "recent": ImportJob.objects.filter(kind=csv_import.KIND).select_related("created_by")[
                :10
            ],
            "refused": queries_staff.refused_notifications(),
        },
        status=400 if form.errors else 200,
    )


# --- statistics ---------------------------------------------------------------------


@staff_required
def statistics(request):
    return render(request, "memberships/staff/statistics.html", queries_staff.statistics())
