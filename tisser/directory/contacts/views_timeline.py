"""The engagement timeline of an organisation or a person (staff): what they did with
the network, from every app, newest first, filterable by kind."""

from django.shortcuts import get_object_or_404, render

from tisser.accounts.decorators import staff_editor_required as staff_required
from tisser.directory import engagement
from tisser.directory.contacts.views_merge_people import follows_merges
from tisser.directory.models import Organisation, Person


def _chosen_kinds(request) -> set[str]:
    """The kinds ticked in the filter; unknown values are ignored (all kinds if none)."""
    known = engagement.all_kinds()
    return {kind for kind in request.GET.getlist("kind") if kind in known}


def _render(request, *, subject, entries, facts, chosen, template_context):
    kinds = engagement.all_kinds()
    return render(
        request,
        "directory/staff/timeline.html",
        {
            "subject": subject,
            "entries": entries,
            "rows": [(entry, kinds.get(entry.kind, entry.kind)) for entry in entries],
            "facts": facts,
            "kinds": kinds,
            "chosen": chosen,
            "limit": engagement.TIMELINE_LIMIT,
            **template_context,
        },
    )


@staff_required
def organisation_timeline(request, pk):
    org = get_object_or_404(Organisation, pk=pk)
    chosen = _chosen_kinds(request)
    return _render(
        request,
        subject=org,
        entries=engagement.organisation_timeline(org, kinds=chosen),
        facts=engagement.facts(organisation=org),
        chosen=chosen,
        template_context={"org": org},
    )


@staff_required
@follows_merges
def person_timeline(request, pk):
    person = get_object_or_404(Person, pk=pk)
    chosen = _chosen_kinds(request)
    return _render(
        request,
        subject=person,
        entries=engagement.person_timeline(person, kinds=chosen),
        facts=engagement.facts(person=person),
        chosen=chosen,
        template_context={"person": person},
    )
