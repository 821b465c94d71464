"""Working groups: the public list, a page per group, joining, writing to the members."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tisser.accounts.roles import is_staff_editor
from tisser.directory.permissions import is_member_user

from . import services_groups
from .extensions import events_of_group
from .forms import GroupDocumentForm, GroupMessageForm
from .models_groups import WorkingGroup
from .services import GovernanceError


def group_list(request):
    groups = WorkingGroup.objects.select_related("referent").prefetch_related("members")
    return render(request, "governance/groups.html", {"groups": groups})


def group_detail(request, slug):
    group = get_object_or_404(WorkingGroup.objects.select_related("referent"), slug=slug)
    person = getattr(request.user, "person", None) if request.user.is_authenticated else None
    insider = is_staff_editor(request.user) or is_member_user(request.user)
    members = group.members.select_related("person", "organisation")
    return render(
        request,
        "governance/group.html",
        {
            "group": group,
            # People's names are for members and staff; the public sees organisations.
            "members": members,
            "show_people": insider,
            "organisations": sorted({m.organisation.name for m in members if m.organisation}),
            "is_in": person is not None and members.filter(person=person).exists(),
            "can_join": services_groups.can_join(request.user),
            "can_manage": services_groups.can_manage(request.user, group),
            "events": events_of_group(group),
            "documents": group.documents.all() if insider else [],
        },
    )


@login_required
@require_POST
def join(request, slug):
    group = get_object_or_404(WorkingGroup, slug=slug)
    if request.POST.get("leave"):
        services_groups.leave_group(group, request.user)
        messages.success(request, _("You have left the group %(name)s.") % {"name": group.name})
    else:
        try:
            services_groups.join_group(group, request.user)
        except GovernanceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Welcome to the group %(name)s!") % {"name": group.name})
    return redirect("governance:group", slug=group.slug)


@login_required
def write(request, slug):
    """Staff and the group's referent write to every member (emails by the task queue)."""
    group = get_object_or_404(WorkingGroup, slug=slug)
    if not services_groups.can_manage(request.user, group):
        raise PermissionDenied
    form = GroupMessageForm(request.POST or None)
    doc_form = GroupDocumentForm(
        request.POST if request.POST.get("action") == "document" else None,
        request.FILES or None,
    )
    if request.method == "POST" and request.POST.get("action") == "document":
        if doc_form.is_valid():
            services_groups.add_document(
                group, doc_form.cleaned_data["title"], doc_form.cleaned_data["file"]
            )
            messages.success(request, _("Document added."))
            return redirect("governance:group", slug=group.slug)
        form = GroupMessageForm()
    elif request.method == "POST" and form.is_valid():
        try:
            sent = services_groups.write_to_members(group, author=request.user, **form.cleaned_data)
        except GovernanceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                ngettext(
                    "Message queued for %(n)s member.", "Message queued for %(n)s members.", sent
                )
                % {"n": sent},
            )
            return redirect("governance:group", slug=group.slug)
    errors = form.errors or doc_form.errors
    return render(
        request,
        "governance/group_write.html",
        {"group": group, "form": form, "doc_form": doc_form, "count": group.members.count()},
        status=400 if errors else 200,
    )
