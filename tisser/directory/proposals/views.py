"""Views of the cooperative map: anyone proposes, staff moderate. Thin: services write."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tisser.accounts.decorators import staff_editor_required
from tisser.accounts.roles import is_staff_editor
from tisser.directory import permissions
from tisser.directory.models import Organisation
from tisser.directory.models_proposals import Proposal
from tisser.directory.proposals import services as services_proposals
from tisser.directory.proposals.forms import (
    CONSENT_WORDING,
    AcceptForm,
    ChangeProposalForm,
    NewActorProposalForm,
    RejectForm,
)
from tisser.directory.proposals.queries import (
    moderation_queue,
    possible_duplicates,
    proposal_changes,
    status_counts,
)


def client_address(request) -> str:
    """The client's IP address. Behind a reverse proxy, name the header it sets in
    TISSER_CLIENT_IP_HEADER (e.g. HTTP_X_REAL_IP); the first address of it is used."""
    header = getattr(settings, "TISSER_CLIENT_IP_HEADER", "")
    if header and request.META.get(header):
        return request.META[header].split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def rate_limit_message(retry_at) -> str:
    """What a proposer who sent too many proposals reads (the map's and the agenda's forms)."""
    local = timezone.localtime(retry_at)
    minutes = max(1, int((retry_at - timezone.now()).total_seconds() // 60) + 1)
    return _(
        "You have sent too many proposals from this connection. You can send this one "
        "again from %(time)s (in %(minutes)s minutes); what you typed is kept below."
    ) % {"time": formats.time_format(local, "TIME_FORMAT"), "minutes": minutes}


def _submit(request, form, *, kind, organisation=None):
    """Common end of both proposal forms: honeypot, rate limit, storage. None on error."""
    if form.is_robot():
        # Say nothing to a robot that it could learn from; store nothing.
        return redirect("directory:propose_thanks")
    if not form.is_valid():
        return None
    try:
        services_proposals.submit_proposal(
            kind=kind,
            data=form.proposal_data(),
            organisation=organisation,
            logo=form.cleaned_data.get("logo"),
            proposer_name=form.cleaned_data["proposer_name"],
            proposer_email=form.cleaned_data["proposer_email"],
            contact_consent=form.cleaned_data["contact_consent"],
            consent_wording=str(CONSENT_WORDING),
            language=get_language() or "",
            user=request.user,
            ip_hash=services_proposals.hash_client_address(client_address(request)),
        )
    except services_proposals.RateLimited as limited:
        form.add_error(None, rate_limit_message(limited.retry_at))
        form.rate_limited = True
        return None
    except services_proposals.ProposalError as error:
        form.add_error(None, str(error))
        return None
    return redirect("directory:propose_thanks")


def _form_response(request, template, context, form):
    status = 429 if getattr(form, "rate_limited", False) else (400 if form.errors else 200)
    return render(request, template, {**context, "form": form}, status=status)


def propose(request):
    """Anyone, logged in or not, proposes a new actor for the map."""
    initial = {}
    if request.user.is_authenticated:
        initial = {
            "proposer_name": request.user.get_full_name(),
            "proposer_email": request.user.email,
        }
    if request.method == "POST":
        form = NewActorProposalForm(request.POST, request.FILES)
        if response := _submit(request, form, kind=Proposal.Kind.NEW):
            return response
    else:
        form = NewActorProposalForm(initial=initial)
    return _form_response(request, "directory/proposals/propose.html", {}, form)


def _representative_edit_url(organisation) -> str:
    """The representative's direct edit page (named either way), or "" if there is none."""
    for name in ("directory:my_organisation_edit", "directory:representative_edit"):
        try:
            return reverse(name, kwargs={"slug": organisation.slug})
        except NoReverseMatch:
            continue
    return ""


def propose_change(request, slug):
    """Anyone proposes a correction to a published actor; its representatives edit directly."""
    organisation = get_object_or_404(Organisation, slug=slug, status=Organisation.Status.PUBLISHED)
    if (
        request.user.is_authenticated
        and not is_staff_editor(request.user)
        and permissions.can_edit_organisation(request.user, organisation)
        and (edit_url := _representative_edit_url(organisation))
    ):
        messages.info(request, _("You represent this organisation: you can edit it directly."))
        return HttpResponseRedirect(edit_url)
    initial = {}
    if request.user.is_authenticated:
        initial = {
            "proposer_name": request.user.get_full_name(),
            "proposer_email": request.user.email,
        }
    if request.method == "POST":
        form = ChangeProposalForm(request.POST, request.FILES, organisation=organisation)
        if response := _submit(request, form, kind=Proposal.Kind.CHANGE, organisation=organisation):
            return response
    else:
        form = ChangeProposalForm(organisation=organisation, initial=initial)
    return _form_response(
        request, "directory/proposals/propose_change.html", {"organisation": organisation}, form
    )


def propose_thanks(request):
    return render(request, "directory/proposals/thanks.html")


# --- moderation (staff) -----------------------------------------------------------


@staff_editor_required
def moderation(request):
    status = request.GET.get("status", Proposal.Status.PENDING)
    if status not in Proposal.Status.values and status != "all":
        status = Proposal.Status.PENDING
    page = Paginator(moderation_queue("" if status == "all" else status), 30).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "directory/proposals/moderation.html",
        {
            "page": page,
            "status": status,
            "counts": status_counts(),
            "statuses": [*Proposal.Status.choices, ("all", _("All"))],
        },
    )


def _detail(request, proposal, *, accept_form=None, reject_form=None, status=200):
    return render(
        request,
        "directory/proposals/moderation_detail.html",
        {
            "proposal": proposal,
            "changes": proposal_changes(proposal),
            "duplicates": possible_duplicates(proposal),
            "accept_form": accept_form or AcceptForm(),
            "reject_form": reject_form or RejectForm(),
        },
        status=status,
    )


@staff_editor_required
def moderation_detail(request, pk):
    proposal = get_object_or_404(
        Proposal.objects.select_related("organisation", "reviewed_by", "submitted_by"), pk=pk
    )
    return _detail(request, proposal)


@require_POST
@staff_editor_required
def moderation_accept(request, pk):
    proposal = get_object_or_404(Proposal, pk=pk)
    form = AcceptForm(request.POST)
    if not form.is_valid():
        return _detail(request, proposal, accept_form=form, status=400)
    try:
        organisation = services_proposals.accept_proposal(
            proposal.pk, reviewer=request.user, note=form.cleaned_data["note"]
        )
    except services_proposals.ProposalError as error:
        messages.error(request, str(error))
        return redirect("directory:moderation_detail", pk=proposal.pk)
    except ValidationError as error:
        # The actor's data no longer passes (e.g. the SIRET was taken meanwhile).
        form.add_error(None, _("This proposal cannot be applied as it is:"))
        for message in error.messages:
            form.add_error(None, message)
        return _detail(request, proposal, accept_form=form, status=400)
    if proposal.kind == Proposal.Kind.NEW:
        text = _("Proposal accepted: “%(name)s” is published and the proposer has been told.")
    else:
        text = _("Proposal accepted: “%(name)s” is updated and the proposer has been told.")
    messages.success(request, text % {"name": organisation.name})
    return redirect(f"{reverse('directory:moderation')}?status=pending")


@require_POST
@staff_editor_required
def moderation_reject(request, pk):
    proposal = get_object_or_404(Proposal, pk=pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _detail(request, proposal, reject_form=form, status=400)
    try:
        services_proposals.reject_proposal(
            proposal.pk, reviewer=request.user, reason=form.cleaned_data["reason"]
        )
    except services_proposals.ProposalError as error:
        messages.error(request, str(error))
        return redirect("directory:moderation_detail", pk=proposal.pk)
    messages.success(request, _("Proposal rejected; the proposer has been told why."))
    return redirect(f"{reverse('directory:moderation')}?status=pending")
