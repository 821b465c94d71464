"""Derived columns of an organisation, recomputed before every save (services, imports, demo).

Kept in one place so that every door into the directory fills them the same way.
"""

from django.utils.html import strip_tags
from django.utils.text import slugify

from tisser.core.text import fold

from .models import Organisation


def match_key_for(name: str, commune_code: str | None) -> str:
    """The de-duplication key after SIRET: normalised name + commune."""
    return f"{fold(name)}|{commune_code or ''}"


def refresh_derived_fields(org: Organisation) -> Organisation:
    """Fill match_key and search_text (and anything the map needs) from the editable fields."""
    org.match_key = match_key_for(org.name, org.commune_id)
    commune_name = org.commune.name if org.commune_id and org.commune else ""
    org.search_text = fold(" ".join([org.name, commune_name, strip_tags(org.description or "")]))
    if not org.slug:
        org.slug = slugify(f"{org.name}-{commune_name}")[:200] or "organisation"
    return org
