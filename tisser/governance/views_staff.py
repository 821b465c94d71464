"""Staff pages of the assemblies: preparation, register, convocation, live attendance,
votes (open, close, show of hands), the audit of who voted, and the minutes."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tisser.accounts.decorators import staff_editor_required as staff_required
from tisser.core.forms import posted_data

from . import minutes, queries, services, services_ballot, services_count
from .forms import AgendaItemForm, AssemblyDocumentForm, AssemblyForm, CandidacyForm, MotionForm
from .models import Assembly, Motion, Voter
from .services import GovernanceError


@staff_required
def assembly_list(request):
    form = AssemblyForm(*posted_data(request)[:1])
    if request.method == "POST" and form.is_valid():
        assembly = services.create_assembly(**form.cleaned_data)
        messages.success(request, _("The assembly is created: add its agenda and votes."))
        return redirect("governance:staff_assembly", pk=assembly.pk)
    return render(
        request,
        "governance/staff/assembly_list.html",
        {"assemblies": queries.staff_assembly_list(), "form": form},
        status=400 if form.errors else 200,
    )


def _detail_context(assembly, **forms):
    electorate = queries.electorate(assembly)
    return {
        "assembly": assembly,
        "agenda": assembly.agenda.all(),
        "documents": assembly.documents.all(),
        "motions": assembly.motions.prefetch_related("candidacies__organisation"),
        "stats": queries.attendance(assembly),
        "electorate": electorate,
        "without_representative": queries.without_representative(electorate),
        "edit_form": forms.get("edit_form") or AssemblyForm(instance=assembly),
        "agenda_form": forms.get("agenda_form") or AgendaItemForm(),
        "document_form": forms.get("document_form") or AssemblyDocumentForm(),
        "motion_form": forms.get("motion_form") or MotionForm(),
        "candidacy_form": forms.get("candidacy_form")
        or CandidacyForm(organisations=_candidates(assembly)),
    }


def _candidates(assembly):
    from tisser.directory.models import Organisation

    return Organisation.objects.filter(
        assembly_voters__assembly=assembly, assembly_voters__is_active=True
    ).order_by("name")


@staff_required
def assembly_detail(request, pk):
    assembly = get_object_or_404(Assembly, pk=pk)
    forms = {}
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "edit":
                forms["edit_form"] = form = AssemblyForm(request.POST, instance=assembly)
                if form.is_valid():
                    form.save()
                    messages.success(request, _("Saved."))
                    return redirect("governance:staff_assembly", pk=pk)
            elif action == "agenda":
                forms["agenda_form"] = form = AgendaItemForm(request.POST)
                if form.is_valid():
                    services.add_agenda_item(assembly, **form.cleaned_data)
                    return redirect("governance:staff_assembly", pk=pk)
            elif action == "document":
                forms["document_form"] = form = AssemblyDocumentForm(request.POST, request.FILES)
                if form.is_valid():
                    form.instance.assembly = assembly
                    form.save()
                    return redirect("governance:staff_assembly", pk=pk)
            elif action == "motion":
                forms["motion_form"] = form = MotionForm(request.POST)
                if form.is_valid():
                    services_ballot.add_motion(assembly, **form.cleaned_data)
                    return redirect("governance:staff_assembly", pk=pk)
            elif action == "candidacy":
                motion = get_object_or_404(Motion, pk=request.POST.get("motion"), assembly=assembly)
                forms["candidacy_form"] = form = CandidacyForm(
                    request.POST, organisations=_candidates(assembly)
                )
                if form.is_valid():
                    services_ballot.add_candidacy(motion, **form.cleaned_data)
                    return redirect("governance:staff_assembly", pk=pk)
            elif action == "register":
                report = services.draw_up_register(assembly)
                messages.success(
                    request,
                    _(
                        "Register drawn up: %(total)s members in good standing (%(added)s added, "
                        "%(removed)s no longer in good standing)."
                    )
                    % report,
                )
                return redirect("governance:staff_assembly", pk=pk)
            elif action == "convene":
                sent = services.convene(assembly, by=request.user)
                messages.success(
                    request,
                    ngettext(
                        "Convocation queued for %(n)s recipient.",
                        "Convocation queued for %(n)s recipients.",
                        sent,
                    )
                    % {"n": sent},
                )
                unreached = queries.without_representative(queries.electorate(assembly))
                if unreached:
                    messages.warning(
                        request,
                        ngettext(
                            "%(n)s member organisation has no confirmed representative: "
                            "it received no convocation.",
                            "%(n)s member organisations have no confirmed representative: "
                            "they received no convocation.",
                            len(unreached),
                        )
                        % {"n": len(unreached)},
                    )
                return redirect("governance:staff_assembly", pk=pk)
            elif action == "open":
                motion = get_object_or_404(Motion, pk=request.POST.get("motion"), assembly=assembly)
                sent = services_ballot.open_motion(motion)
                messages.success(
                    request,
                    _("Vote open; %(n)s emails with voting links queued.") % {"n": sent},
                )
                return redirect("governance:staff_assembly", pk=pk)
        except GovernanceError as error:
            messages.error(request, error.message)
            return redirect("governance:staff_assembly", pk=pk)
    status = 400 if any(f.errors for f in forms.values()) else 200
    return render(
        request,
        "governance/staff/assembly_detail.html",
        _detail_context(assembly, **forms),
        status=status,
    )


@staff_required
def close_motion(request, pk, motion_pk):
    """Closing a vote says what will happen (no vote after, results counted and shown)
    with the participation and quorum so far, and asks to confirm. Closing twice (a second
    click, the back button) counts once."""
    assembly = get_object_or_404(Assembly, pk=pk)
    motion = get_object_or_404(Motion, pk=motion_pk, assembly=assembly)
    if request.method == "POST":
        try:
            services_count.close_motion(motion)
        except GovernanceError:
            messages.info(request, _("This vote was already closed: nothing changed."))
        else:
            messages.success(request, _("Vote closed and counted."))
        return redirect("governance:staff_assembly", pk=pk)
    return render(
        request,
        "governance/staff/close_motion.html",
        {
            "assembly": assembly,
            "motion": motion,
            "voted": motion.participations.count(),
            "stats": queries.attendance(assembly),
        },
    )


@staff_required
def close_assembly(request, pk):
    """Closing the assembly closes every open vote: the page lists them and asks first."""
    assembly = get_object_or_404(Assembly, pk=pk)
    if request.method == "POST":
        if assembly.status == Assembly.Status.CLOSED:
            messages.info(request, _("The assembly was already closed: nothing changed."))
        else:
            services_count.close_assembly(assembly)
            messages.success(request, _("The assembly is closed."))
        return redirect("governance:staff_assembly", pk=pk)
    return render(
        request,
        "governance/staff/close_assembly.html",
        {"assembly": assembly, "open_motions": assembly.motions.filter(status=Motion.Status.OPEN)},
    )


@staff_required
def attendance(request, pk):
    """The register with sign-in buttons, and the live quorum (htmx polls the fragment)."""
    assembly = get_object_or_404(Assembly, pk=pk)
    if request.method == "POST" and request.POST.get("action") == "proxy":
        return _record_proxy(request, assembly)
    if request.method == "POST" and request.POST.get("action") == "reissue":
        voter = get_object_or_404(Voter, pk=request.POST.get("voter"), assembly=assembly)
        sent = services_ballot.reissue_links(voter)
        messages.success(
            request,
            _("New voting links for %(org)s: the old ones no longer work (%(n)s emails queued).")
            % {"org": voter.organisation, "n": sent},
        )
        return redirect("governance:staff_attendance", pk=pk)
    if request.method == "POST":
        voter = get_object_or_404(Voter, pk=request.POST.get("voter"), assembly=assembly)
        services.sign_in(voter, present=request.POST.get("present") == "1")
        if request.htmx:
            return render(
                request,
                "governance/staff/_attendance_row.html",
                {"v": queries.register_rows(assembly).get(pk=voter.pk), "assembly": assembly},
            )
        return redirect("governance:staff_attendance", pk=pk)
    return render(
        request,
        "governance/staff/attendance.html",
        {
            "assembly": assembly,
            "rows": queries.register_rows(assembly),
            "stats": queries.attendance(assembly),
        },
    )


def _record_proxy(request, assembly):
    """A proxy handed in on paper at the door, recorded by staff (same rules as online)."""
    voters = assembly.voters.filter(is_active=True)
    giver = voters.filter(pk=request.POST.get("giver")).first()
    if giver is None:
        messages.error(request, _("Choose the organisation that gives its proxy."))
    elif request.POST.get("withdraw"):
        services.withdraw_proxy(giver)
        messages.success(
            request,
            _("The proxy is withdrawn: %(org)s votes itself again.") % {"org": giver.organisation},
        )
    else:
        holder = voters.filter(pk=request.POST.get("holder")).first()
        try:
            if holder is None:
                raise GovernanceError(_("Choose the organisation that holds the proxy."))
            services.give_proxy(giver, holder, by=request.user)
        except GovernanceError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(holder)s will cast the vote of %(org)s.")
                % {"holder": holder.organisation, "org": giver.organisation},
            )
    return redirect("governance:staff_attendance", pk=assembly.pk)


@staff_required
def attendance_live(request, pk):
    assembly = get_object_or_404(Assembly, pk=pk)
    return render(
        request,
        "governance/staff/_quorum.html",
        {"assembly": assembly, "stats": queries.attendance(assembly), "poll": True},
    )


@staff_required
def room_vote(request, pk, motion_pk):
    """Record a show of hands: one choice per organisation signed in (and proxies held)."""
    assembly = get_object_or_404(Assembly, pk=pk)
    motion = get_object_or_404(Motion, pk=motion_pk, assembly=assembly, kind=Motion.Kind.RESOLUTION)
    voted = set(motion.participations.values_list("voter_id", flat=True))
    present = [
        v
        for v in queries.register_rows(assembly).filter(is_active=True)
        if services_ballot.caster_of(v).present_at is not None
    ]
    if request.method == "POST":
        answers = {v.pk: request.POST.get(f"v{v.pk}", "") for v in present if v.pk not in voted}
        report = services_ballot.record_room_votes(motion, answers, by=request.user)
        messages.success(
            request,
            ngettext("%(n)s vote recorded.", "%(n)s votes recorded.", report["recorded"])
            % {"n": report["recorded"]},
        )
        for refused in report["refused"]:
            messages.error(request, refused)
        return redirect("governance:staff_room_vote", pk=pk, motion_pk=motion.pk)
    return render(
        request,
        "governance/staff/room_vote.html",
        {
            "assembly": assembly,
            "motion": motion,
            "present": present,
            "voted": voted,
            "choices": services_ballot.Choice.choices,
        },
    )


@staff_required
def audit(request, pk, motion_pk):
    """Who voted, how (online, in the room, by proxy) — never what."""
    assembly = get_object_or_404(Assembly, pk=pk)
    motion = get_object_or_404(Motion, pk=motion_pk, assembly=assembly)
    return render(
        request,
        "governance/staff/audit.html",
        {
            "assembly": assembly,
            "motion": motion,
            "participations": queries.participations(motion),
            "ballots": motion.ballots.count(),
        },
    )


@staff_required
def minutes_pdf(request, pk):
    assembly = get_object_or_404(Assembly, pk=pk)
    response = HttpResponse(minutes.render_minutes(assembly), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="proces-verbal-{assembly.slug}.pdf"'
    return response


@staff_required
@require_POST
def resend_links(request, pk, motion_pk):
    """Email the voting links of an open vote again (same links: they stay single-use)."""
    assembly = get_object_or_404(Assembly, pk=pk)
    motion = get_object_or_404(Motion, pk=motion_pk, assembly=assembly, status=Motion.Status.OPEN)
    sent = services_ballot.send_vote_links(motion)
    messages.success(request, _("%(n)s emails with voting links queued.") % {"n": sent})
    return redirect("governance:staff_assembly", pk=pk)
