"""Public JSON views: the territory autocomplete and the offline map background outlines."""

import hashlib

from django.http import HttpResponse, JsonResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tisser.core import params as core_params
from tisser.core.errors import BadParameter, json_errors

from . import queries

MAX_RESULTS = 20
OUTLINE_MAX_AGE = 24 * 3600  # outlines change only when territories are reloaded


@json_errors
@require_GET
def search(request):
    """`?q=lil` → `{"results": [{"code": "59350", "label": "Lille (59)", "kind": …}, …]}`."""
    limit = core_params.integer(
        request.GET, "limit", 10, minimum=1, maximum=MAX_RESULTS, clamp=True
    )
    results = queries.search_territories(request.GET.get("q", "")[:100], limit=limit)
    response = JsonResponse({"results": results})
    patch_cache_control(response, public=True, max_age=300)
    return response


def _outlines_response(request, body: str, max_age: int = OUTLINE_MAX_AGE) -> HttpResponse:
    etag = '"' + hashlib.md5(body.encode("utf-8"), usedforsecurity=False).hexdigest() + '"'
    not_modified = get_conditional_response(request, etag=etag)
    response = not_modified or HttpResponse(body, content_type="application/geo+json")
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=max_age)
    return response


@require_GET
def departements_geojson(request):
    return _outlines_response(request, queries.outlines_geojson("departements"))


@require_GET
def regions_geojson(request):
    return _outlines_response(request, queries.outlines_geojson("regions"))


@json_errors
@require_GET
def communes_geojson(request):
    """`?departement=59`: the outlines of its communes, when they have been fetched."""
    code = request.GET.get("departement", "").strip().upper()
    if not queries.is_departement(code):
        raise BadParameter(
            _("Give a known département code, e.g. ?departement=59."), parameter="departement"
        )
    # Shorter: `fetch_commune_outlines` may add outlines at any time.
    return _outlines_response(request, queries.outlines_geojson("communes", code), max_age=3600)
