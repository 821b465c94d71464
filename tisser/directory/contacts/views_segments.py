"""Staff pages of segments: the search by engagement (count, list, export) and saved
segments. The definition travels in the page's own form (rows `c<n>-…`), as JSON
(`conditions`) or by a saved segment's id (`segment`); all three read the same way."""

import json
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tisser.accounts.decorators import staff_editor_required as staff_required
from tisser.core import params as query_params
from tisser.core.errors import BadParameter
from tisser.core.listing import Listing, keep_selected
from tisser.directory import segments
from tisser.directory.contacts import exports as exports_staff
from tisser.directory.contacts import queries_segments, services_segments
from tisser.directory.contacts.views import PAGE_SIZE
from tisser.directory.contacts.views_people import PERSON_SORTS
from tisser.directory.models_segments import Segment


@dataclass
class Definition:
    """What the request asks for: the form's rows, the checked tree (None while a row is
    wrong or there is none), and the saved segment it started from."""

    match: str
    rows: list
    tree: dict | None
    segment: Segment | None = None

    @property
    def has_errors(self) -> bool:
        return any(row.error for row in self.rows)

    @property
    def conditions_json(self) -> str:
        return json.dumps(self.tree, ensure_ascii=False) if self.tree else ""


def read_definition(data) -> Definition:
    """The segment a request describes; a definition that cannot be read at all (bad
    JSON, an unknown condition) is a 400 with its reason (`BadParameter`)."""
    try:
        segment = None
        segment_id = query_params.identifier(data, "segment") if data.get("segment") else None
        if segment_id is not None:
            segment = Segment.objects.filter(pk=segment_id).first()
            if segment is None:
                raise Http404
        uses_form = data.get("add") or any(
            key.startswith("c") and key.endswith("-type") for key in data
        )
        if uses_form:
            match, rows = segments.rows_from_form(data)
            return Definition(match, rows, segments.tree_from_rows(match, rows), segment)
        source = data.get("conditions") or (segment.conditions if segment else None)
        if not source:
            return Definition("all", [], None, segment)
        tree = segments.parse(source)
        shown = segments.rows_from_tree(tree) or ("all", [])
        return Definition(shown[0], shown[1], tree, segment)
    except segments.SegmentError as error:
        raise BadParameter(error.message, parameter="conditions") from error


def _grouped_conditions():
    groups: dict[str, list] = {}
    for condition in segments.conditions():
        groups.setdefault(str(condition.group), []).append(condition)
    return list(groups.items())


def form_query(definition: Definition) -> str:
    """The address's query for these rows (after adding or removing one): page links and
    the sort then keep the rows as they are now."""
    from urllib.parse import urlencode

    pairs = [("match", definition.match)]
    if definition.segment is not None:
        pairs.append(("segment", definition.segment.pk))
    for index, row in enumerate(definition.rows):
        pairs.append((f"c{index}-type", row.condition.key))
        if row.negate:
            pairs.append((f"c{index}-not", "1"))
        for param, value in row.fields:
            if value:
                pairs.append((f"c{index}-{param.name}", value))
    return urlencode(pairs)


@staff_required
def segment_search(request):
    definition = read_definition(request.GET)
    if request.GET.get("add") or request.GET.get("remove"):
        return redirect(reverse("directory:staff_segments_search") + "?" + form_query(definition))
    listing = None
    with queries_segments.planned_for_segments():
        if definition.tree is not None:
            people = queries_segments.people(definition.tree).prefetch_related(
                "affiliations__organisation"
            )
            listing = Listing(
                request, people, sorts=PERSON_SORTS, default_sort="name", per_page=PAGE_SIZE
            )
        return render(
            request,
            "directory/staff/segment_search.html",
            {
                "definition": definition,
                "listing": listing,
                "page": listing.page if listing else None,
                "groups": _grouped_conditions(),
                "description": segments.describe(definition.tree) if definition.tree else "",
            },
            status=400 if definition.has_errors else 200,
        )


@staff_required
def segment_count(request):
    """The count alone (the search form asks for it on each change; a condition being
    chosen in "add" is not counted until it is added)."""
    data = request.GET.copy()
    data.pop("add", None)
    data.pop("remove", None)
    definition = read_definition(data)
    total = queries_segments.count(definition.tree) if definition.tree else None
    return render(
        request,
        "directory/staff/_segment_count.html",
        {"definition": definition, "total": total},
    )


@staff_required
def segment_export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    definition = read_definition(request.GET)
    if definition.tree is None:
        raise BadParameter(_("Choose at least one condition."), parameter="conditions")
    people = keep_selected(queries_segments.people(definition.tree), request.POST)
    with queries_segments.planned_for_segments():  # the XLSX is written here; a CSV streams
        return exports_staff.export("people", people.order_by("last_name", "first_name", "pk"), fmt)


@staff_required
def segment_list(request):
    return render(
        request,
        "directory/staff/segment_list.html",
        {"segments": queries_segments.saved_segments()},
    )


@staff_required
@require_POST
def segment_save(request):
    existing = None
    if request.POST.get("segment"):
        existing = get_object_or_404(Segment, pk=query_params.identifier(request.POST, "segment"))
    try:
        segment = services_segments.save_segment(
            request.POST.get("name", ""),
            request.POST.get("conditions", ""),
            user=request.user,
            segment=existing,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        query = {"conditions": request.POST.get("conditions", "")}
        if existing:
            query["segment"] = existing.pk
        from urllib.parse import urlencode

        return redirect(reverse("directory:staff_segments_search") + "?" + urlencode(query))
    messages.success(request, _("The segment “%(name)s” is saved.") % {"name": segment.name})
    return redirect(reverse("directory:staff_segments_search") + f"?segment={segment.pk}")


@staff_required
@require_POST
def segment_delete(request, pk):
    segment = get_object_or_404(Segment, pk=pk)
    services_segments.delete_segment(segment)
    messages.success(request, _("The segment “%(name)s” is deleted.") % {"name": segment.name})
    return redirect("directory:staff_segments")
