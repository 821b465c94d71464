"""A few views that read input the way the project's views do, for the request-input
tests, mounted beside the project's own URLs (the error page links to them)."""

from django.contrib.contenttypes.models import ContentType
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import path

from tisser.core import params
from tisser.core.errors import json_errors
from tisser.core.middleware import checks_own_input
from tisser.core.streaming import checked
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


def download(request):
    """Streams the rows of a query, as the exports do; `fail=1`: a filter the database
    refuses (here a column that does not exist)."""
    rows = ContentType.objects.order_by("pk")
    if request.GET.get("fail") == "1":
        rows = rows.extra(where=["no_such_column = 1"])
    checked(rows)
    return StreamingHttpResponse(f"{ct.app_label};{ct.model}\n" for ct in rows.iterator())


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
