"""Staff pages for programs: personal API tokens, webhook endpoints and their log."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tisser.core import webhooks
from tisser.core.models import WebhookDelivery, WebhookEndpoint

from .decorators import staff_admin_required, staff_editor_required
from .forms_api import ApiTokenForm, WebhookEndpointForm
from .models import ApiToken
from .services_tokens import create_token, revoke_token


@staff_editor_required
def tokens(request):
    """The staff member's own tokens, and the form to create one (shown once)."""
    form = ApiTokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            row, created = create_token(
                request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                days=form.cleaned_data["days"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Token “%(name)s” created.") % {"name": row.name})
            form = ApiTokenForm()
    status = 400 if request.method == "POST" and created is None else 200
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "form": form,
            "created": created,
            "tokens": ApiToken.objects.filter(user=request.user),
            "scope_labels": dict(ApiToken.Scope.choices),
        },
        status=status,
    )


@require_POST
@staff_editor_required
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    revoke_token(token)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return HttpResponseRedirect(reverse("accounts:api_tokens"))


@staff_admin_required
def endpoints(request):
    form = WebhookEndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = webhooks.create_endpoint(
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                description=form.cleaned_data["description"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error("url", error)
        else:
            messages.success(request, _("Endpoint added. Copy its signing secret now."))
            return HttpResponseRedirect(reverse("accounts:webhook", args=[endpoint.pk]))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "accounts/webhooks.html",
        {"form": form, "endpoints": WebhookEndpoint.objects.all()},
        status=status,
    )


@staff_admin_required
def endpoint(request, pk):
    """One endpoint: its secret, its events, its delivery log (newest first)."""
    found = get_object_or_404(WebhookEndpoint, pk=pk)
    form = WebhookEndpointForm(
        request.POST or None,
        initial={"url": found.url, "description": found.description, "events": found.events},
    )
    if request.method == "POST" and form.is_valid():
        try:
            webhooks.update_endpoint(
                found,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            form.add_error("url", error)
        else:
            messages.success(request, _("Endpoint saved."))
            return HttpResponseRedirect(request.path)
    log = Paginator(found.deliveries.all(), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/webhook.html",
        {"endpoint": found, "form": form, "log": log, "labels": dict(webhooks.event_choices())},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@staff_admin_required
def endpoint_active(request, pk):
    found = get_object_or_404(WebhookEndpoint, pk=pk)
    active = request.POST.get("active") == "1"
    webhooks.set_active(found, active)
    messages.success(request, _("Endpoint turned on.") if active else _("Endpoint turned off."))
    return HttpResponseRedirect(reverse("accounts:webhook", args=[found.pk]))


@require_POST
@staff_admin_required
def delivery_resend(request, pk):
    delivery = get_object_or_404(WebhookDelivery, pk=pk)
    webhooks.resend(delivery)
    messages.success(request, _("The delivery will be sent again."))
    return HttpResponseRedirect(reverse("accounts:webhook", args=[delivery.endpoint_id]))
