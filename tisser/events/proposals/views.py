"""The shared agenda: representatives propose their organisation's events, staff
moderate them; anyone answers a call for proposals, staff read and export the answers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tisser.accounts.decorators import staff_editor_required as staff_required
from tisser.directory.permissions import represented_organisations
from tisser.directory.proposals.services import ProposalError, RateLimited, hash_client_address
from tisser.directory.proposals.views import client_address, rate_limit_message
from tisser.events.models_proposals import CallForProposals, EventProposal
from tisser.events.proposals import services as services_proposals
from tisser.events.staff import exports
from tisser.events.staff.forms import CallSubmissionForm, EventProposalForm, RejectForm


def propose_event(request):
    """Only a representative of a (non-archived) organisation proposes, for it alone."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    organisations = represented_organisations(request.user)
    if not organisations.exists():
        raise PermissionDenied(_("Only the representative of an organisation can propose events."))
    form = EventProposalForm(request.POST or None, organisations=organisations)
    if request.method == "POST":
        if form.is_robot():
            return redirect("events:propose_event")
        if form.is_valid():
            try:
                services_proposals.propose_event(
                    user=request.user,
                    organisation=form.cleaned_data["organisation"],
                    data=form.event_data(),
                    starts_at=form.cleaned_data["starts_at"],
                    ends_at=form.cleaned_data["ends_at"],
                    ip_hash=hash_client_address(client_address(request)),
                    language=get_language(),
                )
            except RateLimited as limited:
                form.add_error(None, rate_limit_message(limited.retry_at))
            except ProposalError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("Thank you: your event is sent to the team, who will tell you by email."),
                )
                return redirect("events:propose_event")
    mine = (
        EventProposal.objects.filter(organisation__in=organisations)
        .select_related("event", "organisation")
        .order_by("-created_at")[:20]
    )
    return render(request, "events/propose.html", {"form": form, "mine": mine})


@staff_required
def proposal_queue(request):
    pending = (
        EventProposal.objects.filter(status=EventProposal.Status.PENDING)
        .select_related("event__kind", "event__commune", "organisation", "proposed_by")
        .prefetch_related("event__sessions")
        .order_by("created_at")
    )
    reviewed = (
        EventProposal.objects.exclude(status=EventProposal.Status.PENDING)
        .select_related("event", "organisation", "reviewed_by")
        .order_by("-reviewed_at")[:30]
    )
    return render(
        request,
        "events/staff/proposals.html",
        {"pending": pending, "reviewed": reviewed, "reject_form": RejectForm()},
    )


@staff_required
@require_POST
def review_proposal(request, pk):
    proposal = get_object_or_404(EventProposal, pk=pk)
    try:
        if request.POST.get("action") == "accept":
            services_proposals.accept_event_proposal(proposal.pk, reviewer=request.user)
            messages.success(request, _("The event is published; the proposer is told."))
        else:
            form = RejectForm(request.POST)
            if not form.is_valid():
                raise ProposalError(_("Give the reason: it is sent to the proposer."))
            services_proposals.reject_event_proposal(
                proposal.pk, reviewer=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("The proposal is rejected; the proposer is told why."))
    except ProposalError as error:
        messages.error(request, str(error))
    return redirect("events:staff_proposals")


def call(request, slug):
    """The public form of a call for proposals (honeypot, rate limit per address)."""
    call = get_object_or_404(CallForProposals.objects.select_related("event", "kind"), slug=slug)
    is_open = services_proposals.call_is_open(call)
    form = CallSubmissionForm(request.POST or None)
    if request.method == "POST" and is_open:
        if form.is_robot():
            return redirect("events:call_thanks", slug=call.slug)
        if form.is_valid():
            try:
                services_proposals.submit_to_call(
                    call,
                    data=form.submission_data(),
                    ip_hash=hash_client_address(client_address(request)),
                    language=get_language(),
                )
            except RateLimited as limited:
                form.add_error(None, rate_limit_message(limited.retry_at))
            except ProposalError as error:
                form.add_error(None, str(error))
            else:
                return redirect("events:call_thanks", slug=call.slug)
    return render(request, "events/call.html", {"call": call, "form": form, "is_open": is_open})


def call_thanks(request, slug):
    call = get_object_or_404(CallForProposals, slug=slug)
    return render(request, "events/call_thanks.html", {"call": call})


@staff_required
def staff_calls(request):
    calls = CallForProposals.objects.select_related("event", "kind").annotate(
        answers=Count("submissions")
    )
    return render(request, "events/staff/calls.html", {"calls": calls})


SUBMISSION_COLUMNS = ("name", "email", "organisation_name", "theme", "venue", "message")


def _submission_table(call):
    from tisser.events.models_proposals import CallSubmission

    fields = [CallSubmission._meta.get_field(n) for n in SUBMISSION_COLUMNS]
    columns = [str(f.verbose_name).capitalize() for f in fields] + [_("Sent")]
    data = [
        [getattr(s, n) for n in SUBMISSION_COLUMNS]
        + [timezone.localtime(s.created_at).replace(tzinfo=None)]
        for s in call.submissions.order_by("created_at", "pk")
    ]
    return columns, data


@staff_required
def staff_call(request, pk, fmt=""):
    if fmt not in ("", "csv", "xlsx"):
        raise Http404
    call = get_object_or_404(CallForProposals, pk=pk)
    if fmt:
        columns, data = _submission_table(call)
        name = f"propositions-{call.slug}"
        if fmt == "csv":
            response = HttpResponse(
                exports.table_csv(columns, data), content_type="text/csv; charset=utf-8"
            )
        else:
            response = HttpResponse(
                exports.table_xlsx(_("Proposals"), columns, data),
                content_type=exports.XLSX_TYPE,
            )
        response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
        return response
    return render(
        request,
        "events/staff/call.html",
        {"call": call, "submissions": call.submissions.order_by("-created_at", "pk")},
    )
