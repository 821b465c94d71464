"""Staff pages of one event: participants with filters, exports, badges and signature
sheet, actions on a registration, duplication; and the year's attendance statistics.
Thin: reads in queries_staff, writes in services / services_staff."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from tisser.accounts.decorators import staff_editor_required as staff_required
from tisser.core.listing import Listing, Sort, email_addresses_page, keep_selected, selected_ids
from tisser.events.models import Registration
from tisser.events.registration import changes, rules
from tisser.events.staff import exports, pdf
from tisser.events.staff import queries as queries_staff
from tisser.events.staff import services as services_staff
from tisser.events.staff.forms import DuplicateForm, ParticipantFilterForm, PaymentForm


def event_or_404(pk):
    """The event a staff page is about (any status), or 404; the check-in pages use it too."""
    event = queries_staff.staff_event(pk)
    if event is None:
        raise Http404
    return event


def _filtered(request, event):
    form = ParticipantFilterForm(request.GET or None, event=event)
    filters = queries_staff.ParticipantFilters.from_query(request.GET)
    return form, queries_staff.participants(event, filters)


PARTICIPANT_SORTS = (
    Sort("name", gettext_lazy("Name"), ("person__last_name", "person__first_name")),
    Sort("organisation", gettext_lazy("Organisation"), ("organisation__name",)),
    Sort("status", gettext_lazy("Status"), ("status",)),
    Sort("payment", gettext_lazy("Payment"), ("payment_status",)),
    Sort("registered", gettext_lazy("Registered on"), ("created_at",), descending_first=True),
)


@staff_required
def participants(request, pk):
    event = event_or_404(pk)
    form, rows = _filtered(request, event)
    # 25 a page: on a phone each registration is a card of a dozen lines.
    listing = Listing(request, rows, sorts=PARTICIPANT_SORTS, default_sort="name", per_page=25)
    questions = list(event.questions.all())
    for r in listing.rows:
        r.answers_shown = [(q.text, queries_staff.answer_of(r, q)) for q in questions]
        r.workshops_label = queries_staff.workshops_of(r)
        r.present = queries_staff.attended_sessions(r)
    return render(
        request,
        "events/staff/participants.html",
        {
            "event": event,
            "form": form,
            "listing": listing,
            "questions": questions,
            "counts": queries_staff.counts(event),
            "query": listing.query,
            "filtered": any(name not in ("sort", "page", "per_page") for name in request.GET),
            "payment_choices": Registration.Payment.choices,
            "sessions": event.sessions_list,
        },
    )


def _back_to_list(request, event):
    back = reverse("events:staff_participants", args=[event.pk])
    query = request.POST.get("next_query", "")
    return redirect(f"{back}?{query}" if query else back)


@staff_required
@require_POST
def bulk_checkin(request, pk):
    """The ticked registrations are marked present at the session chosen in the bar."""
    event = event_or_404(pk)
    ids = selected_ids(request.POST)
    session = _sheet_session(request, event, request.POST) or (
        event.sessions_list[0] if len(event.sessions_list) == 1 else None
    )
    if not ids:
        messages.error(request, _("Tick the people to check in first."))
    elif session is None:
        messages.error(request, _("Choose the session they are present at."))
    else:
        done = services_staff.check_in_many(event, session, ids)
        messages.success(
            request,
            ngettext("%(count)s person is checked in.", "%(count)s people are checked in.", done)
            % {"count": done},
        )
    return _back_to_list(request, event)


@staff_required
@require_POST
def bulk_emails(request, pk):
    """The addresses of the ticked participants (or of the whole filtered list), to write
    to them from one's own mail program."""
    event = event_or_404(pk)
    _form, rows = _filtered(request, event)
    rows = keep_selected(rows, request.POST)
    emails = Registration.objects.filter(pk__in=rows.values("pk")).order_by()
    return email_addresses_page(
        request,
        emails.values_list("person__email", flat=True),
        title=_("Write to the participants of %(event)s") % {"event": event.title},
        back_url=reverse("events:staff_participants", args=[event.pk]),
    )


@staff_required
def export(request, pk, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    event = event_or_404(pk)
    _form, rows = _filtered(request, event)
    rows = keep_selected(rows, request.POST)  # the rows ticked in the list, if any
    stamp = timezone.localdate().isoformat()
    name = f"participants-{event.slug}-{stamp}"
    if fmt == "csv":
        response = HttpResponse(exports.to_csv(event, rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    response = HttpResponse(exports.to_xlsx(event, rows), content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


def _sheet_session(request, event, data=None):
    value = (data if data is not None else request.GET).get("session", "")
    if value.isdigit():
        for session in event.sessions_list:
            if session.pk == int(value):
                return session
    return None


@staff_required
def badges(request, pk):
    event = event_or_404(pk)
    session = _sheet_session(request, event)
    content = pdf.badges(event, queries_staff.sheet_rows(event, session))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="badges-{event.slug}.pdf"'
    return response


@staff_required
def attendance_sheet(request, pk):
    """A course's sheet has one signature column per day; a per-session event, one
    column for the session asked for (or each session when none is)."""
    event = event_or_404(pk)
    session = _sheet_session(request, event)
    sessions = [session] if session else event.sessions_list
    content = pdf.attendance_sheet(event, queries_staff.sheet_rows(event, session), sessions)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="emargement-{event.slug}.pdf"'
    return response


@staff_required
@require_POST
def registration_action(request, pk, registration_pk):
    event = event_or_404(pk)
    registration = get_object_or_404(Registration, pk=registration_pk, event=event)
    action = request.POST.get("action", "")
    try:
        if action == "cancel":
            promoted = changes.cancel_registration(registration)
            messages.success(
                request,
                _("The registration of %(name)s is cancelled.") % {"name": registration.person},
            )
            for other in promoted:
                messages.info(
                    request,
                    _("%(name)s was offered the place from the waiting list.")
                    % {"name": other.person},
                )
        elif action == "promote":
            services_staff.promote_registration(registration)
            messages.success(
                request,
                _("%(name)s now has a place and was sent the confirmation.")
                % {"name": registration.person},
            )
        elif action == "payment":
            form = PaymentForm(request.POST)
            if not form.is_valid():
                raise rules.RegistrationError(_("Choose a payment status."))
            services_staff.record_payment(registration, form.cleaned_data["payment_status"])
            messages.success(
                request,
                _("Payment of %(name)s recorded: %(status)s.")
                % {
                    "name": registration.person,
                    "status": registration.get_payment_status_display(),
                },
            )
        else:
            raise rules.RegistrationError(_("Unknown action."))
    except rules.RegistrationError as error:
        messages.error(request, error.message)
    back = reverse("events:staff_participants", args=[event.pk])
    query = request.POST.get("next_query", "")
    return redirect(f"{back}?{query}" if query else back)


@staff_required
def duplicate(request, pk):
    event = event_or_404(pk)
    form = DuplicateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        copy = services_staff.duplicate_event(
            event, form.cleaned_data["first_day"], title=form.cleaned_data["title"]
        )
        messages.success(
            request,
            _("“%(title)s” was copied; the copy is not public until you publish it.")
            % {"title": copy.title},
        )
        return redirect("events:staff_participants", pk=copy.pk)
    return render(request, "events/staff/duplicate.html", {"event": event, "form": form})


@staff_required
def statistics(request):
    this_year = timezone.localdate().year
    value = request.GET.get("year", "")
    year = int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else this_year
    stats = queries_staff.attendance_stats(year)
    return render(
        request,
        "events/staff/statistics.html",
        {
            "stats": stats,
            "years": range(this_year - 4, this_year + 2),
            "groups": [
                (_("By event"), stats.by_event, queries_staff.bar_chart(stats.by_event)),
                (
                    _("By kind of organisation"),
                    stats.by_legal_form,
                    queries_staff.bar_chart(stats.by_legal_form),
                ),
                (
                    _("By département"),
                    stats.by_territory,
                    queries_staff.bar_chart(stats.by_territory),
                ),
            ],
        },
    )
