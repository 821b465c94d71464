"""Security headers that Django does not set by itself, and the one place where request
input no view could use is refused."""

import json
import math
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .errors import JSON_PREFIXES, BadParameter, bad_request_response, json_error


def _origin(url: str) -> str:
    parts = urlsplit(
        url.replace("{s}", "a").replace("{z}", "0").replace("{x}", "0").replace("{y}", "0")
    )
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def build_policy() -> str:
    """A strict Content-Security-Policy: our own scripts only, map tiles as images."""
    tiles = _origin(getattr(settings, "TISSER_MAP_TILES_URL", ""))
    img = " ".join(filter(None, ["'self'", "data:", "blob:", tiles]))
    directives = [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        f"img-src {img}",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors " + getattr(settings, "TISSER_FRAME_ANCESTORS", "'self'"),
    ]
    if getattr(settings, "PRODUCTION", False):
        directives.append("upgrade-insecure-requests")
    return "; ".join(directives)


#: Powerful browser features nobody needs here; the map may ask for the visitor's position.
PERMISSIONS_POLICY = "camera=(), microphone=(), payment=(), usb=(), geolocation=(self)"


class ContentSecurityPolicyMiddleware:
    """Sets the policy on every response that has none (a view may set its own, e.g. an
    embeddable page that widens frame-ancestors)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = build_policy()

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


#: The longest value one query parameter may carry; no link or form of ours comes near it.
MAX_QUERY_VALUE_LENGTH = 2000
NUL = "\x00"
JSON_TYPES = ("application/json", "application/merge-patch+json")


def checks_own_input(view):
    """Marks a view that reads and judges its own raw body (a signed webhook whose refusals
    must be recorded), so the middleware checks only its address."""
    view.checks_own_input = True
    return view


def _query_problem(request) -> str:
    query = request.META.get("QUERY_STRING", "")
    if len(query) <= MAX_QUERY_VALUE_LENGTH and "%00" not in query and NUL not in query:
        return ""  # the common case: nothing to look at
    for name, values in request.GET.lists():
        if NUL in name:
            return _("A parameter name contains a NUL character, which is not allowed.")
        for value in values:
            if NUL in value:
                return _nul_message(name)
            if len(value) > MAX_QUERY_VALUE_LENGTH:
                return _("The parameter “%(name)s” is too long (at most %(max)s characters).") % {
                    "name": name,
                    "max": number_format(MAX_QUERY_VALUE_LENGTH, force_grouping=True),
                }
    return ""


def _nul_message(name: str) -> str:
    return _("The parameter “%(name)s” contains a NUL character, which is not allowed.") % {
        "name": name
    }


def _json_problem(value, path="") -> str:
    if isinstance(value, str):
        return _nul_message(path or "body") if NUL in value else ""
    if isinstance(value, float) and not math.isfinite(value):
        return _("The field “%(name)s” must be a finite number.") % {"name": path or "body"}
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if NUL in str(key):
                return _nul_message(where.replace(NUL, "\\0"))
            if problem := _json_problem(item, where):
                return problem
    if isinstance(value, list):
        for index, item in enumerate(value):
            if problem := _json_problem(item, f"{path}[{index}]"):
                return problem
    return ""


def _body_problem(request) -> str:
    if request.method not in {"POST", "PUT", "PATCH", "DELETE"}:
        return ""
    content_type = request.content_type or ""
    if content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        for name, values in request.POST.lists():
            if NUL in name or any(NUL in value for value in values):
                return _nul_message(name.replace(NUL, "\\0"))
    elif content_type in JSON_TYPES or content_type.endswith("+json"):
        try:
            data = json.loads(request.body)
        except ValueError:
            return ""  # not JSON: the view says so in its own words
        return _json_problem(data)
    return ""


def input_problem(request, *, body: bool = True) -> str:
    """What is wrong with the request's input ("" when nothing)."""
    if NUL in request.path:
        return _("The address contains a NUL character, which is not allowed.")
    return _query_problem(request) or (_body_problem(request) if body else "")


class RequestInputMiddleware:
    """No server error on any input: NUL bytes (which PostgreSQL refuses in text) in the
    address, a parameter, a form field, a file name or a JSON string, and absurdly long
    query values, get a 400 before any view runs; `BadParameter` raised by a view (see
    `core.params`) becomes a 400 too. Cookies carrying a NUL are dropped, so a damaged
    session cookie means a fresh session rather than an error. Checks run in `process_view`,
    after sessions, authentication and the language are known, so the answer speaks the
    user's language (JSON under `/api/`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if NUL in request.META.get("HTTP_COOKIE", "") or "\\" in request.META.get(
            "HTTP_COOKIE", ""
        ):
            for name in [k for k, v in request.COOKIES.items() if NUL in k or NUL in v]:
                del request.COOKIES[name]
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        problem = input_problem(request, body=not getattr(view_func, "checks_own_input", False))
        if problem:
            return bad_request_response(request, problem)
        return None

    def process_exception(self, request, exception):
        if isinstance(exception, BadParameter):
            return bad_request_response(request, exception.message)
        return None


class ApiMiddleware:
    """Under `/api/` every error is the API's JSON body, whoever answered: an unknown
    address or a malformed slug (Django's 404), a method the operation lacks (405), a
    refused CSRF check (403); responses that are already JSON pass untouched. Any web page
    may read the API (`Access-Control-Allow-Origin: *`: no cookie is ever used there)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(JSON_PREFIXES):
            return response
        if (
            response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
            and not getattr(response, "streaming", False)
        ):
            replacement = json_error(
                response.status_code,
                API_ERROR_CODES.get(response.status_code, "error"),
                api_message(response.status_code),
            )
            if response.has_header("Allow"):
                replacement["Allow"] = response["Allow"]
            response = replacement
        response.headers.setdefault("Access-Control-Allow-Origin", "*")
        return response


API_ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    429: "too_many_requests",
    500: "server_error",
}


def api_message(status: int) -> str:
    return {
        401: _("A valid API token is needed, in the Authorization header after the word Bearer."),
        403: _("Your token does not allow this."),
        404: _("Nothing has this address in the API."),
        405: _("This method is not allowed here."),
        429: _("Too many requests: wait a moment before trying again."),
        500: _("The server could not answer. The team has been told."),
    }.get(status, _("The request could not be understood. Check the address."))
