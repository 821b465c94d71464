"""Public pages of the observatory: indicators as a map, charts and a table; territory
pages; embeddable charts. Thin: reads come from `queries`, charts from `charts`."""

from __future__ import annotations

import hashlib

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from tisser.accounts.roles import is_staff_editor
from tisser.core import params as core_params
from tisser.core.middleware import build_policy
from tisser.directory.contacts.exports import csv_response
from tisser.directory.models import Organisation
from tisser.territories.models import Commune, Departement

from . import charts, queries
from .models import Level, Theme

PAGE_SIZE = 50
COMPARISON_BARS = 15
EVOLUTION_LINES = 6


def _indicator_or_404(request, slug):
    indicator = queries.get_indicator(slug, staff=is_staff_editor(request.user))
    if indicator is None:
        raise Http404
    return indicator


def _selection(request, indicator) -> dict:
    """Level and year asked for (`niveau`, `annee`), defaulting to what the data holds."""
    levels = queries.levels_of(indicator)
    if not levels:
        return {"levels": [], "level": None, "years": [], "year": None}
    level = request.GET.get("niveau")
    if level not in levels:
        level = Level.DEPARTEMENT if Level.DEPARTEMENT in levels else levels[0]
    years = queries.years_of(indicator, level)
    year = core_params.integer(request.GET, "annee")
    if year not in years:
        year = years[-1] if years else None
    return {"levels": levels, "level": level, "years": years, "year": year}


def home(request):
    stored = list(queries.published_indicators())
    themes = []
    for value, label in Theme.choices:
        items = [i for i in stored if i.theme == value]
        if items:
            themes.append((label, items))
    return render(
        request,
        "observatory/home.html",
        {"themes": themes, "live": queries.live_indicators()},
    )


def _evolution(indicator, level, rows):
    top = rows.top(EVOLUTION_LINES)
    codes = [r.code for r in top]
    names = {r.code: r.name for r in top}
    lines = {names[c]: pts for c, pts in queries.series(indicator, level, codes).items()}
    return charts.evolution_svg(
        _("%(name)s: evolution") % {"name": indicator.name},
        indicator.unit,
        lines,
        indicator.decimals,
    )


def _comparison(indicator, year, rows):
    bars = [(r.name, r.value) for r in rows.top(COMPARISON_BARS)]
    return charts.comparison_svg(
        _("%(name)s in %(year)s") % {"name": indicator.name, "year": year},
        indicator.unit,
        bars,
        indicator.decimals,
    )


def indicator_page(request, slug):
    indicator = _indicator_or_404(request, slug)
    selection = _selection(request, indicator)
    level, year = selection["level"], selection["year"]
    view = "tableau" if request.GET.get("vue") == "tableau" else "carte"
    sort = request.GET.get("tri", "-value")
    q = request.GET.get("q", "")[:100]
    departement = request.GET.get("departement", "").upper()[:3]
    context = {
        "indicator": indicator,
        "view": view,
        "sort": sort,
        "q": q,
        "departement": departement,
        **selection,
        "level_labels": dict(Level.choices),
        "prefix": queries.PREFIXES.get(level, "") if level else "",
    }
    if level and year:
        rows = queries.table_rows(indicator, level, year, sort=sort, q=q, departement=departement)
        everything = rows if not (q or departement) else queries.table_rows(indicator, level, year)
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        map_departement = departement
        if level == Level.COMMUNE and not map_departement and everything:
            map_departement = everything[0].departement
        params = request.GET.copy()
        params.pop("page", None)
        context.update(
            {
                "page": page,
                "row_count": len(rows),
                "query": params.urlencode(),
                "breaks": queries.class_breaks(everything.values()),
                "palette": queries.PALETTE,
                "evolution": _evolution(indicator, level, rows)
                if len(selection["years"]) > 1
                else "",
                "comparison": _comparison(indicator, year, rows),
                "departements": Departement.objects.order_by("code")
                if level == Level.COMMUNE
                else [],
                "map_departement": map_departement,
                "map_config": {
                    "valuesUrl": reverse("observatory:values_json", args=[indicator.slug])
                    + f"?niveau={level}&annee={year}",
                    "level": level,
                    "outlinesUrl": _outlines_url(level, map_departement),
                    "centresUrl": reverse("observatory:commune_centres")
                    + f"?departement={map_departement}"
                    if level == Level.COMMUNE
                    else "",
                    "unit": indicator.unit,
                    "decimals": indicator.decimals,
                    "territoryUrl": reverse("observatory:territory", args=["CODE"]),
                    "prefix": queries.PREFIXES[level],
                    "strings": {"noValue": _("no value"), "noOutline": _("No outlines here.")},
                },
                "embed_url": request.build_absolute_uri(
                    reverse("observatory:embed", args=[indicator.slug])
                )
                + "?"
                + _embed_query(level, year, q, departement),
            }
        )
    return render(request, "observatory/indicator.html", context)


def _embed_query(level, year, q, departement) -> str:
    from django.http import QueryDict

    params = QueryDict(mutable=True)
    params.update({"niveau": level, "annee": year})
    if q:
        params["q"] = q
    if departement:
        params["departement"] = departement
    return params.urlencode()


def _outlines_url(level, departement) -> str:
    if level == Level.REGION:
        return reverse("territories:regions_geojson")
    if level == Level.DEPARTEMENT:
        return reverse("territories:departements_geojson")
    if level == Level.COMMUNE and departement:
        return reverse("territories:communes_geojson") + f"?departement={departement}"
    return ""


def _cached_json(request, body: str, max_age: int = 300) -> HttpResponse:
    etag = '"' + hashlib.md5(body.encode(), usedforsecurity=False).hexdigest() + '"'
    response = get_conditional_response(request, etag=etag) or HttpResponse(
        body, content_type="application/json"
    )
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=max_age)
    return response


@require_GET
def values_json(request, slug):
    """`{"level", "year", "breaks", "colors", "values": {INSEE code: value}}`."""
    indicator = _indicator_or_404(request, slug)
    selection = _selection(request, indicator)
    if not selection["year"]:
        return JsonResponse({"error": _("This indicator has no values yet.")}, status=404)
    return _cached_json(
        request, queries.values_json(indicator, selection["level"], selection["year"])
    )


@require_GET
def values_csv(request, slug):
    """The table as CSV, with the filters of the page."""
    indicator = _indicator_or_404(request, slug)
    selection = _selection(request, indicator)
    if not selection["year"]:
        raise Http404
    rows = queries.table_rows(
        indicator,
        selection["level"],
        selection["year"],
        sort=request.GET.get("tri", "-value"),
        q=request.GET.get("q", "")[:100],
        departement=request.GET.get("departement", "").upper()[:3],
    )
    headers = ["code_insee", "territoire", "niveau", "annee", "valeur", "unite", "rang"]
    data = (
        [r.code, r.name, selection["level"], selection["year"], r.value, indicator.unit, r.rank]
        for r in rows
    )
    return csv_response(f"{indicator.slug}-{selection['level']}-{selection['year']}", headers, data)


@require_GET
def commune_centres(request):
    """`{INSEE code: [lat, lng]}` of a département's communes: the map's dots where no
    outline was fetched."""
    code = request.GET.get("departement", "").upper()
    rows = Commune.objects.filter(departement_id=code).exclude(latitude=None)
    body = (
        "{"
        + ",".join(
            f'"{c}":[{lat:.4f},{lng:.4f}]'
            for c, lat, lng in rows.values_list("code", "latitude", "longitude")
        )
        + "}"
    )
    return _cached_json(request, body, max_age=3600)


@xframe_options_exempt
def embed(request, slug):
    """One chart alone, for an iframe on any site (`graphique=evolution|comparaison`)."""
    indicator = _indicator_or_404(request, slug)
    selection = _selection(request, indicator)
    chart = ""
    if selection["year"]:
        rows = queries.table_rows(
            indicator,
            selection["level"],
            selection["year"],
            q=request.GET.get("q", "")[:100],
            departement=request.GET.get("departement", "").upper()[:3],
        )
        if request.GET.get("graphique") == "evolution":
            chart = _evolution(indicator, selection["level"], rows)
        else:
            chart = _comparison(indicator, selection["year"], rows)
    response = render(
        request,
        "observatory/embed.html",
        {"indicator": indicator, "chart": chart, **selection},
    )
    directives = [d for d in build_policy().split("; ") if not d.startswith("frame-ancestors")]
    response["Content-Security-Policy"] = "; ".join([*directives, "frame-ancestors *"])
    return response


def territory_search(request):
    """The home page's territory box: open the best match's page."""
    from django.contrib import messages
    from django.shortcuts import redirect

    from tisser.territories.queries import search_territories

    found = search_territories(request.GET.get("q", "")[:100], limit=1)
    if not found:
        messages.warning(request, _("No territory matches this name or code."))
        return redirect("observatory:home")
    return redirect("observatory:territory", found[0]["code"])


def territory(request, code):
    found = queries.resolve_territory(code)
    if found is None:
        raise Http404
    level, insee, name = found
    from tisser.directory.filters import territory_q

    territory_code = queries.territory_code(level, insee)
    actors = Organisation.objects.filter(
        territory_q(territory_code), status=Organisation.Status.PUBLISHED
    ).select_related("commune")
    population = queries.populations_of(level).get(insee)
    return render(
        request,
        "observatory/territory.html",
        {
            "level": level,
            "level_label": Level(level).label,
            "code": insee,
            "territory_code": territory_code,
            "name": name,
            "population": population,
            "indicators": queries.territory_values(level, insee),
            "actor_count": actors.count(),
            "actors": actors.order_by("-is_member", "name")[:20],
            "events": queries.territory_events(territory_code),
        },
    )
