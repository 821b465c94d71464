"""The public page of one actor, with its schema.org `Organization` description."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from tisser.accounts.roles import is_staff_editor
from tisser.core.html import jsonld_script_body, rich_text_html, sanitize_html
from tisser.directory.map.views import url_or
from tisser.directory.models import GeoPrecision, Organisation

PRECISION_TEXT = {
    GeoPrecision.HOUSENUMBER: _("Located at the exact address."),
    GeoPrecision.STREET: _("Located at the street, not the exact address."),
    GeoPrecision.MUNICIPALITY: _("Located at the commune centre, not the exact address."),
    GeoPrecision.MANUAL: _("Placed on the map by hand."),
    GeoPrecision.NONE: _("Not located on the map yet."),
}


def organisation_jsonld(org: Organisation, page_url: str) -> dict:
    """schema.org Organization: public fields only (never the people behind it)."""
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "@id": page_url,
        "name": org.name,
        "url": org.website or page_url,
        "mainEntityOfPage": page_url,
    }
    if description := strip_tags(sanitize_html(org.description or "")).strip():
        data["description"] = description
    address = {"@type": "PostalAddress", "addressCountry": "FR"}
    if org.address:
        address["streetAddress"] = org.address
    if org.postcode:
        address["postalCode"] = org.postcode
    if org.commune:
        address["addressLocality"] = org.commune.name
    data["address"] = address
    if org.latitude is not None and org.longitude is not None:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": org.latitude,
            "longitude": org.longitude,
        }
    if org.email:
        data["email"] = org.email
    if org.phone:
        data["telephone"] = org.phone
    if org.siret:
        data["identifier"] = {"@type": "PropertyValue", "propertyID": "SIRET", "value": org.siret}
    if org.logo:
        data["logo"] = org.logo.url
    if keywords := [c.name for c in org.categories.all()]:
        data["keywords"] = ", ".join(keywords)
    if org.is_member:
        data["memberOf"] = {"@type": "Organization", "name": settings.NETWORK_NAME}
    return data


@require_GET
def organisation_detail(request, slug: str):
    org = get_object_or_404(
        Organisation.objects.select_related("commune", "commune__departement"), slug=slug
    )
    if org.status != Organisation.Status.PUBLISHED and not is_staff_editor(request.user):
        raise Http404
    page_url = request.build_absolute_uri(reverse("directory:organisation", args=[org.slug]))
    located = org.latitude is not None and org.longitude is not None
    context = {
        "organisation": org,
        "page_url": page_url,
        "categories": list(org.categories.all()),
        "description_html": mark_safe(rich_text_html(org.description)),
        "precision_text": PRECISION_TEXT.get(org.geo_precision, PRECISION_TEXT[""]),
        "jsonld": jsonld_script_body(organisation_jsonld(org, page_url)),
        "map_config": {
            "latitude": org.latitude,
            "longitude": org.longitude,
            "name": org.name,
            "tilesUrl": settings.TISSER_MAP_TILES_URL,
            "tilesAttribution": settings.TISSER_MAP_TILES_ATTRIBUTION,
            "outlinesUrl": url_or(
                "territories:departements_geojson", "/territoires/departements.geojson"
            ),
        }
        if located
        else None,
        "is_public": org.status == Organisation.Status.PUBLISHED,
    }
    return render(request, "directory/organisation_detail.html", context)
