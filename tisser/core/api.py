"""What every router of the JSON API shares: the error body, the pagination, the handlers.

Each app owns its schemas and its router (`<app>/api.py`); `tisser/api.py` assembles them
into one `NinjaAPI` with `build_api()`. Errors have one shape everywhere under `/api/`,
the one `core.errors.json_error` writes: `{"error": {"status", "code", "message"}}`, with
`fields` for a parameter that could not be read.
"""

import json
import math
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import PaginationBase
from ninja.throttling import SimpleRateThrottle

from .errors import BadParameter, json_error
from .middleware import API_ERROR_CODES, api_message

#: The status codes every operation may answer besides its own, with their codes.
ERROR_CODES = {status: API_ERROR_CODES[status] for status in (400, 401, 403, 404, 405, 429)}
#: The OpenAPI extension naming the token scope an operation needs (see `needs_scope`).
SCOPE_KEY = "x-scope"
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100


def needs_scope(scope: str) -> dict:
    """`openapi_extra` of an operation that needs a token with `scope`."""
    return {SCOPE_KEY: scope, "security": [{"TokenAuth": []}]}


class ErrorDetail(Schema):
    status: int
    code: str
    message: str
    fields: dict[str, list[str]] | None = None


class ErrorOut(Schema):
    """The body of every error under /api/."""

    error: ErrorDetail


def error_message(status: int) -> str:
    return api_message(status)


def api_error(status: int, message: str = "", *, fields=None, headers=None):
    """A JSON error response in the API's shape."""
    code = API_ERROR_CODES.get(status, "error")
    response = json_error(status, code, message or error_message(status), fields=fields)
    for header, value in (headers or {}).items():
        response[header] = value
    return response


class Pagination(PaginationBase):
    """Page numbers with the total and absolute links to the pages either side.

    `next` is there exactly when a row follows the page (one row more is read), so the
    links stay right whatever the total. The total is exact when it is cheap to count;
    past `TISSER_API_EXACT_COUNT_LIMIT` rows (as PostgreSQL's planner foresees them) it is
    the planner's estimate, flagged by `count_is_estimate`: counting tens of thousands
    of matches took longer than the page itself (see docs/decisions.md)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000, description="Page number, from 1.")
        page_size: int = Field(
            DEFAULT_PAGE_SIZE,
            ge=1,
            le=MAX_PAGE_SIZE,
            description=f"Results per page (at most {MAX_PAGE_SIZE}).",
        )

    class Output(Schema):
        count: int = Field(description="The number of results, or an estimate of it.")
        count_is_estimate: bool = Field(
            description="True when `count` (and so `pages`) is the database's estimate: "
            "large totals are estimated, not counted. `next` is exact either way."
        )
        page: int
        pages: int
        page_size: int
        next: str | None
        previous: str | None
        results: list[Any]

    items_attribute = "results"

    def paginate_queryset(self, queryset, pagination: Input, request: HttpRequest, **params):
        return page_of(request, queryset, pagination)


def page_of(request: HttpRequest, rows, pagination, convert=None) -> dict:
    """One page of `rows` (a queryset or a list) in the API's paginated shape; `convert`
    turns each row into what the item schema reads."""
    size, number = pagination.page_size, pagination.page
    count, estimated = count_rows(rows)
    pages = max(1, math.ceil(count / size))
    if number > pages and not estimated:
        raise HttpError(
            404,
            _("There is no page %(page)s: the last page is %(pages)s.")
            % {"page": number, "pages": pages},
        )
    start = (number - 1) * size
    results = list(rows[start : start + size + 1])
    if number > 1 and not results:
        raise HttpError(404, _("There is no page %(page)s.") % {"page": number})
    more = len(results) > size
    results = results[:size]
    if estimated:
        # What was read beats the estimate: the last page knows the total, another page
        # knows there are more rows than it has seen.
        count = start + len(results) if not more else max(count, start + size + 1)
        estimated = more
        pages = max(1, math.ceil(count / size))
    if convert is not None:
        results = [convert(row) for row in results]
    return {
        "count": count,
        "count_is_estimate": estimated,
        "page": number,
        "pages": pages,
        "page_size": size,
        "next": page_url(request, number + 1) if more else None,
        "previous": page_url(request, number - 1) if number > 1 else None,
        "results": results,
    }


def count_rows(rows) -> tuple[int, bool]:
    """`(total, is_estimate)`: an exact count unless PostgreSQL foresees more than
    `TISSER_API_EXACT_COUNT_LIMIT` rows, then its estimate (one EXPLAIN, no row read)."""
    if isinstance(rows, list):
        return len(rows), False
    limit = settings.TISSER_API_EXACT_COUNT_LIMIT
    if limit and connections[rows.db].vendor == "postgresql":
        estimate = planned_rows(rows)
        if estimate > limit:
            return estimate, True
    return rows.count(), False


def planned_rows(qs) -> int:
    """The number of rows PostgreSQL's planner expects `qs` to return."""
    try:
        sql, params = qs.order_by().query.sql_with_params()
    except EmptyResultSet:  # a filter that nothing can match (`pk__in=[]`)
        return 0
    with connections[qs.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def paged(item_schema) -> type[Schema]:
    """The paginated response schema for `item_schema` (`Paged<Name>`), as `@paginate`
    names it, for operations that page by hand with `page_of`."""
    return type(
        f"Paged{item_schema.__name__}",
        (Pagination.Output,),
        {"__annotations__": {"results": list[item_schema]}, "__module__": __name__},
    )


def page_url(request: HttpRequest, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


def _validation_message(errors: list[dict]) -> tuple[str, dict[str, list[str]]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("query", "path")]
        name = location[-1] if location else "body"
        fields.setdefault(name, []).append(str(error.get("msg", "")))
    names = ", ".join(f"“{name}”" for name in fields)
    return _("These parameters could not be read: %(names)s.") % {"names": names}, fields


class ApiThrottle(SimpleRateThrottle):
    """Requests per minute per token (per client address without one), in Django's cache."""

    scope = "api"
    THROTTLE_RATES = {"api": None}

    def get_rate(self):
        return None  # read per request: tests and settings may change it

    def allow_request(self, request):
        auth = getattr(request, "auth", None)
        token_id = getattr(auth, "pk", None)
        limit = (
            settings.TISSER_API_TOKEN_RATE_PER_MINUTE
            if token_id
            else settings.TISSER_API_ANONYMOUS_RATE_PER_MINUTE
        )
        if not limit:
            return True
        self.num_requests, self.duration = limit, 60
        self.key = self.cache_format % {
            "scope": self.scope,
            "ident": f"t{token_id}" if token_id else self.get_ident(request),
        }
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        if len(self.history) >= self.num_requests:
            return self.throttle_failure()
        return self.throttle_success()


def build_api(*, title: str, description: str, auth) -> NinjaAPI:
    """The NinjaAPI with the project's error body on every error."""
    api = NinjaAPI(
        title=title,
        version="1",
        description=description,
        urls_namespace="api",
        docs_url="/docs/",
        openapi_url="/openapi.json",
        auth=auth,
        throttle=[ApiThrottle()],
    )

    @api.exception_handler(ValidationError)
    def validation_error(request, exc):
        message, fields = _validation_message(exc.errors)
        return api_error(400, message, fields=fields)

    @api.exception_handler(AuthenticationError)
    def unauthorized(request, exc):
        message = exc.message if exc.message != "Unauthorized" else ""
        return api_error(401, message, headers={"WWW-Authenticate": "Bearer"})

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        if exc.status_code == 429:
            wait = getattr(exc, "wait", None) or 60
            return api_error(429, headers={"Retry-After": str(math.ceil(wait))})
        default = exc.message in {"Forbidden", "Unauthorized", "Not Found"}
        return api_error(exc.status_code, "" if default else exc.message)

    @api.exception_handler(BadParameter)
    def bad_parameter(request, exc):
        return api_error(400, exc.message)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api_error(404)

    return api


def add_error_responses(schema: dict) -> dict:
    """Every operation documents the errors any request may get, with the one error body."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    if "ErrorOut" not in components:
        components["ErrorOut"] = _error_schema(components)
    for item in schema.get("paths", {}).values():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            # A token is optional unless the operation names the scope it needs.
            if SCOPE_KEY not in operation:
                operation["security"] = [{"TokenAuth": []}, {}]
            responses = operation.setdefault("responses", {})
            for status in ERROR_CODES:
                if status in responses:
                    continue
                responses.setdefault(
                    str(status),
                    {
                        "description": error_message(status),
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/ErrorOut"}
                            }
                        },
                    },
                )
    return schema


def _error_schema(components: dict) -> dict:
    components.setdefault(
        "ErrorDetail",
        {
            "type": "object",
            "title": "ErrorDetail",
            "required": ["status", "code", "message"],
            "properties": {
                "status": {"type": "integer"},
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {
                    "anyOf": [
                        {
                            "type": "object",
                            "additionalProperties": {"type": "array", "items": {"type": "string"}},
                        },
                        {"type": "null"},
                    ]
                },
            },
        },
    )
    return {
        "type": "object",
        "title": "ErrorOut",
        "required": ["error"],
        "properties": {"error": {"$ref": "#/components/schemas/ErrorDetail"}},
    }
