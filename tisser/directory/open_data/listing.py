"""What the API and the open-data exports share: the public list and absolute links."""

from django.urls import reverse
from django.utils.translation import gettext as _

from tisser.directory.map.queries import BBox, ViewportError, public_organisations


class BadRequest(ValueError):
    """A parameter the caller cannot use; its message is returned to the caller."""


def open_data_headers(response):
    """Anyone may read open data from any web page."""
    response["Access-Control-Allow-Origin"] = "*"
    return response


def public_queryset(params, *, filters_in_index: bool = False):
    """Published organisations matching the public filters and `bbox`, in a stable order
    (`filters_in_index`: see `map_queries.public_organisations`)."""
    qs = public_organisations(params, filters_in_index=filters_in_index)
    if raw_bbox := (params.get("bbox") or "").strip():
        try:
            qs = BBox.parse(raw_bbox).filter(qs)
        except ViewportError as exc:
            raise BadRequest(
                _("bbox must be four numbers: west,south,east,north (longitudes, latitudes).")
            ) from exc
    return qs.order_by("id")


def url_maker(request, name: str):
    """`slug -> absolute URL` for a named route, reversing it once rather than per row."""
    placeholder = "slug-placeholder"
    template = request.build_absolute_uri(reverse(name, args=[placeholder]))
    head, _sep, tail = template.partition(placeholder)
    return lambda slug: f"{head}{slug}{tail}"
