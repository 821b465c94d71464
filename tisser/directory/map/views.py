"""The public cooperative map: the page, its embeddable twin, viewport data and the list.

The page works without JavaScript (a GET form of filters and a server-rendered list);
`static/directory/map.js` then draws the map and keeps the list and the URL in step.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from tisser.core import params as core_params
from tisser.core.errors import json_errors
from tisser.core.middleware import build_policy
from tisser.directory.map import queries as map_queries
from tisser.directory.map import queries_list as map_queries_list
from tisser.directory.models import Category, LegalForm
from tisser.territories.queries import territory_label

# The initial view: Hauts-de-France (the network's région) when nothing else is asked.
DEFAULT_CENTER = (50.0, 2.8)
DEFAULT_ZOOM = 8


def url_or(name: str, fallback: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return fallback


def _filter_query(params) -> str:
    """The public filters of `params` as a query string (for links and the embed code)."""
    return urlencode(list(map_queries.public_params(params).lists()), doseq=True)


def _map_context(request, embed: bool) -> dict:
    params = request.GET
    selected_categories = set(map_queries.public_params(params).getlist("category"))
    territory = (params.get("territory") or "").strip()
    categories = list(Category.objects.all())
    listing = map_queries_list.list_page(params, page=core_params.page(params))
    filters = _filter_query(params)
    embed_src = request.build_absolute_uri(reverse("directory:embed"))
    config = {
        "embed": embed,
        "filters": filters,
        "dataUrl": reverse("directory:map_data"),
        "listUrl": reverse("directory:map_list"),
        "mapUrl": reverse("directory:map"),
        "embedUrl": embed_src,
        "actorUrl": reverse("directory:organisation", args=["__slug__"]),
        "territorySearchUrl": url_or("territories:search", "/territoires/recherche/"),
        "outlinesUrl": url_or(
            "territories:departements_geojson", "/territoires/departements.geojson"
        ),
        "tilesUrl": settings.TISSER_MAP_TILES_URL,
        "tilesAttribution": settings.TISSER_MAP_TILES_ATTRIBUTION,
        "center": list(DEFAULT_CENTER),
        "zoom": DEFAULT_ZOOM,
        "categories": {c.slug: {"name": c.name, "color": c.color} for c in categories},
        "strings": {
            "actors": _("%(count)s actors"),
            "oneActor": _("1 actor"),
            "zoomIn": _("Zoom in to see these actors"),
            "member": _("Member of the network"),
            "error": _("The map could not be loaded. Please try again."),
        },
    }
    return {
        "config": config,
        "embed": embed,
        "categories": categories,
        "selected_categories": selected_categories,
        "legal_forms": LegalForm.choices,
        "selected_legal_form": params.get("legal_form", ""),
        "member_only": (params.get("member") or "") in {"1", "true", "yes", "oui"},
        "q": params.get("q", ""),
        "territory": territory,
        "territory_label": (territory_label(territory) if territory else "") or "",
        "listing": listing,
        "filters": filters,
        "embed_code": (
            f'<iframe src="{escape(embed_src + ("?" + filters if filters else ""))}" '
            f'title="{escape(_("Map of actors"))}" width="100%" height="500" '
            'style="border:0" loading="lazy"></iframe>'
        ),
    }


@require_GET
def map_page(request):
    return render(request, "directory/map.html", _map_context(request, embed=False))


@require_GET
@xframe_options_exempt
def embed(request):
    """The map without the site's chrome, for an iframe on any other site."""
    response = render(request, "directory/embed.html", _map_context(request, embed=True))
    directives = [d for d in build_policy().split("; ") if not d.startswith("frame-ancestors")]
    response["Content-Security-Policy"] = "; ".join([*directives, "frame-ancestors *"])
    return response


@json_errors
@require_GET
def map_data(request):
    """`?bbox=w,s,e,n&zoom=z&<filters>` → clusters or points (see map_queries.viewport).

    A missing or malformed bbox or zoom is a JSON 400 (`core.params`)."""
    core_params.bbox(request.GET, required=True)
    return HttpResponse(map_queries.viewport_json(request.GET), content_type="application/json")


@require_GET
def map_list(request):
    """The list beside the map: an HTML fragment, or JSON with `format=json`."""
    listing = map_queries_list.list_page(request.GET, page=core_params.page(request.GET))
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "total": listing["total"],
                "capped": listing["capped"],
                "page": listing["page"],
                "pages": listing["pages"],
                "results": [
                    {
                        "name": actor.name,
                        "slug": actor.slug,
                        "url": actor.url,
                        "commune": actor.commune,
                        "categories": [name for name, _color in actor.categories],
                        "member": actor.is_member,
                        "latitude": actor.latitude,
                        "longitude": actor.longitude,
                    }
                    for actor in listing["organisations"]
                ],
            }
        )
    return render(
        request,
        "directory/_map_list.html",
        {"listing": listing, "filters": _filter_query(request.GET), "fragment": True},
    )
