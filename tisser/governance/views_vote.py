"""Members' pages of the assemblies: the public page, attendance, proxies, candidacies,
"my votes", the ballot behind a signed link, the receipt check and the results."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tisser.accounts.roles import is_staff_editor
from tisser.directory.permissions import is_member_user

from . import queries, services, services_ballot
from .forms import ProxyForm, ReceiptForm, StatementForm
from .models import Assembly, Motion, Voter
from .services import GovernanceError


def _public_assembly(request, slug) -> Assembly:
    assembly = get_object_or_404(Assembly, slug=slug)
    if assembly.status == Assembly.Status.DRAFT and not is_staff_editor(request.user):
        raise Http404
    return assembly


def assembly_list(request):
    return render(
        request, "governance/assemblies.html", {"assemblies": queries.public_assemblies()}
    )


def assembly_page(request, slug):
    assembly = _public_assembly(request, slug)
    show_private = is_staff_editor(request.user) or is_member_user(request.user)
    documents = assembly.documents.all()
    if not show_private:
        documents = documents.filter(members_only=False)
    mine = list(queries.my_voters(request.user, assembly)) if request.user.is_authenticated else []
    return render(
        request,
        "governance/assembly.html",
        {
            "assembly": assembly,
            "agenda": assembly.agenda.all(),
            "documents": documents,
            "motions": queries.motions_with_results(assembly),
            "mine": mine,
        },
    )


def _my_voter(request, assembly, voter_pk) -> Voter:
    voter = get_object_or_404(
        Voter.objects.select_related("organisation"), pk=voter_pk, assembly=assembly
    )
    if not queries.my_voters(request.user, assembly).filter(pk=voter.pk).exists():
        raise PermissionDenied
    return voter


@login_required
@require_POST
def attend(request, slug, voter_pk):
    assembly = _public_assembly(request, slug)
    voter = _my_voter(request, assembly, voter_pk)
    attending = request.POST.get("attending") != "0"
    try:
        services.register_attendance(voter, attending)
    except GovernanceError as error:
        messages.error(request, error.message)
    else:
        text = (
            _("%(org)s is registered to attend.")
            if attending
            else _("%(org)s is no longer registered to attend.")
        )
        messages.success(request, text % {"org": voter.organisation})
    return redirect("governance:assembly", slug=assembly.slug)


@login_required
def proxy(request, slug, voter_pk):
    """A representative gives (or withdraws) their organisation's proxy."""
    assembly = _public_assembly(request, slug)
    giver = _my_voter(request, assembly, voter_pk)
    holders = queries.possible_holders(assembly, giver)
    form = ProxyForm(request.POST or None, holders=holders)
    if request.method == "POST" and request.POST.get("withdraw"):
        services.withdraw_proxy(giver)
        messages.success(
            request,
            _("The proxy is withdrawn: %(org)s votes itself again.") % {"org": giver.organisation},
        )
        return redirect("governance:assembly", slug=assembly.slug)
    if request.method == "POST" and form.is_valid():
        try:
            services.give_proxy(giver, form.cleaned_data["holder"], by=request.user)
        except GovernanceError as error:
            form.add_error("holder", error.message)
        else:
            messages.success(
                request,
                _("%(holder)s will cast the vote of %(org)s.")
                % {"holder": form.cleaned_data["holder"].organisation, "org": giver.organisation},
            )
            return redirect("governance:assembly", slug=assembly.slug)
    current = getattr(giver, "proxy_given", None) if hasattr(giver, "proxy_given") else None
    return render(
        request,
        "governance/proxy.html",
        {"assembly": assembly, "giver": giver, "form": form, "current": current},
        status=400 if form.errors else 200,
    )


@login_required
def stand(request, slug, motion_pk, voter_pk):
    """A representative submits their organisation's candidacy with a statement."""
    assembly = _public_assembly(request, slug)
    motion = get_object_or_404(Motion, pk=motion_pk, assembly=assembly, kind=Motion.Kind.ELECTION)
    voter = _my_voter(request, assembly, voter_pk)
    form = StatementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services_ballot.add_candidacy(
                motion,
                voter.organisation,
                person=getattr(request.user, "person", None),
                statement=form.cleaned_data["statement"],
            )
        except GovernanceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("The candidacy of %(org)s is recorded.") % {"org": voter.organisation}
            )
            return redirect("governance:assembly", slug=assembly.slug)
    return render(
        request,
        "governance/stand.html",
        {"assembly": assembly, "motion": motion, "voter": voter, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def my_votes(request):
    rows = queries.open_votes_for(request.user)
    return render(request, "governance/my_votes.html", {"rows": rows})


def _refused(request, error, status=403):
    return render(
        request,
        "governance/vote_refused.html",
        {"message": error.message, "code": error.code},
        status=status,
    )


@never_cache
def ballot(request, token):
    """The secret ballot behind a signed link. No login: the link is the credential."""
    try:
        claim, motion, voter = services_ballot.check_claim(token)
    except services_ballot.VoteRefused as error:
        return _refused(request, error)
    caster = Voter.objects.select_related("organisation").filter(pk=claim.cast_by_id).first()
    context = {
        "motion": motion,
        "assembly": motion.assembly,
        "voter": voter,
        "caster": caster,
        "candidacies": motion.candidacies.select_related("organisation", "person"),
        "choices": services_ballot.Choice.choices,
        "token": token,
    }
    if request.method == "POST":
        try:
            receipt = services_ballot.cast_online(
                token,
                choice=request.POST.get("choice", ""),
                selection=request.POST.getlist("candidacy"),
            )
        except services_ballot.VoteRefused as error:
            if error.code in {"invalid", "too_many"}:
                context.update(
                    error=error.message,
                    selected={int(x) for x in request.POST.getlist("candidacy") if x.isdigit()},
                    chosen=request.POST.get("choice", ""),
                )
                return render(request, "governance/ballot.html", context, status=400)
            return _refused(request, error)
        return render(request, "governance/voted.html", {**context, "receipt": receipt})
    if motion.participations.filter(voter=voter).exists():
        return _refused(request, services_ballot.already_voted(voter))
    try:
        services_ballot.check_open(motion)
        if not motion.online:
            raise services_ballot.VoteRefused(
                _("This question is voted in the room, not online."), code="room_only"
            )
        services_ballot.check_voter(motion, voter, claim.cast_by_id)
    except services_ballot.VoteRefused as error:
        return _refused(request, error)
    return render(request, "governance/ballot.html", context)


def receipts(request, slug, motion_pk):
    """Check a receipt code; after the close, the list of every online ballot's hash."""
    assembly = _public_assembly(request, slug)
    motion = get_object_or_404(Motion, pk=motion_pk, assembly=assembly)
    form = ReceiptForm(request.GET or None)
    found = None
    if form.is_valid():
        found = services_ballot.ballot_counted(motion, form.cleaned_data["code"])
    return render(
        request,
        "governance/receipts.html",
        {
            "assembly": assembly,
            "motion": motion,
            "form": form,
            "found": found,
            "hashes": queries.receipt_hashes(motion),
            "checked_hash": services_ballot.hash_receipt(form.cleaned_data["code"])
            if form.is_valid()
            else "",
        },
    )


def results(request, slug, motion_pk):
    assembly = _public_assembly(request, slug)
    motion = get_object_or_404(Motion, pk=motion_pk, assembly=assembly)
    data = queries.closed_results(motion)
    if data is None:
        return render(
            request, "governance/results_pending.html", {"assembly": assembly, "motion": motion}
        )
    statements = {c.pk: c for c in motion.candidacies.select_related("organisation", "person")}
    return render(
        request,
        "governance/results.html",
        {
            "assembly": assembly,
            "motion": motion,
            "results": data,
            "candidacies": statements,
            "receipts_url": reverse("governance:receipts", args=[assembly.slug, motion.pk]),
        },
    )
