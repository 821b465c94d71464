"""Staff pages of the observatory under /gestion/observatoire/: indicators, their imports
(upload; the preview, progress and report are the import engine's pages) and Sirene imports. Staff editors and admins only."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from tisser.accounts.decorators import staff_editor_required as staff_required
from tisser.core.forms import posted_data
from tisser.core.imports.models import ImportJob
from tisser.core.imports.views import started

from . import imports, services
from .forms import IndicatorForm, SireneForm, ValuesFileForm, sirene_folder
from .models import Indicator
from .sirene.running import KIND as SIRENE
from .sirene.running import communes_of, start_sirene_import


@staff_required
def staff_home(request):
    return render(
        request,
        "observatory/staff/home.html",
        {
            "indicators": Indicator.objects.all(),
            "imports": imports.recent_jobs(),
            "sirene_imports": ImportJob.objects.filter(kind=SIRENE)[:10],
        },
    )


@staff_required
def indicator_form(request, pk=None):
    indicator = get_object_or_404(Indicator, pk=pk) if pk else None
    form = IndicatorForm(*posted_data(request)[:1], instance=indicator)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_indicator(form.cleaned_data, indicator)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Indicator saved."))
            return redirect("observatory:staff_indicator", pk=saved.pk)
    return render(
        request,
        "observatory/staff/indicator_form.html",
        {"form": form, "indicator": indicator},
        status=400 if form.errors else 200,
    )


@staff_required
def indicator_detail(request, pk):
    indicator = get_object_or_404(Indicator, pk=pk)
    form = ValuesFileForm(*posted_data(request))
    if request.method == "POST" and form.is_valid():
        job = started(
            form, lambda f: imports.start_import(indicator, f.name, f, author=request.user)
        )
        if job:
            return redirect("core:import_detail", pk=job.pk)
    return render(
        request,
        "observatory/staff/indicator_detail.html",
        {
            "indicator": indicator,
            "form": form,
            "value_count": indicator.values.count(),
            "imports": imports.jobs_of(indicator)[:10],
        },
        status=400 if form.errors else 200,
    )


@staff_required
def import_template(request):
    response = HttpResponse(imports.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="modele-indicateur.csv"'
    return response


def _store_upload(upload) -> str:
    folder = sirene_folder() / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    suffix = ".zip" if upload.name.lower().endswith(".zip") else ".csv"
    path = folder / f"{uuid.uuid4().hex}{suffix}"
    with open(path, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return str(path)


@staff_required
def sirene_form(request):
    form = SireneForm(*posted_data(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not communes_of(data["territory"]):
            form.add_error(
                "territory", _("Unknown territory: write dep-80, reg-32, epci-… or an INSEE code.")
            )
        else:
            paths = {}
            for name in ("units", "establishments"):
                upload = data.get(f"{name}_upload")
                paths[name] = _store_upload(upload) if upload else str(sirene_folder() / data[name])
            job = start_sirene_import(
                paths["units"],
                paths["establishments"],
                data["territory"],
                data["naf"],
                publish=data["publish"],
                author=request.user,
            )
            return redirect("core:import_detail", pk=job.pk)
    return render(
        request,
        "observatory/staff/sirene_form.html",
        {"form": form, "folder": sirene_folder()},
        status=400 if form.errors else 200,
    )


@staff_required
def supplier_list(request):
    """Organisations and their supplier profiles, searched by name (staff edit them here:
    the directory knows nothing of the observatory)."""
    from django.core.paginator import Paginator

    from tisser.core.text import fold
    from tisser.directory.models import Organisation

    qs = Organisation.objects.exclude(status=Organisation.Status.ARCHIVED).select_related(
        "commune", "supplier_profile"
    )
    q = request.GET.get("q", "")[:100]
    if text := fold(q):
        qs = qs.filter(match_key__contains=text)
    if request.GET.get("profil") == "1":
        qs = qs.filter(supplier_profile__isnull=False)
    page = Paginator(qs.order_by("name", "pk"), 50).get_page(request.GET.get("page"))
    return render(request, "observatory/staff/supplier_list.html", {"page": page, "q": q})


@staff_required
def supplier_edit(request, pk):
    from tisser.directory.models import Organisation

    from .forms import SupplierProfileForm
    from .models import SupplierProfile

    org = get_object_or_404(Organisation, pk=pk)
    profile = SupplierProfile.objects.filter(organisation=org).first()
    initial = (
        {f: getattr(profile, f) for f in services.PROFILE_FIELDS if f != "is_ess"}
        if profile
        else {}
    )
    form = SupplierProfileForm(*posted_data(request)[:1], initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_supplier_profile(org, form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Supplier profile saved."))
            return redirect("observatory:staff_suppliers")
    return render(
        request,
        "observatory/staff/supplier_form.html",
        {"form": form, "organisation": org, "profile": profile},
        status=400 if form.errors else 200,
    )
