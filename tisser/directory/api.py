"""The public JSON API (`/api/v1/`): published organisations and categories, read-only.

Plain Django views returning JSON. Public fields only: the organisation's own contact
details, never the people behind it; never an unpublished organisation. The filters are
the map's (`map_queries.public_organisations`, which reads `filters.filter_organisations`),
plus `bbox`; `openapi.py` describes all of it.
"""

from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .map_queries import BBox, ViewportError, public_organisations
from .models import Category, LegalForm, Organisation, WorkforceBand

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


class BadRequest(ValueError):
    """A parameter the API cannot use; its message is returned to the caller."""


def open_data_headers(response):
    """Anyone may read open data from any web page."""
    response["Access-Control-Allow-Origin"] = "*"
    return response


def json_response(data, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    return open_data_headers(response)


def error_response(message: str, status: int) -> JsonResponse:
    return json_response({"error": message}, status=status)


def public_queryset(params):
    """Published organisations matching the public filters and `bbox`, in a stable order."""
    qs = public_organisations(params)
    if raw_bbox := (params.get("bbox") or "").strip():
        try:
            qs = BBox.parse(raw_bbox).filter(qs)
        except ViewportError as exc:
            raise BadRequest(
                _("bbox must be four numbers: west,south,east,north (longitudes, latitudes).")
            ) from exc
    return qs.order_by("id")


def _positive_int(params, key: str, default: int) -> int:
    raw = (params.get(key) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise BadRequest(_("%(name)s must be a whole number of at least 1.") % {"name": key})
    return value


def page_size(params) -> int:
    return min(_positive_int(params, "page_size", DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE)


def _page_url(request, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


def url_maker(request, name: str):
    """`slug -> absolute URL` for a named route, reversing it once rather than per row."""
    placeholder = "slug-placeholder"
    template = request.build_absolute_uri(reverse(name, args=[placeholder]))
    head, _, tail = template.partition(placeholder)
    return lambda slug: f"{head}{slug}{tail}"


class _Urls:
    def __init__(self, request):
        self.page = url_maker(request, "directory:organisation")
        self.api = url_maker(request, "directory:api_organisation")


def _urls(request) -> _Urls:
    urls = getattr(request, "_tisser_api_urls", None)
    if urls is None:
        urls = request._tisser_api_urls = _Urls(request)
    return urls


def _commune(org: Organisation) -> dict | None:
    if not org.commune_id:
        return None
    return {
        "code": org.commune_id,
        "name": org.commune.name,
        "departement": org.commune.departement_id,
    }


def _legal_form_label(code: str) -> str | None:
    if not code:
        return None
    try:
        return str(LegalForm(code).label)
    except ValueError:  # a code no longer in the list
        return code


def organisation_summary(request, org: Organisation) -> dict:
    """What the list gives for each organisation."""
    urls = _urls(request)
    return {
        "slug": org.slug,
        "name": org.name,
        "url": urls.page(org.slug),
        "api_url": urls.api(org.slug),
        "legal_form": org.legal_form or None,
        "legal_form_label": _legal_form_label(org.legal_form),
        "categories": [c.slug for c in org.categories.all()],
        "commune": _commune(org),
        "latitude": org.latitude,
        "longitude": org.longitude,
        "geo_precision": org.geo_precision or None,
        "is_member": org.is_member,
        "website": org.website or None,
    }


def organisation_detail(request, org: Organisation) -> dict:
    """Every public field of one organisation."""
    data = organisation_summary(request, org)
    data["categories"] = [category_data(c) for c in org.categories.all()]
    data.update(
        {
            "siret": org.siret or None,
            "address": org.address or None,
            "postcode": org.postcode or None,
            "email": org.email or None,
            "phone": org.phone or None,
            "description": org.description,
            "workforce": org.workforce or None,
            "workforce_label": str(WorkforceBand(org.workforce).label) if org.workforce else None,
            "logo": request.build_absolute_uri(org.logo.url) if org.logo else None,
            "updated_at": org.updated_at.isoformat() if org.updated_at else None,
        }
    )
    return data


def category_data(category: Category) -> dict:
    return {"slug": category.slug, "name": category.name, "color": category.color}


@require_safe
def organisations(request):
    """`GET /api/v1/organisations/`: one page of the filtered list, with links to the next."""
    try:
        qs = public_queryset(request.GET)
        size = page_size(request.GET)
        page = _positive_int(request.GET, "page", 1)
    except BadRequest as exc:
        return error_response(str(exc), 400)
    count = qs.count()
    pages = max(1, -(-count // size))
    if page > pages:
        return error_response(
            _("There is no page %(page)s: the last page is %(pages)s.")
            % {"page": page, "pages": pages},
            404,
        )
    start = (page - 1) * size
    rows = qs.select_related("commune").prefetch_related("categories")[start : start + size]
    return json_response(
        {
            "count": count,
            "page": page,
            "pages": pages,
            "page_size": size,
            "next": _page_url(request, page + 1) if page < pages else None,
            "previous": _page_url(request, page - 1) if page > 1 else None,
            "results": [organisation_summary(request, org) for org in rows],
        }
    )


@require_safe
def organisation(request, slug: str):
    """`GET /api/v1/organisations/<slug>/`: one published organisation."""
    org = (
        Organisation.objects.filter(slug=slug, status=Organisation.Status.PUBLISHED)
        .select_related("commune")
        .prefetch_related("categories")
        .first()
    )
    if org is None:
        return error_response(_("No published organisation has this address."), 404)
    return json_response(organisation_detail(request, org))


@require_safe
def categories(request):
    """`GET /api/v1/categories/`: the taxonomy, with how many published actors each has."""
    # Every link, minus those of the few unpublished actors: two index-only counts, where
    # joining 200,000 links to their organisations took seconds on SQLite.
    links = Organisation.categories.through.objects.order_by()

    def per_category(qs) -> dict[int, int]:
        return dict(
            qs.values("category_id").annotate(n=Count("id")).values_list("category_id", "n")
        )

    counts = per_category(links)
    hidden = per_category(
        links.filter(
            organisation_id__in=Organisation.objects.exclude(
                status=Organisation.Status.PUBLISHED
            ).values("id")
        )
    )
    counts = {category: n - hidden.get(category, 0) for category, n in counts.items()}
    rows = Category.objects.order_by("position", "name")
    return json_response(
        {"results": [{**category_data(c), "organisations": counts.get(c.pk, 0)} for c in rows]}
    )


@require_safe
def openapi_document(request):
    """`GET /api/openapi.json`: the OpenAPI 3.1 description of the API and the exports."""
    from .openapi import build_document

    return json_response(build_document(request))


@require_safe
def index(request):
    """`GET /api/`: a page for people, explaining the parameters and linking to the rest."""
    return render(
        request,
        "directory/api_index.html",
        {
            "default_page_size": DEFAULT_PAGE_SIZE,
            "max_page_size": MAX_PAGE_SIZE,
            "legal_forms": Organisation._meta.get_field("legal_form").choices,
            "categories": Category.objects.order_by("position", "name"),
        },
    )
