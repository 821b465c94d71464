"""Check-in at the door on a phone: staff pick the session, type a few letters of a name
(accents and case ignored; htmx updates the list as they type, a plain form without
script) and tap "present". The QR code of the confirmation opens `events:checkin`
(views_staff_events), which marks the same attendance."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tisser.accounts.decorators import staff_editor_required as staff_required
from tisser.core.middleware import PERMISSIONS_POLICY, checks_own_input
from tisser.directory.contacts.forms import apply_errors
from tisser.events.models import Registration
from tisser.events.registration import rules, tokens
from tisser.events.staff import queries as queries_staff
from tisser.events.staff import services as services_staff
from tisser.events.staff.forms import WalkInForm
from tisser.events.staff.views import event_or_404


def _session(request, event):
    """The session asked for, else today's, else the next one, else the last."""
    sessions = event.sessions_list
    value = request.GET.get("session") or request.POST.get("session") or ""
    for session in sessions:
        if value.isdigit() and session.pk == int(value):
            return session
    today = timezone.localdate()
    for session in sessions:
        if timezone.localtime(session.starts_at).date() == today:
            return session
    now = timezone.now()
    upcoming = [s for s in sessions if s.ends_at >= now]
    return upcoming[0] if upcoming else (sessions[-1] if sessions else None)


def _checkin_prefixes() -> str:
    """Where a ticket's link starts: this site's address as the emails write it, and the
    same path on whatever address the phone uses (the scanner accepts either)."""
    path, _after = tokens.around_token("events:checkin")
    return f"{path} {settings.SITE_URL}{path}"


def _desk(request, event, session, *, walk_in_form=None, status=200):
    text = request.GET.get("q", "").strip()
    results = queries_staff.search_for_checkin(event, session, text) if session and text else []
    context = {
        "event": event,
        "session": session,
        "sessions": event.sessions_list,
        "q": text,
        "results": results,
        "present_count": session.attendances.filter(attended=True).count() if session else 0,
        "checkin_prefixes": _checkin_prefixes(),
        "walk_in_form": walk_in_form or WalkInForm(),
        "walk_in_open": walk_in_form is not None or (text and not results),
    }
    if request.htmx:
        return render(request, "events/staff/_checkin_results.html", context)
    response = render(request, "events/staff/checkin_desk.html", context, status=status)
    # This page alone may use the camera, for the in-page scanner (same origin only).
    response["Permissions-Policy"] = PERMISSIONS_POLICY.replace("camera=()", "camera=(self)")
    return response


@staff_required
def desk(request, pk):
    event = event_or_404(pk)
    return _desk(request, event, _session(request, event))


@staff_required
@require_POST
@checks_own_input  # the form says which field is wrong and keeps what was typed
def walk_in(request, pk):
    """Someone who walks in: registered and checked in at once, then back to the desk."""
    event = event_or_404(pk)
    session = _session(request, event)
    form = WalkInForm(request.POST)
    if session is not None and form.is_valid():
        data = form.cleaned_data
        registrant = rules.Registrant(
            email=data["email"], first_name=data["first_name"], last_name=data["last_name"]
        )
        try:
            registration, new = services_staff.register_walk_in(
                event, session, registrant, organisation_name=data["organisation"]
            )
        except rules.RegistrationError as problem:
            form.add_error(None, problem.message)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            name = registration.person
            if new:
                messages.success(
                    request, _("%(name)s is registered and checked in.") % {"name": name}
                )
            else:
                messages.info(
                    request, _("%(name)s was already registered: checked in.") % {"name": name}
                )
            url = reverse("events:staff_checkin_desk", args=[event.pk])
            query = urlencode({"session": session.pk, "q": data["last_name"]})
            return redirect(f"{url}?{query}")
    return _desk(request, event, session, walk_in_form=form, status=400)


@staff_required
@require_POST
def mark(request, pk, registration_pk):
    event = event_or_404(pk)
    registration = get_object_or_404(
        Registration.objects.select_related("person", "organisation", "session", "event"),
        pk=registration_pk,
        event=event,
    )
    session = _session(request, event)
    attended = request.POST.get("attended", "1") == "1"
    error = ""
    try:
        services_staff.check_in(registration, session, attended=attended)
    except rules.RegistrationError as problem:
        error = problem.message
    registration.is_present = session.pk in {
        a.session_id for a in registration.attendances.filter(attended=True)
    }
    if request.htmx:
        return render(
            request,
            "events/staff/_checkin_row.html",
            {"r": registration, "event": event, "session": session, "q": "", "error": error},
        )
    if error:
        messages.error(request, error)
    elif attended:
        messages.success(request, _("%(name)s is checked in.") % {"name": registration.person})
    else:
        messages.info(request, _("%(name)s is marked absent.") % {"name": registration.person})
    url = reverse("events:staff_checkin_desk", args=[event.pk])
    return redirect(f"{url}?{urlencode({'session': session.pk, 'q': request.POST.get('q', '')})}")
