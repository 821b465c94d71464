"""Small territories and a taxonomy shared by the directory's tests."""

import pytest

from tisser.directory.models import Category
from tisser.territories.models import Commune, Departement, Region

VALID_SIRET = "73282932000074"
OTHER_SIRET = "44306184100047"

# (code, name, département, postcodes, latitude, longitude, population)
COMMUNES = [
    ("59350", "Lille", "59", "59000,59800", 50.6311, 3.0468, 236000),
    ("59512", "Roubaix", "59", "59100", 50.6942, 3.1746, 98000),
    ("62041", "Arras", "62", "62000", 50.29, 2.78, 41000),
]
CATEGORIES = [
    ("alimentation", "Alimentation"),
    ("tiers-lieux", "Tiers-lieux"),
    ("mobilite", "Mobilité"),
]


@pytest.fixture
def communes(db):
    """Real communes of the Nord and the Pas-de-Calais, with their centres, by lower-case name."""
    region = Region.objects.create(code="32", name="Hauts-de-France", search_name="hauts de france")
    departements = {
        code: Departement.objects.create(
            code=code, name=name, region=region, search_name=name.lower()
        )
        for code, name in [("59", "Nord"), ("62", "Pas-de-Calais")]
    }
    return {
        name.lower(): Commune.objects.create(
            code=code,
            name=name,
            search_name=name.lower(),
            departement=departements[dep],
            region=region,
            postcodes=postcodes,
            latitude=lat,
            longitude=lon,
            population=population,
        )
        for code, name, dep, postcodes, lat, lon, population in COMMUNES
    }


@pytest.fixture
def categories(db):
    return {
        slug: Category.objects.create(name=name, slug=slug, position=position)
        for position, (slug, name) in enumerate(CATEGORIES)
    }
