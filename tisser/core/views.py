from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .health import check_broker, check_database


def home(request):
    return render(request, "core/home.html")


@never_cache
def health(request):
    """For load balancers and monitoring: 200 when the database answers, 503 otherwise.

    The task broker is reported too ("degraded" when unreachable), within half a second.
    """
    database_ok, database = check_database()
    if not database_ok:
        return JsonResponse({"status": "error", "database": database}, status=503)
    broker_ok, broker = check_broker()
    return JsonResponse(
        {
            "status": "degraded" if broker_ok is False else "ok",
            "database": database,
            "broker": {True: "ok", False: "unreachable", None: "not checked"}[broker_ok],
            "broker_detail": broker,
        }
    )


@require_POST
def upload_image(request):
    """The editor's "insert an image": JSON in, JSON out ({url, width, height, alt}, or
    {error} with a message for the person). Refused (403) to whoever may not upload."""
    from django.core.exceptions import ValidationError

    from . import uploads

    if not uploads.may_upload(request.user):
        return JsonResponse({"error": _("You may not upload images.")}, status=403)
    try:
        image = uploads.store_image(
            request.FILES.get("image"), alt=request.POST.get("alt", ""), user=request.user
        )
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    return JsonResponse(
        {"url": image.file.url, "width": image.width, "height": image.height, "alt": image.alt},
        status=201,
    )
