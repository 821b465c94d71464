"""Claims to belong to or represent an organisation: the staff page (accept or refuse in
one click), and the page an emailed link opens for a verified representative. Thin:
decisions go through `services_claims`."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tisser.accounts.decorators import staff_editor_required as staff_required
from tisser.directory.contacts import queries_claims, services_claims
from tisser.directory.models import Affiliation


@staff_required
def claim_list(request):
    return render(
        request, "directory/staff/claims.html", {"claims": queries_claims.pending_claims()}
    )


def _decide_as_staff(request, pk, decide, done_message):
    get_object_or_404(Affiliation, pk=pk)
    try:
        affiliation = decide(pk, by=request.user)
    except services_claims.ClaimError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            done_message % {"person": affiliation.person, "org": affiliation.organisation.name},
        )
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("directory:staff_claims")


@staff_required
@require_POST
def claim_accept(request, pk):
    return _decide_as_staff(
        request, pk, services_claims.accept, _("Confirmed: %(person)s and %(org)s.")
    )


@staff_required
@require_POST
def claim_refuse(request, pk):
    return _decide_as_staff(
        request, pk, services_claims.refuse, _("Refused: %(person)s and %(org)s.")
    )


def _link_problem(request, problem: str, message: str = "", status: int = 400):
    return render(
        request,
        "directory/claims/link_problem.html",
        {"problem": problem, "message": message},
        status=status,
    )


def claim_decision(request, token):
    """What an emailed link opens: the claim and one button (a GET never decides, so that
    mail scanners following links change nothing)."""
    try:
        link = services_claims.read_decision_token(token)
    except services_claims.LinkInvalid as error:
        return _link_problem(request, "expired" if error.expired else "invalid")
    affiliation = (
        Affiliation.objects.select_related("person", "organisation")
        .filter(pk=link.affiliation_id)
        .first()
    )
    context = {"link": link, "claim": affiliation, "token": token}
    if affiliation is None or not affiliation.is_pending or link.nonce != affiliation.claim_nonce:
        return render(request, "directory/claims/decided.html", context, status=409)
    try:
        if request.method == "POST":
            affiliation = services_claims.decide_by_link(token)
            return render(request, "directory/claims/done.html", {**context, "claim": affiliation})
        context["reviewer"] = services_claims.link_reviewer(link, affiliation)
    except services_claims.AlreadyDecided:
        return render(request, "directory/claims/decided.html", context, status=409)
    except services_claims.ClaimError as error:
        return _link_problem(request, "refused", error.message, status=403)
    except services_claims.LinkInvalid:
        return _link_problem(request, "invalid")
    return render(request, "directory/claims/decide.html", context)
