"""Staff pages of the contacts base: organisations (list, detail with history, edit,
archive, merge). Thin: reads from `queries_staff`, writes through `services`."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tisser.accounts.decorators import staff_editor_required as staff_required
from tisser.core.forms import posted_data
from tisser.core.listing import Listing, Sort, email_addresses_page, is_filtered, keep_selected
from tisser.directory.contacts import queries as queries_staff
from tisser.directory.contacts import services
from tisser.directory.contacts.forms import (
    AddPersonForm,
    MergeChoiceForm,
    OrganisationForm,
    apply_errors,
)
from tisser.directory.models import Category, GeoPrecision, LegalForm, Organisation

PAGE_SIZE = 50


def query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


ORGANISATION_SORTS = (
    Sort("name", gettext_lazy("Name"), ("name",)),
    Sort("commune", gettext_lazy("Commune"), ("commune__name",)),
    Sort("legal_form", gettext_lazy("Legal form"), ("legal_form",)),
    Sort("status", gettext_lazy("Status"), ("status",)),
)


@staff_required
def organisation_list(request):
    qs = queries_staff.staff_list_page_rows(request.GET)
    listing = Listing(
        request, qs, sorts=ORGANISATION_SORTS, default_sort="name", per_page=PAGE_SIZE
    )
    return render(
        request,
        "directory/staff/organisation_list.html",
        {
            "listing": listing,
            "page": listing.page,
            "filtered": is_filtered(request.GET),
            "query": listing.query,
            "params": request.GET,
            "categories": Category.objects.all(),
            "legal_forms": LegalForm.choices,
            "statuses": Organisation.Status.choices,
            "precisions": [c for c in GeoPrecision.choices if c[0]],
            "selected_categories": request.GET.getlist("category"),
            "selected_statuses": request.GET.getlist("status"),
        },
    )


@staff_required
def organisation_detail(request, pk):
    org = get_object_or_404(Organisation.objects.select_related("commune"), pk=pk)
    return render(
        request,
        "directory/staff/organisation_detail.html",
        {
            "org": org,
            "affiliations": org.affiliations.select_related("person").order_by(
                "-is_representative", "status", "person__last_name"
            ),
            "history": queries_staff.history(org),
            "add_person_form": AddPersonForm(),
            "merge_form": MergeChoiceForm(),
        },
    )


def _twin_of_new(request, form) -> Organisation | None:
    """On creation, the record these details already designate (same SIRET, or same name in
    the same commune), unless the person ticked that it is a different organisation."""
    if request.POST.get("create_anyway"):
        return None
    data = form.cleaned_data
    commune = data.get("commune")
    return services.find_duplicate(
        name=data.get("name", ""),
        commune_code=commune.code if commune else None,
        siret=data.get("siret", ""),
    )


def save_organisation(request, org, *, template, public_only=False, source=None, cancel_url):
    """Shared by the staff and representative edit pages."""
    form = OrganisationForm(*posted_data(request), instance=org, public_only=public_only)
    if request.method == "POST" and form.is_valid():
        if org is None and (twin := _twin_of_new(request, form)) is not None:
            return None, render(
                request, template, {"form": form, "twin": twin, "cancel_url": cancel_url}
            )
        kwargs = {"author": request.user}
        if source:
            kwargs["source"] = source
        try:
            if org is None:
                org = services.create_organisation(form.to_data(), **kwargs)
            else:
                org = services.update_organisation(org, form.to_data(), **kwargs)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("“%(name)s” has been saved.") % {"name": org.name})
            return org, None
    response = render(
        request,
        template,
        {"form": form, "org": org, "cancel_url": cancel_url},
        status=400 if form.errors else 200,
    )
    return None, response


@staff_required
def organisation_create(request):
    org, response = save_organisation(
        request,
        None,
        template="directory/staff/organisation_form.html",
        cancel_url=reverse("directory:staff_list"),
    )
    return response or redirect("directory:staff_detail", pk=org.pk)


@staff_required
def organisation_edit(request, pk):
    org = get_object_or_404(Organisation, pk=pk)
    saved, response = save_organisation(
        request,
        org,
        template="directory/staff/organisation_form.html",
        cancel_url=reverse("directory:staff_detail", args=[org.pk]),
    )
    return response or redirect("directory:staff_detail", pk=saved.pk)


@staff_required
@require_POST
def organisation_archive(request, pk):
    org = get_object_or_404(Organisation, pk=pk)
    archive = request.POST.get("action", "archive") == "archive"
    status = Organisation.Status.ARCHIVED if archive else Organisation.Status.PUBLISHED
    services.update_organisation(org, {"status": status}, author=request.user)
    messages.success(
        request,
        _("“%(name)s” has been archived.") % {"name": org.name}
        if archive
        else _("“%(name)s” is published again.") % {"name": org.name},
    )
    return redirect("directory:staff_detail", pk=org.pk)


@staff_required
@require_POST
def organisation_add_person(request, pk):
    org = get_object_or_404(Organisation, pk=pk)
    form = AddPersonForm(request.POST)
    if form.is_valid():
        data = form.to_data()
        try:
            if data["email"]:
                person, _created = services.find_or_create_person(**data)
            else:
                person = services.create_person(data)
            services.affiliate(
                person,
                org,
                role=form.cleaned_data["role"],
                is_representative=form.cleaned_data["is_representative"],
                by=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("%(person)s is now linked to this organisation.") % {"person": person}
            )
            return redirect("directory:staff_detail", pk=org.pk)
    return render(
        request,
        "directory/staff/organisation_detail.html",
        {
            "org": org,
            "affiliations": org.affiliations.select_related("person"),
            "history": queries_staff.history(org),
            "add_person_form": form,
            "merge_form": MergeChoiceForm(),
        },
        status=400,
    )


@staff_required
def merge_choose(request, pk):
    """From an organisation's page: name the duplicate, then see the preview."""
    keep = get_object_or_404(Organisation, pk=pk)
    form = MergeChoiceForm(request.GET or None)
    if form.is_valid():
        other = form.cleaned_data["other"]
        if other.pk == keep.pk:
            form.add_error("other", _("Choose another organisation than this one."))
        else:
            return redirect(f"{_merge_url()}?keep={keep.pk}&duplicate={other.pk}")
    return render(
        request,
        "directory/staff/merge_choose.html",
        {"org": keep, "form": form},
        status=400 if form.errors else 200,
    )


def _merge_url():
    return reverse("directory:staff_merge")


@staff_required
def merge(request):
    """Preview the merge of two records (GET), then do it (POST)."""
    try:
        keep_id = int(request.GET.get("keep") or request.POST.get("keep"))
        dup_id = int(request.GET.get("duplicate") or request.POST.get("duplicate"))
    except (TypeError, ValueError):
        messages.error(request, _("Choose the two organisations to merge."))
        return redirect("directory:staff_duplicates")
    keep = get_object_or_404(Organisation.objects.select_related("commune"), pk=keep_id)
    duplicate = Organisation.objects.select_related("commune").filter(pk=dup_id).first()
    if duplicate is None:
        # Merged already (a second click, the back button): say so rather than a 404.
        messages.info(request, _("These two records are already one: nothing more was done."))
        return redirect("directory:staff_detail", pk=keep.pk)
    if keep.pk == duplicate.pk:
        messages.error(request, _("An organisation cannot be merged with itself."))
        return redirect("directory:staff_detail", pk=keep.pk)
    if request.method == "POST":
        try:
            merged = services.merge_organisations(keep, duplicate, author=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("The two records are now one: “%(name)s”.") % {"name": merged.name}
            )
            return redirect("directory:staff_detail", pk=merged.pk)
    return render(
        request,
        "directory/staff/merge_preview.html",
        {
            "keep": keep,
            "duplicate": duplicate,
            "preview": _readable(services.merge_preview(keep, duplicate)),
        },
    )


def _readable(preview: dict) -> dict:
    for row in preview["fields"]:
        for key in ("keep", "duplicate", "result"):
            row[f"{key}_display"] = queries_staff.display_value(row["name"], row[key])
    return preview


@staff_required
def duplicates(request):
    return render(
        request, "directory/staff/duplicates.html", {"groups": queries_staff.possible_duplicates()}
    )


@staff_required
@require_POST
def organisation_emails(request):
    """The addresses of the ticked organisations (or of the whole filtered list)."""
    qs = keep_selected(queries_staff.staff_organisations(request.GET), request.POST)
    return email_addresses_page(
        request,
        qs.values_list("email", flat=True),
        title=_("Write to these organisations"),
        back_url=reverse("directory:staff_list"),
    )
