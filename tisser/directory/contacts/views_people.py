"""Staff pages for people: list and search, detail with roles and consents, add, edit."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tisser.accounts.decorators import staff_admin_required
from tisser.accounts.decorators import staff_editor_required as staff_required
from tisser.core.forms import posted_data
from tisser.core.listing import Listing, Sort, email_addresses_page, is_filtered, keep_selected
from tisser.directory.contacts import queries as queries_staff
from tisser.directory.contacts import queries_people, services, services_privacy
from tisser.directory.contacts.forms import AffiliationForm, ConsentForm, PersonForm, apply_errors
from tisser.directory.contacts.views import PAGE_SIZE
from tisser.directory.contacts.views_merge_people import follows_merges
from tisser.directory.models import Affiliation, Person

PERSON_SORTS = (
    Sort("name", gettext_lazy("Name"), ("last_name", "first_name")),
    Sort("email", gettext_lazy("Email"), ("email",)),
    Sort("added", gettext_lazy("Added on"), ("created_at",), descending_first=True),
)


@staff_required
def person_list(request):
    qs = queries_staff.staff_people(request.GET).prefetch_related("affiliations__organisation")
    listing = Listing(request, qs, sorts=PERSON_SORTS, default_sort="name", per_page=PAGE_SIZE)
    return render(
        request,
        "directory/staff/person_list.html",
        {
            "listing": listing,
            "page": listing.page,
            "params": request.GET,
            "filtered": is_filtered(request.GET),
            "query": listing.query,
        },
    )


@staff_required
@require_POST
def person_emails(request):
    """The addresses of the ticked people (or of the whole filtered list)."""
    qs = keep_selected(queries_staff.staff_people(request.GET), request.POST)
    return email_addresses_page(
        request,
        qs.values_list("email", flat=True),
        title=_("Write to these people"),
        back_url=reverse("directory:staff_people"),
    )


def _detail_context(person, **forms):
    return {
        "person": person,
        "affiliations": person.affiliations.select_related("organisation"),
        "consents": person.consents.all(),
        "events": person.events.select_related("author"),
        "consent_form": forms.get("consent_form") or ConsentForm(),
    }


@staff_required
@follows_merges
def person_detail(request, pk):
    person = get_object_or_404(Person, pk=pk)
    return render(request, "directory/staff/person_detail.html", _detail_context(person))


@staff_required
def person_form(request, pk=None):
    if pk is not None and not Person.objects.filter(pk=pk).exists():
        return _merged_form(request, pk=pk)
    person = get_object_or_404(Person, pk=pk) if pk else None
    initial = {f: getattr(person, f) for f in services.PERSON_FIELDS} if person else None
    form = PersonForm(posted_data(request)[0], initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.to_data()
        namesakes = (
            []
            if person or request.POST.get("create_anyway")
            else queries_people.namesakes(data.get("first_name", ""), data.get("last_name", ""))
        )
        if namesakes:
            # "Claire Benali" again: one person should have one record.
            return render(
                request,
                "directory/staff/person_form.html",
                {"form": form, "person": None, "namesakes": namesakes},
            )
        try:
            if person:
                person = services.update_person(person, form.to_data(), by=request.user)
            else:
                person = services.create_person(form.to_data())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The contact has been saved."))
            return redirect("directory:staff_person_detail", pk=person.pk)
    return render(
        request,
        "directory/staff/person_form.html",
        {"form": form, "person": person},
        status=400 if form.errors else 200,
    )


@follows_merges
def _merged_form(request, pk):
    raise Http404


@staff_required
@require_POST
def person_consent(request, pk):
    person = get_object_or_404(Person, pk=pk)
    form = ConsentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_consent(
                person,
                purpose=data["purpose"],
                method=data["method"],
                wording=data["wording"],
                source=data["source"],
                given=data["given"],
                at=data["at"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The consent has been recorded."))
            return redirect("directory:staff_person_detail", pk=person.pk)
    return render(
        request,
        "directory/staff/person_detail.html",
        _detail_context(person, consent_form=form),
        status=400,
    )


@staff_required
def affiliation_edit(request, pk):
    affiliation = get_object_or_404(
        Affiliation.objects.select_related("person", "organisation"), pk=pk
    )
    form = AffiliationForm(
        posted_data(request)[0],
        initial={"role": affiliation.role, "is_representative": affiliation.is_representative},
    )
    if request.method == "POST":
        if request.POST.get("action") == "remove":
            services.remove_affiliation(affiliation)
            messages.success(request, _("The link has been removed."))
            return redirect("directory:staff_person_detail", pk=affiliation.person_id)
        if form.is_valid():
            services.update_affiliation(affiliation, **form.cleaned_data, by=request.user)
            messages.success(request, _("The role has been saved."))
            return redirect("directory:staff_person_detail", pk=affiliation.person_id)
    return render(
        request, "directory/staff/affiliation_form.html", {"form": form, "affiliation": affiliation}
    )


def json_download(data: dict, filename: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@staff_admin_required
def person_export_data(request, pk):
    """A person's data as JSON (a GDPR access request); the export is recorded."""
    person = get_object_or_404(Person, pk=pk)
    data = services_privacy.export_person(person, actor=request.user)
    return json_download(data, f"personne-{person.pk}.json")


@staff_admin_required
def person_erase(request, pk):
    """Confirmation page, then erasure (a GDPR erasure request)."""
    person = get_object_or_404(Person, pk=pk)
    if request.method == "POST":
        if person.erased_at:
            messages.info(request, _("This person's data has already been erased."))
            return redirect("directory:staff_person_detail", pk=person.pk)
        services_privacy.erase_person(person.pk, actor=request.user)
        messages.success(
            request,
            _("The person's data has been erased. The record stays, anonymised, so counts hold."),
        )
        return redirect("directory:staff_person_detail", pk=person.pk)
    return render(
        request,
        "directory/staff/person_erase.html",
        {"person": person, "affiliations": person.affiliations.select_related("organisation")},
    )
