"""Real communes of the five départements of Hauts-de-France, for demo, API and export tests.

Codes, names and centroids from INSEE's COG / IGN (shared/geo), populations rounded.
"""

import pytest

COMMUNES = (
    # code, name, département, population, latitude, longitude, postcodes
    ("59350", "Lille", "59", 236000, 50.63178, 3.04706, "59000,59160,59260,59777,59800"),
    ("59512", "Roubaix", "59", 98800, 50.68838, 3.18211, "59100"),
    ("59599", "Tourcoing", "59", 99000, 50.72573, 3.1596, "59200"),
    ("59183", "Dunkerque", "59", 86300, 51.03412, 2.35604, "59140,59240,59640"),
    ("59481", "Le Quesnoy", "59", 4800, 50.25066, 3.62397, "59530"),
    ("80021", "Amiens", "80", 133600, 49.90041, 2.28986, "80000,80080,80090"),
    ("80016", "Albert", "80", 9900, 50.00375, 2.64866, "80300"),
    ("80620", "Péronne", "80", 7600, 49.92817, 2.92909, "80200"),
    ("62498", "Lens", "62", 31400, 50.43761, 2.82108, "62300"),
    ("62528", "Loos-en-Gohelle", "62", 6900, 50.45679, 2.78557, "62750"),
    ("62041", "Arras", "62", 41500, 50.28991, 2.76625, "62000"),
    ("60057", "Beauvais", "60", 56600, 49.4362, 2.08634, "60000"),
    ("02691", "Saint-Quentin", "02", 53900, 49.84741, 3.27773, "02100"),
    ("02408", "Laon", "02", 24700, 49.56789, 3.62117, "02000"),
)
DEPARTEMENT_NAMES = {
    "02": "Aisne",
    "59": "Nord",
    "60": "Oise",
    "62": "Pas-de-Calais",
    "80": "Somme",
}


@pytest.fixture
def hdf_communes(db):
    """Région 32, its five départements and fourteen of their communes."""
    from tisser.core.text import fold
    from tisser.territories.models import Commune, Departement, Region

    region = Region.objects.create(code="32", name="Hauts-de-France")
    for code, name in DEPARTEMENT_NAMES.items():
        Departement.objects.create(code=code, name=name, region=region)
    return {
        code: Commune.objects.create(
            code=code,
            name=name,
            search_name=fold(name),
            departement_id=dep,
            region=region,
            population=population,
            latitude=lat,
            longitude=lon,
            postcodes=postcodes,
        )
        for code, name, dep, population, lat, lon, postcodes in COMMUNES
    }
