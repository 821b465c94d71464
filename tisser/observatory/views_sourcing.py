"""Supplier sourcing for public buyers (`/sourcing/`): search, map and list, shortlists
saved and shared by a signed link, exported as CSV, XLSX or PDF. Thin: reads from
`sourcing`, writes through `services`."""

from __future__ import annotations

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tisser.accounts.decorators import staff_editor_required
from tisser.accounts.roles import is_staff_editor
from tisser.directory.contacts.exports import csv_response, xlsx_response
from tisser.directory.models import Category, WorkforceBand

from . import services, sourcing
from .models import Shortlist
from .pdf import shortlist_pdf

SALT = "tisser.observatory.shortlist"
LINK_MAX_AGE = 365 * 24 * 3600  # a shared shortlist link works for a year
MAX_RESULTS = 500
STATUS_LABELS = [
    ("reserved", _("Any status for reserved contracts")),
    ("siae", _("SIAE (work integration)")),
    ("ea", _("Adapted company (EA)")),
    ("esat", _("ESAT")),
    ("esus", _("ESUS approval")),
]


def shortlist_token(shortlist: Shortlist) -> str:
    return signing.dumps(shortlist.pk, salt=SALT, compress=True)


def _shortlist_from_token(token: str) -> Shortlist:
    try:
        pk = signing.loads(token, salt=SALT, max_age=LINK_MAX_AGE)
    except signing.BadSignature as error:  # SignatureExpired is one too
        raise Http404 from error
    shortlist = Shortlist.objects.filter(pk=pk).first()
    if shortlist is None:
        raise Http404
    return shortlist


def search(request):
    query = sourcing.read_search(request.GET)
    searched = any(
        request.GET.get(k) for k in ("category", "naf", "commune", "territory", "status", "size")
    )
    results = sourcing.search_suppliers(query) if searched and not query.errors else []
    shown = results[:MAX_RESULTS]
    points = [
        {
            "id": org.pk,
            "name": org.name,
            "lat": org.latitude,
            "lng": org.longitude,
            "url": reverse("directory:organisation", args=[org.slug]),
        }
        for org, _d in shown
        if org.latitude is not None
    ]
    centre = query.centre
    return render(
        request,
        "observatory/sourcing.html",
        {
            "query": query,
            "searched": searched,
            "results": [(org, d, sourcing.statuses_of(org)) for org, d in shown],
            "total": len(results),
            "truncated": len(results) > MAX_RESULTS,
            "categories": Category.objects.all(),
            "statuses": STATUS_LABELS,
            "sizes": WorkforceBand.choices,
            "chosen": {
                "category": request.GET.getlist("category"),
                "status": request.GET.getlist("status"),
                "size": request.GET.getlist("size"),
            },
            "map_config": {
                "points": points,
                "centre": [centre.latitude, centre.longitude] if centre else None,
                "km": query.km,
            },
            "querystring": request.GET.urlencode(),
            "my_shortlists": Shortlist.objects.filter(owner=request.user)[:10]
            if request.user.is_authenticated
            else [],
        },
        status=400 if query.errors else 200,
    )


@require_POST
def shortlist_create(request):
    try:
        shortlist = services.create_shortlist(
            request.POST.get("name", ""),
            request.POST.getlist("organisation"),
            owner=request.user,
            query=request.POST.get("query", ""),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(reverse("observatory:sourcing") + "?" + request.POST.get("query", ""))
    messages.success(
        request,
        _("Shortlist saved. Keep or share its address: anyone with it can open the shortlist."),
    )
    return redirect("observatory:shortlist", token=shortlist_token(shortlist))


def _organisations(shortlist):
    return (
        shortlist.organisations.filter(status="published")
        .select_related("commune", "supplier_profile")
        .prefetch_related("categories")
        .order_by("name")
    )


def _invitable_events(request):
    if not is_staff_editor(request.user):
        return []
    from .events_link import events_to_invite_to

    return list(events_to_invite_to()[:50])


def shortlist_detail(request, token):
    shortlist = _shortlist_from_token(token)
    return render(
        request,
        "observatory/shortlist.html",
        {
            "shortlist": shortlist,
            "token": token,
            "share_url": request.build_absolute_uri(
                reverse("observatory:shortlist", kwargs={"token": token})
            ),
            "suppliers": [(org, sourcing.statuses_of(org)) for org in _organisations(shortlist)],
            "events": _invitable_events(request),
            "invitations": shortlist.invitations.select_related("event")
            if is_staff_editor(request.user)
            else [],
        },
    )


def shortlist_export(request, token, fmt):
    shortlist = _shortlist_from_token(token)
    headers, rows = sourcing.supplier_rows(_organisations(shortlist))
    base = request.build_absolute_uri("/").rstrip("/")
    rows = [[*row[:-1], base + row[-1]] for row in rows]
    filename = f"selection-fournisseurs-{shortlist.pk}"
    if fmt == "csv":
        return csv_response(filename, headers, rows)
    if fmt == "xlsx":
        return xlsx_response(filename, headers, rows, str(_("Suppliers")))
    if fmt == "pdf":
        response = HttpResponse(
            shortlist_pdf(shortlist, headers, rows), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
        return response
    raise Http404


def shortlist_mine(request, pk):
    """A logged-in buyer's own shortlist, by id: sent on to its signed link."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    shortlist = Shortlist.objects.filter(pk=pk, owner=request.user).first()
    if shortlist is None:
        raise Http404
    return redirect("observatory:shortlist", token=shortlist_token(shortlist))


@require_POST
@staff_editor_required
def shortlist_invite(request, token):
    """Staff invite a shortlist's suppliers to an upcoming event (a sourcing day)."""
    shortlist = _shortlist_from_token(token)
    try:
        invitation = services.invite_shortlist(
            shortlist,
            request.POST.get("event", ""),
            sender=request.user,
            message=request.POST.get("message", ""),
        )
    except (ValidationError, ValueError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [])) or _("Choose an event."))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s supplier invited to “%(event)s”.",
                "%(count)s suppliers invited to “%(event)s”.",
                invitation.recipients,
            )
            % {"count": invitation.recipients, "event": invitation.event.title},
        )
    return redirect("observatory:shortlist", token=token)
