"""Staff pages for imports (upload, preview, confirm, progress) and exports."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tisser.accounts.decorators import staff_editor_required as staff_required
from tisser.core.forms import posted_data
from tisser.core.listing import keep_selected

from . import exports_staff, queries_staff
from .forms import ImportForm
from .imports import (
    COLUMNS,
    ImportFileError,
    confirm_import,
    start_import,
    template_csv,
    template_xlsx,
)
from .imports.progress import current_progress
from .models import ImportJob


@staff_required
def import_upload(request):
    form = ImportForm(*posted_data(request))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = start_import(upload.name, upload.read(), author=request.user)
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            return redirect("directory:staff_import_detail", pk=job.pk)
    return render(
        request,
        "directory/staff/import_upload.html",
        {
            "form": form,
            "columns": COLUMNS,
            "recent": ImportJob.objects.select_related("created_by")[:10],
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


def _job_context(job):
    done = current_progress(job)
    return {
        "job": job,
        "done": done,
        "percent": int(100 * done / job.total) if job.total else 100,
        "counts": {
            "create": sum(1 for r in job.report if r["action"] == "create"),
            "update": sum(1 for r in job.report if r["action"] == "update"),
            "error": job.error_count,
        },
    }


@staff_required
def import_detail(request, pk):
    job = get_object_or_404(ImportJob, pk=pk)
    context = _job_context(job)
    only_errors = request.GET.get("errors") == "1"
    context["rows"] = (
        [r for r in job.report if r["action"] == "error"] if only_errors else job.report
    )
    context["only_errors"] = only_errors
    return render(request, "directory/staff/import_detail.html", context)


@staff_required
def import_progress(request, pk):
    """The progress fragment the detail page polls (htmx) while the job runs."""
    job = get_object_or_404(ImportJob, pk=pk)
    response = render(request, "directory/staff/_import_progress.html", _job_context(job))
    if not job.in_progress and request.htmx:
        response["HX-Refresh"] = "true"  # show the next page: the preview, or the result
    return response


@staff_required
@require_POST
def import_confirm(request, pk):
    job = get_object_or_404(ImportJob, pk=pk)
    try:
        confirm_import(job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The import has started."))
    return redirect("directory:staff_import_detail", pk=job.pk)


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
