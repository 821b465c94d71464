"""Staff pages of service messages: write one to a segment, confirm it with its count
(after suppressions), follow it. Each page says it is a service message."""

import secrets

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from tisser.accounts.decorators import staff_editor_required

from . import services, services_service
from .forms_staff import ServiceMessageForm
from .models_service import ServiceMessage


@staff_editor_required
def service_message_list(request):
    return render(
        request,
        "publications/staff/service_messages.html",
        {"service_messages": ServiceMessage.objects.select_related("created_by")[:200]},
    )


@staff_editor_required
def service_message_new(request):
    """Write (GET), check and confirm (POST without key: the count after suppressions),
    send (POST with the confirmation's one-time key)."""
    form = ServiceMessageForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return render(
            request,
            "publications/staff/service_message_form.html",
            {"form": form},
            status=400 if form.errors else 200,
        )
    data = form.cleaned_data
    key = request.POST.get("confirmation_key", "")
    try:
        subject, body = services_service.check_text(data["subject"], data["body"])
        tree = services.segment_tree(data["segment"])
        if key:
            message, started = services_service.send_service_message(
                subject=subject,
                body=body,
                segment=data["segment"],
                user=request.user,
                confirmation_key=key,
            )
            if started:
                messages.success(request, _("The service message is being sent."))
            else:
                messages.info(
                    request, _("This confirmation was already used: nothing more was sent.")
                )
            return redirect("publications:service_message", pk=message.pk)
    except ValidationError as error:
        form.add_error(None, error)
        return render(
            request, "publications/staff/service_message_form.html", {"form": form}, status=400
        )
    return render(
        request,
        "publications/staff/service_message_confirm.html",
        {
            "form": form,
            "segment": data["segment"],
            "subject": subject,
            "body": body,
            "overview": services_service.overview(tree),
            "confirmation_key": secrets.token_urlsafe(24),
        },
    )


@staff_editor_required
def service_message(request, pk):
    item = get_object_or_404(ServiceMessage, pk=pk)
    return render(
        request,
        "publications/staff/service_message.html",
        {"message": item, "stats": services_service.stats(item)},
    )
