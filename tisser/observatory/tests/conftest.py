"""Fixtures of the observatory's tests: real territories (Hauts-de-France), an indicator
with values, suppliers around Albert (80016)."""

from pathlib import Path

import pytest

from tisser.directory.contacts import services as directory
from tisser.directory.models import Category, Organisation
from tisser.observatory import services
from tisser.observatory.models import Level, Theme


def _shared_geo() -> Path | None:
    """`shared/geo` beside the repository (as CI lays it), else the workplace's copy."""
    for folder in (
        Path(__file__).resolve().parents[3].parent / "shared" / "geo",
        Path("/work/shared/geo"),
    ):
        if (folder / "communes-hauts-de-france.geojson").exists():
            return folder
    return None


GEO = _shared_geo()


@pytest.fixture
def waste(hauts_de_france):
    """A waste indicator for the five départements (2021–2023) and a few communes."""
    indicator = services.save_indicator(
        {"name": "Déchets ménagers", "theme": Theme.WASTE, "unit": "kg/hab", "source": "Test"}
    )
    deps = {"02": 610.0, "59": 580.0, "60": 640.0, "62": 600.0, "80": 570.0}
    for year in (2021, 2022, 2023):
        services.set_values(
            indicator,
            Level.DEPARTEMENT,
            {(code, year): value - 5 * (year - 2021) for code, value in deps.items()},
        )
    services.set_values(
        indicator,
        Level.COMMUNE,
        {("80016", 2023): 512.5, ("80021", 2023): 498.0, ("59350", 2023): 601.0},
    )
    return indicator


@pytest.fixture
def suppliers(hauts_de_france):
    """Suppliers at known distances from Albert (80016, 50.0 N 2.65 E)."""
    reemploi = Category.objects.create(name="Réemploi", slug="reemploi")
    insertion = Category.objects.create(name="Insertion", slug="insertion")
    made = {}
    specs = [
        # name, commune, lat, lon, legal form, categories, workforce
        ("Ressourcerie du Coquelicot", "80016", 50.001, 2.652, "siae", [reemploi], "10-49"),
        ("Atelier Adapté de Péronne", "80620", 49.93, 2.93, "ea", [insertion], "50-249"),
        ("Jardins d'Amiens", "80021", 49.894, 2.296, "association", [insertion], "3-9"),
        ("Recyclerie de Lille", "59350", 50.63, 3.06, "siae", [reemploi], "10-49"),
    ]
    for name, commune, lat, lon, legal_form, categories, workforce in specs:
        made[name] = directory.create_organisation(
            {
                "name": name,
                "commune": commune,
                "latitude": lat,
                "longitude": lon,
                "legal_form": legal_form,
                "categories": [c.slug for c in categories],
                "workforce": workforce,
                "email": f"contact@{name.split()[0].lower()}.example",
                "status": Organisation.Status.PUBLISHED,
            }
        )
    services.set_supplier_profile(made["Ressourcerie du Coquelicot"], {"naf_code": "38.32Z"})
    services.set_supplier_profile(made["Jardins d'Amiens"], {"naf_code": "81.30Z", "is_esus": True})
    return made


@pytest.fixture
def editor_client(client, make_user):
    client.force_login(make_user("editrice@example.org", staff_role="editor"))
    return client


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run what `transaction.on_commit` queued (tasks are eager in tests)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture(autouse=True)
def empty_cache():
    """Cached territory names and values must not outlive a test's database."""
    from django.core.cache import cache

    from tisser.observatory import queries

    for clear in (cache.clear, queries._RANKED.clear, queries._MEMO.clear, queries._FOLDED.clear):
        clear()
    yield
    for clear in (cache.clear, queries._RANKED.clear, queries._MEMO.clear, queries._FOLDED.clear):
        clear()
