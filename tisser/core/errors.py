"""One shape for errors: JSON under `/api/` and for JSON endpoints, an HTML page elsewhere.

`json_error(400, "bad_request", message)` is the body every JSON error of the project
uses: `{"error": {"status": 400, "code": "bad_request", "message": "…"}}`.
`BadParameter` is what the request checks (`core.middleware.RequestInputMiddleware`) and
the parameter readers (`core.params`) raise; the middleware turns it into a 400 in the
user's language, so a view never builds that answer itself.
"""

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

#: Paths whose every error is JSON.
JSON_PREFIXES = ("/api/",)


class BadParameter(BadRequest):
    """Input the server refuses (400); `message` is shown to the person or program."""

    def __init__(self, message: str, *, parameter: str = ""):
        super().__init__(str(message))
        self.message = str(message)
        self.parameter = parameter


def json_error(status: int, code: str, message: str, *, fields=None) -> JsonResponse:
    """The project's JSON error body (`fields`: what was wrong with each parameter)."""
    error = {"status": status, "code": code, "message": str(message)}
    if fields:
        error["fields"] = fields
    return JsonResponse(
        {"error": error},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def json_errors(view):
    """Marks a view whose callers read JSON (a map's data, a GeoJSON file), so that its
    400s are JSON like the API's."""
    view.json_errors = True
    return view


def wants_json(request: HttpRequest) -> bool:
    # The raw query string, not request.GET: this also answers for a query too big to parse.
    query = request.META.get("QUERY_STRING", "").split("&")
    if request.path.startswith(JSON_PREFIXES) or "format=json" in query:
        return True
    match = getattr(request, "resolver_match", None)
    return bool(match and getattr(match.func, "json_errors", False))


def bad_request_response(request: HttpRequest, message: str) -> HttpResponse:
    """A 400 saying what was wrong: JSON for programs, a page for people."""
    if wants_json(request):
        return json_error(400, "bad_request", message)
    html = render_to_string("400.html", {"message": message}, request=request)
    return HttpResponse(html, status=400)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    """`handler400`: Django's own refusals (too many fields, a disallowed host…) too."""
    message = getattr(exception, "message", "") if isinstance(exception, BadParameter) else ""
    return bad_request_response(
        request, message or _("The request could not be understood. Check the address.")
    )
