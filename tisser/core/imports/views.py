"""The staff pages every import shares: list of jobs, preview, progress, confirm, cancel,
restart and the report with per-line errors. Who may see a job is its importer's say."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import engine, registry
from .models import ImportJob
from .reading import ImportFileError


def _staff_only(view):
    """The staff pages' guard, as `accounts.decorators` gives it (core imports no app):
    login first, then staff editors only, before anything is looked up (a job's number
    tells a stranger nothing, not even whether it exists)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not getattr(request.user, "is_staff_editor", False):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapper.staff_guard = "editor"
    return wrapper


def _job_view(view):
    """Load the job and let its importer decide who may see it (staff first)."""

    @_staff_only
    @wraps(view)
    def wrapper(request, pk, *args, **kwargs):
        job = get_object_or_404(ImportJob, pk=pk)
        try:
            importer = registry.get(job.kind)
        except LookupError:
            raise PermissionDenied from None
        if not importer.allowed(request.user):
            raise PermissionDenied
        return view(request, engine.refresh(job), importer, *args, **kwargs)

    return wrapper


def _context(job, importer) -> dict:
    done, total = engine.progress(job)
    labels = importer.action_labels()
    check = job.counts.get("check", {})
    run = job.counts.get("run", {})
    count_labels = importer.count_labels()
    return {
        "job": job,
        "importer": importer,
        "done": done,
        "total": total,
        "percent": int(100 * done / total) if total else 0,
        "check_counts": [(labels.get(k, k), n) for k, n in check.items() if n],
        "run_counts": [
            (count_labels[k](n) % {"count": n}) if k in count_labels else f"{k}: {n}"
            for k, n in run.items()
            if n
        ],
        "upload_url": importer.upload_url(job),
        "description": importer.describe(job),
        "action_labels": labels,
        "next_step": importer.next_step(job) if job.status == ImportJob.Status.CHECKED else None,
    }


def started(form, start):
    """The job `start(upload)` makes of a valid upload form's file, or None with the reason
    the file was refused put on the form (the domain's upload page shows it)."""
    try:
        return start(form.cleaned_data["file"])
    except ImportFileError as error:
        form.add_error("file", str(error))
        return None


@_staff_only
def job_list(request):
    """Every import the person may see, newest first, with its progress."""
    kinds = [i.kind for i in registry.all_importers() if i.allowed(request.user)]
    if not kinds:
        raise PermissionDenied
    engine.mark_interrupted(ImportJob.objects.filter(kind__in=kinds))
    jobs = ImportJob.objects.filter(kind__in=kinds).select_related("created_by")[:100]
    importers = {i.kind: i for i in registry.all_importers()}
    rows = [
        {"job": j, "label": importers[j.kind].label, "done": engine.progress(j)[0]} for j in jobs
    ]
    uploads = [
        (i.label, i.upload_url())
        for i in registry.all_importers()
        if i.allowed(request.user) and i.upload_url()
    ]
    return render(request, "core/imports/list.html", {"rows": rows, "uploads": uploads})


@_job_view
def job_detail(request, job, importer):
    context = _context(job, importer)
    only_errors = request.GET.get("errors") == "1"
    context["rows"] = (
        [r for r in job.preview if r["action"] == "error"] if only_errors else job.preview
    )
    context["only_errors"] = only_errors
    return render(request, "core/imports/detail.html", context)


@_job_view
def job_progress(request, job, importer):
    """The fragment the job's page polls (htmx) while it is checked or committed."""
    response = render(request, "core/imports/_progress.html", _context(job, importer))
    if not job.in_progress and request.htmx:
        response["HX-Refresh"] = "true"  # show the next page: the preview, or the report
    return response


def _act(request, job, action, done_message):
    try:
        action(job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done_message)
    return redirect("core:import_detail", pk=job.pk)


@require_POST
@_job_view
def job_confirm(request, job, importer):
    return _act(request, job, engine.confirm, _("The import has started."))


@require_POST
@_job_view
def job_cancel(request, job, importer):
    return _act(request, job, engine.cancel, _("The import was cancelled."))


@require_POST
@_job_view
def job_restart(request, job, importer):
    return _act(request, job, engine.restart, _("The import was restarted."))


# -- pages of the imports that had their own job table ----------------------------------


@_staff_only
def legacy_job(request, kind, step, pk):
    """An old link to a job of an import that had its own table: the same job's page here
    (its old number is kept in `options["legacy_id"]` by the migration that moved it)."""
    job = get_object_or_404(ImportJob, kind=kind, options__legacy_id=pk)
    response = redirect(f"core:import_{step}", pk=job.pk)
    if request.method == "POST":
        response.status_code = 307  # a confirmation stays a POST
    return response


def legacy_job_urls(
    prefix: str, kind: str, detail: str, progress: str = "", confirm: str = ""
) -> list:
    """The old detail, progress and confirm URLs (and names) of an import, redirecting to
    the engine's pages."""
    from django.urls import path

    return [
        path(f"{prefix}<int:pk>/{suffix}", legacy_job, {"kind": kind, "step": step}, name=name)
        for suffix, step, name in [
            ("", "detail", detail),
            ("progression/", "progress", progress),
            ("confirmer/", "confirm", confirm),
        ]
        if name
    ]
