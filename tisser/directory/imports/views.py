"""Staff pages for imports (upload, preview, confirm, progress) and exports."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from tisser.accounts.decorators import staff_editor_required as staff_required
from tisser.core.forms import posted_data
from tisser.core.imports.models import ImportJob
from tisser.core.imports.views import started
from tisser.core.listing import keep_selected
from tisser.directory.contacts import exports as exports_staff
from tisser.directory.contacts import queries as queries_staff
from tisser.directory.contacts.forms import CategoryMappingForm, GoGoCartoImportForm, ImportForm
from tisser.directory.imports import COLUMNS, KIND, start_import, template_csv, template_xlsx


@staff_required
def import_upload(request):
    form = ImportForm(*posted_data(request))
    if request.method == "POST" and form.is_valid():
        job = started(form, lambda f: start_import(f.name, f, author=request.user))
        if job:
            return redirect("core:import_detail", pk=job.pk)
    return render(
        request,
        "directory/staff/import_upload.html",
        {
            "form": form,
            "columns": COLUMNS,
            "recent": ImportJob.objects.filter(kind=KIND).select_related("created_by")[:10],
        },
        status=400 if form.errors else 200,
    )


@staff_required
def import_template(request, fmt):
    if fmt == "xlsx":
        response = HttpResponse(
            template_xlsx(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    elif fmt == "csv":
        response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="modele-import-tisser.{fmt}"'
    return response


@staff_required
def export_organisations(request, fmt):
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    qs = keep_selected(queries_staff.staff_organisations(request.GET), request.POST)
    return exports_staff.export("organisations", qs, fmt)


@staff_required
def export_people(request, fmt):
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    qs = keep_selected(queries_staff.staff_people(request.GET), request.POST)
    return exports_staff.export("people", qs, fmt)


@staff_required
def gogocarto_upload(request):
    """A GoGoCarto map's export: checked like an organisations file, categories mapped."""
    from tisser.directory.imports import gogocarto

    form = GoGoCartoImportForm(*posted_data(request))
    if request.method == "POST" and form.is_valid():
        job = started(form, lambda f: gogocarto.start_import(f.name, f, author=request.user))
        if job:
            return redirect("core:import_detail", pk=job.pk)
    return render(
        request,
        "directory/staff/gogocarto_upload.html",
        {
            "form": form,
            "recent": ImportJob.objects.filter(kind=gogocarto.KIND).select_related("created_by")[
                :10
            ],
        },
        status=400 if form.errors else 200,
    )


@staff_required
def gogocarto_categories(request, pk):
    """Map each category of the GoGoCarto map to one of Tisser's (or to none)."""
    from tisser.directory.imports import gogocarto

    job = get_object_or_404(ImportJob, pk=pk, kind=gogocarto.KIND)
    found = job.counts.get("categories", {})
    current = {**gogocarto.automatic_mapping(found), **job.options.get("categories", {})}
    form = CategoryMappingForm(request.POST or None, found=found, initial_map=current)
    if request.method == "POST" and form.is_valid():
        try:
            gogocarto.set_category_mapping(job, form.mapping())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The categories are mapped; check the preview again."))
        return redirect("core:import_detail", pk=job.pk)
    return render(
        request,
        "directory/staff/gogocarto_categories.html",
        {"job": job, "form": form},
        status=400 if form.errors else 200,
    )
