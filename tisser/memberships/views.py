"""Public pages of memberships: the online membership form, the representative's
memberships and certificates, and HelloAsso's notification endpoint. Thin: writes go
through `services_join` / `helloasso.notifications`."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from tisser.accounts.roles import is_staff_editor
from tisser.core.errors import json_error
from tisser.core.mail import send_templated_mail
from tisser.core.middleware import checks_own_input
from tisser.core.network import display_name
from tisser.directory.contacts import queries_claims
from tisser.directory.models import Person
from tisser.directory.permissions import represented_organisations

from . import queries, reminders, services
from .certificate import certificate_pdf
from .forms import CONSENT_WORDING, JoinForm, apply_errors
from .helloasso import notifications
from .helloasso.client import HelloAssoClient, HelloAssoError
from .models import MembershipYear
from .services_join import Applicant, apply_for_membership

log = logging.getLogger(__name__)
DONE_SALT = "memberships.join-done"


def open_years():
    """The years one may join for: today's, and the next one near the end of the year."""
    today = timezone.localdate()
    current = services.ensure_current_year()
    ids = [current.pk]
    near_end = current.ends_on - datetime.timedelta(
        days=settings.TISSER_MEMBERSHIP_REMIND_BEFORE_DAYS
    )
    if today >= near_end:
        ids.append(services.ensure_year(current.ends_on.year + 1).pk)
    return MembershipYear.objects.filter(pk__in=ids).order_by("year")


def _initial(request, years) -> tuple[dict, object]:
    """Pre-fill for a renewal: from a signed reminder link, or the representative's own."""
    org = None
    person = None
    if token := request.GET.get("renouveler"):
        org = reminders.organisation_from_token(token)
        if org is not None:
            last = queries.memberships_of(org).exclude(representative=None).first()
            person = last.representative if last else None
    elif request.user.is_authenticated:
        org = represented_organisations(request.user).first()
        person = Person.objects.filter(user=request.user).first()
    initial = {"year": years.first()}
    if org is not None:
        initial.update(
            {
                "name": org.name,
                "siret": org.siret,
                "legal_form": org.legal_form,
                "workforce": org.workforce,
                "address": org.address,
                "postcode": org.postcode,
                "commune": org.commune.name if org.commune_id else "",
            }
        )
        if last_college := queries.memberships_of(org).exclude(college=None).first():
            initial["college"] = last_college.college
        if queries.is_member(org, years.first().starts_on) and years.count() > 1:
            initial["year"] = years.last()
    if person is not None:
        initial.update(
            {
                "first_name": person.first_name,
                "last_name": person.last_name,
                "email": person.email,
            }
        )
    return initial, org


def join(request):
    years = open_years()
    initial, org = _initial(request, years)
    form = JoinForm(
        request.POST if request.method == "POST" else None, years=years, initial=initial
    )
    if request.method == "POST" and form.is_robot():
        # Say nothing a robot could learn from; store nothing.
        return redirect(f"{reverse('memberships:join_done')}?m=")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        applicant = Applicant(
            name=data["name"],
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            phone=data["phone"],
            role=data["role"],
            siret=data["siret"],
            legal_form=data["legal_form"],
            workforce=data["workforce"],
            address=data["address"],
            postcode=data["postcode"],
            commune=data["commune_obj"],
        )
        source = "staff" if is_staff_editor(request.user) else "form"
        try:
            membership, created = apply_for_membership(
                applicant,
                data["year"],
                college=data.get("college"),
                source=source,
                free_amount=data.get("free_amount"),
                author=request.user if request.user.is_authenticated else None,
                consent_wording=str(CONSENT_WORDING),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if created:
                send_templated_mail(
                    to=[applicant.email],
                    subject=_("We received your membership request"),
                    template="memberships/email/received",
                    context={
                        "heading": _("Thank you for joining %(network)s")
                        % {"network": display_name()},
                        "lines": [
                            _("We received the membership request of %(org)s for %(year)s.")
                            % {"org": membership.organisation.name, "year": membership.year.year},
                            _(
                                "Amount due: %(amount)s €. Our team validates it on receipt of payment."
                            )
                            % {"amount": number_format(membership.amount_due, 2)},
                        ],
                    },
                )
            claim = queries_claims.link_of(applicant.email, membership.organisation)
            token = signing.dumps(
                {"m": membership.pk, "c": created, "a": claim.pk if claim else None},
                salt=DONE_SALT,
            )
            return redirect(f"{reverse('memberships:join_done')}?m={token}")
    return render(
        request,
        "memberships/join.html",
        {
            "form": form,
            "renewing": org,
            "fees": queries.fee_rules(years.first()),
            "helloasso_url": settings.TISSER_HELLOASSO_FORM_URL,
        },
    )


def join_done(request):
    """The summary of the request just sent (named by a signed, one-hour token); without
    a valid token, a plain thank-you (what a robot caught by the trap sees).

    The membership's amount and status are shown only when this request created it (or to
    a verified representative): anyone may type an organisation's name in the form, and
    must not learn its membership that way. A claim to represent it is said to be waiting.
    """
    try:
        done = signing.loads(request.GET.get("m", ""), salt=DONE_SALT, max_age=3600)
    except signing.BadSignature:
        done = None
    if not isinstance(done, dict):
        done = {}
    membership = (
        queries.memberships_of_all()
        .select_related("organisation", "year")
        .filter(pk=done.get("m"))
        .first()
        if isinstance(done.get("m"), int)
        else None
    )
    claim = None
    if membership is not None and isinstance(done.get("a"), int):
        claim = queries_claims.link_of_organisation(done["a"], membership.organisation_id)
    shows_membership = membership is not None and (
        done.get("c") is True
        or represented_organisations(request.user).filter(pk=membership.organisation_id).exists()
    )
    return render(
        request,
        "memberships/join_done.html",
        {
            "membership": membership,
            "shows_membership": shows_membership,
            "claim": claim,
            "helloasso_url": settings.TISSER_HELLOASSO_FORM_URL,
        },
    )


def my_memberships(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    organisations = represented_organisations(request.user).prefetch_related(
        "memberships__year", "memberships__college"
    )
    return render(request, "memberships/my_memberships.html", {"organisations": organisations})


def certificate(request, pk):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    membership = get_object_or_404(
        queries.memberships_of_all().select_related("organisation__commune", "year", "college"),
        pk=pk,
    )
    allowed = is_staff_editor(request.user) or (
        represented_organisations(request.user).filter(pk=membership.organisation_id).exists()
    )
    if not allowed:
        raise PermissionDenied
    if not membership.is_validated:
        raise Http404
    response = HttpResponse(certificate_pdf(membership), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="attestation-{membership.year.year}-{membership.organisation.slug}.pdf"'
    )
    return response


@csrf_exempt
@checks_own_input
@require_POST
def helloasso_webhook(request):
    """HelloAsso's notifications: 403 forged (nothing kept), 400 signed but unusable (kept
    for staff, with the reason), 503 when the API cannot confirm (HelloAsso retries)."""
    client = HelloAssoClient.from_settings()
    try:
        memberships = notifications.handle(
            request.body, request.headers.get(notifications.SIGNATURE_HEADER, ""), client=client
        )
    except notifications.NotificationRefused as error:
        log.warning("HelloAsso notification refused: %s", error)
        return json_error(403, "forbidden", "refused")
    except notifications.NotificationUnreadable as error:
        log.warning("HelloAsso notification unreadable: %s", error)
        notifications.keep_unreadable(request.body, str(error))
        return json_error(400, "bad_request", str(error))
    except HelloAssoError as error:
        log.warning("HelloAsso notification not confirmed: %s", error)
        return json_error(503, "unavailable", "HelloAsso's API did not answer")
    finally:
        if client is not None:
            client.close()
    return JsonResponse({"memberships": [m.pk for m in memberships]})
