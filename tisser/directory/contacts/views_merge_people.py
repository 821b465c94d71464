"""Staff pages for duplicate people: the list of possible duplicates, choosing the other
record, and the merge's preview then confirmation (one page, GET then POST)."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tisser.accounts.decorators import staff_editor_required as staff_required
from tisser.core import params
from tisser.directory.contacts import merging_people, queries_people
from tisser.directory.contacts.forms import PersonMergeChoiceForm
from tisser.directory.models import Person


def follows_merges(view):
    """A person's page whose number was merged away leads to the kept record's page."""

    @wraps(view)
    def wrapper(request, *args, pk, **kwargs):
        if not Person.objects.filter(pk=pk).exists():
            kept = merging_people.resolve_merged(pk)
            if kept is not None:
                match = request.resolver_match
                return redirect(f"{match.namespace}:{match.url_name}", *args, pk=kept, **kwargs)
        return view(request, *args, pk=pk, **kwargs)

    return wrapper


@staff_required
def person_duplicates(request):
    groups, total = queries_people.possible_duplicate_people()
    return render(
        request,
        "directory/staff/person_duplicates.html",
        {"groups": groups, "total": total},
    )


@staff_required
@follows_merges
def person_merge_choose(request, pk):
    """From a person's page: name the duplicate, then see the preview."""
    keep = get_object_or_404(Person, pk=pk)
    form = PersonMergeChoiceForm(request.GET or None)
    if form.is_valid():
        other = form.cleaned_data["other"]
        if other.pk == keep.pk:
            form.add_error("other", _("Choose another person than this one."))
        else:
            url = reverse("directory:staff_person_merge")
            return redirect(f"{url}?keep={keep.pk}&duplicate={other.pk}")
    return render(
        request,
        "directory/staff/person_merge_choose.html",
        {"person": keep, "form": form},
        status=400 if form.errors else 200,
    )


@staff_required
def person_merge(request):
    """What the merge will do (GET), then the merge (POST)."""
    source = request.POST if request.method == "POST" else request.GET
    keep_id, dup_id = params.identifier(source, "keep"), params.identifier(source, "duplicate")
    if keep_id is None or dup_id is None:
        messages.error(request, _("Choose the two people to merge."))
        return redirect("directory:staff_person_duplicates")
    keep = Person.objects.select_related("user").filter(pk=keep_id).first()
    duplicate = Person.objects.select_related("user").filter(pk=dup_id).first()
    if keep is None or duplicate is None:
        kept = merging_people.resolve_merged(dup_id) or merging_people.resolve_merged(keep_id)
        if kept is not None:
            # Merged already (a second click, the back button): say so rather than a 404.
            messages.info(request, _("These two records are already one: nothing more was done."))
            return redirect("directory:staff_person_detail", pk=kept)
        return get_object_or_404(Person, pk=-1)
    if keep.pk == duplicate.pk:
        messages.error(request, _("A person cannot be merged with themselves."))
        return redirect("directory:staff_person_detail", pk=keep.pk)
    may_confirm = merging_people.may_confirm_accounts(request.user)
    status = 200
    if request.method == "POST":
        try:
            merged = merging_people.merge_people(
                keep,
                duplicate,
                author=request.user,
                accounts_confirmed=may_confirm and request.POST.get("confirm_accounts") == "1",
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            status = 400
        else:
            messages.success(
                request, _("The two records are now one: “%(name)s”.") % {"name": merged}
            )
            return redirect("directory:staff_person_detail", pk=merged.pk)
    return render(
        request,
        "directory/staff/person_merge_preview.html",
        {
            "keep": keep,
            "duplicate": duplicate,
            "preview": merging_people.merge_preview(keep, duplicate),
            "may_confirm_accounts": may_confirm,
        },
        status=status,
    )
