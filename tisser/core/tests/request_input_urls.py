"""A few views that read input the way the project's views do, for the request-input
tests, mounted beside the project's own URLs (the error page links to them)."""

from django.db import DatabaseError
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import path

from tisser.core import params
from tisser.core.errors import json_errors
from tisser.core.middleware import checks_own_input
from tisser.core.streaming import primed
from tisser.urls import urlpatterns as project_urlpatterns


def echo(request, word=""):
    """Reads a text parameter and the session (a NUL byte must reach neither)."""
    who = "staff" if request.user.is_authenticated else "anonymous"
    return HttpResponse(f"{who}:{word}:{request.GET.get('q', '')}:{request.POST.get('name', '')}")


def viewport(request):
    box = params.bbox(request.GET, required=True)
    return JsonResponse(
        {
            "bbox": list(box),
            "zoom": params.zoom(request.GET, default=8),
            "page": params.page(request.GET),
        }
    )


def rows(fail: bool):
    if fail:
        raise DatabaseError("PostgreSQL text fields cannot contain NUL (0x00) bytes")
    yield from ("a;b\n", "1;2\n")


def download(request):
    """Streams rows whose first query may fail, as the exports do."""
    return StreamingHttpResponse(primed(rows(request.GET.get("fail") == "1")))


def raw(request):
    return HttpResponse(str(len(request.body)))


handler400 = "tisser.core.errors.bad_request"  # as the project's URLconf says

urlpatterns = [
    path("t/echo/", echo),
    path("t/echo/<str:word>/", echo),
    path("t/viewport/", viewport),
    path("t/viewport.json", json_errors(lambda request: viewport(request))),
    path("api/t/viewport/", viewport),
    path("api/t/echo/", echo),
    path("t/raw/", checks_own_input(raw)),
    path("t/download.csv", download),
    *project_urlpatterns,
]
