"""A representative edits their own organisation's entry directly (no moderation)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from tisser.directory.contacts.views import save_organisation
from tisser.directory.models import Organisation, OrganisationRevision
from tisser.directory.permissions import can_edit_organisation, represented_organisations


@login_required
def my_organisations(request):
    return render(
        request,
        "directory/representative/my_organisations.html",
        {
            "organisations": represented_organisations(request.user).select_related("commune"),
        },
    )


@login_required
def edit_my_organisation(request, slug):
    org = get_object_or_404(
        Organisation.objects.exclude(status=Organisation.Status.ARCHIVED), slug=slug
    )
    if not represented_organisations(request.user).filter(pk=org.pk).exists():
        # Staff use the staff page; anyone else is refused.
        if can_edit_organisation(request.user, org):
            return redirect("directory:staff_edit", pk=org.pk)
        raise PermissionDenied
    saved, response = save_organisation(
        request,
        org,
        template="directory/representative/edit.html",
        public_only=True,
        source=OrganisationRevision.Source.REPRESENTATIVE,
        cancel_url=reverse("directory:my_organisations"),
    )
    return response or redirect("directory:my_organisations")
