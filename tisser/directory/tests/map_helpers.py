"""Small builders shared by the map, search and actor-page tests."""

import pytest
from django.core.cache import cache

from tisser.directory.indexing import refresh_derived_fields
from tisser.directory.models import Category, Organisation


def make_category(slug: str, name: str | None = None, color: str = "#aa3300", position: int = 0):
    return Category.objects.get_or_create(
        slug=slug, defaults={"name": name or slug.title(), "color": color, "position": position}
    )[0]


def make_org(
    name: str, lat: float | None = None, lon: float | None = None, categories=(), **fields
):
    org = Organisation(name=name, latitude=lat, longitude=lon, **fields)
    refresh_derived_fields(org)
    base, n = org.slug, 1
    while Organisation.objects.filter(slug=org.slug).exists():
        n += 1
        org.slug = f"{base}-{n}"
    org.save()
    if categories:
        org.categories.set(categories)
    return org


@pytest.fixture(autouse=False)
def fresh_map_cache():
    """Django's cache outlives each test's database: start the map's cache empty."""
    cache.clear()
    yield
    cache.clear()
