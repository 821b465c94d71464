"""The staff's minimal side of the agenda: the events with their fill rates, and the page
the confirmation's QR code opens at the door (the rest is in the staff modules)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tisser.accounts.decorators import staff_editor_required
from tisser.events.models import Event, EventKind, Registration
from tisser.events.registration import tokens
from tisser.events.staff import editing
from tisser.events.staff import editing as services_editing
from tisser.events.staff import queries as queries_staff
from tisser.events.staff.forms_events import (
    EventForm,
    EventKindForm,
    ProgrammeFormSet,
    QuestionFormSet,
    SessionFormSet,
)


@staff_editor_required
def staff_events(request):
    rows = queries_staff.fill_rows(
        queries_staff.events_with_counts().order_by("-first_starts_at", "pk")
    )
    return render(request, "events/staff/events.html", {"rows": rows})


@staff_editor_required
def checkin(request, token):
    """Opened by scanning the QR code of a confirmation: staff mark the person present."""
    try:
        registration = tokens.registration_from_checkin_token(token)
    except tokens.BadToken as error:
        message = _("This ticket has expired.") if error.expired else _("This ticket is not valid.")
        return render(request, "events/bad_link.html", {"message": message}, status=400)
    sessions = registration.sessions
    today = timezone.localdate()
    current = next(
        (s for s in sessions if timezone.localtime(s.starts_at).date() == today),
        sessions[0] if sessions else None,
    )
    if request.method == "POST" and current is not None:
        if not registration.holds_place:
            messages.error(request, _("This registration is not confirmed."))
        else:
            editing.mark_attendance(registration, current, attended=True)
            messages.success(request, _("%(name)s is checked in.") % {"name": registration.person})
        return redirect("events:checkin", token=token)
    attended = registration.attendances.filter(session=current, attended=True).exists()
    return render(
        request,
        "events/staff/checkin.html",
        {"registration": registration, "session": current, "attended": attended},
    )


@staff_editor_required
def staff_event_edit(request, pk=None):
    """Create or edit an event with its sessions, programme (workshops) and questions."""
    event = get_object_or_404(Event, pk=pk) if pk else Event()
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    form = EventForm(data, files, instance=event)
    sessions = SessionFormSet(data, instance=event, prefix="sessions")
    programme = ProgrammeFormSet(data, instance=event, prefix="programme")
    questions = QuestionFormSet(data, instance=event, prefix="questions")
    formsets = (sessions, programme, questions)
    if data is not None and form.is_valid() and all(f.is_valid() for f in formsets):
        try:
            saved = services_editing.save_event_forms(form, sessions, programme, questions)
        except services_editing.StillRegistered as error:
            form.add_error(
                None,
                _(
                    "“%(name)s” has registrants: it cannot be removed or made smaller than "
                    "the places taken. Nothing was saved."
                )
                % {"name": error},
            )
        else:
            messages.success(request, _("The event is saved."))
            return redirect("events:staff_event_edit", pk=saved.pk)
    status = 400 if data is not None else 200
    return render(
        request,
        "events/staff/event_form.html",
        {
            "event": event if event.pk else None,
            "form": form,
            "sessions": sessions,
            "programme": programme,
            "questions": questions,
        },
        status=status,
    )


@staff_editor_required
def staff_event_cancel(request, pk):
    """Cancelling an event says what will happen (who is told, that registration closes)
    and asks to confirm; confirming twice tells nobody twice."""
    event = get_object_or_404(Event, pk=pk)
    if request.method == "POST":
        told = services_editing.cancel_event(event)
        if told is None:
            messages.info(request, _("This event was already cancelled: nobody was told again."))
        else:
            messages.success(
                request,
                ngettext(
                    "The event is cancelled; %(n)d registrant is told by email.",
                    "The event is cancelled; %(n)d registrants are told by email.",
                    told,
                )
                % {"n": told},
            )
        return redirect("events:staff_event_edit", pk=event.pk)
    live = Registration.objects.filter(event=event).exclude(status=Registration.Status.CANCELLED)
    return render(
        request,
        "events/staff/event_cancel.html",
        {
            "event": event,
            "confirmed": live.filter(status__in=Registration.HOLDS_PLACE).count(),
            "waiting": live.filter(status=Registration.Status.WAITLISTED).count(),
            "live": live.count(),
        },
    )


@staff_editor_required
def staff_kinds(request):
    """The kinds of event the network uses; add one."""
    form = EventKindForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services_editing.save_kind(form)
        messages.success(request, _("The kind of event is added."))
        return redirect("events:staff_kinds")
    return render(
        request,
        "events/staff/kinds.html",
        {"kinds": EventKind.objects.all(), "form": form},
        status=400 if request.method == "POST" else 200,
    )
