"""A small directory with every case the open-data endpoints must handle."""

import pytest

from . import demo_fixtures

hdf_communes = demo_fixtures.hdf_communes

PRIVATE_EMAIL = "rita.secret@exemple.test"
PRIVATE_PHONE = "06 39 98 12 34"


@pytest.fixture
def directory(hdf_communes):
    """Published, proposed and archived organisations, with categories and a contact."""
    from tisser.directory.indexing import refresh_derived_fields
    from tisser.directory.models import Affiliation, Category, Organisation, Person

    food = Category.objects.create(slug="alimentation", name="Alimentation", color="#d9661a")
    reuse = Category.objects.create(slug="reemploi", name="Réemploi", color="#4c8a2a")
    culture = Category.objects.create(slug="culture", name="Culture", color="#c0398a")

    def org(slug, name, commune, lat, lon, categories=(), **extra):
        instance = Organisation(
            slug=slug,
            name=name,
            commune=hdf_communes[commune],
            latitude=lat,
            longitude=lon,
            geo_precision="municipality",
            **extra,
        )
        refresh_derived_fields(instance)
        instance.save()
        instance.categories.set(categories)
        return instance

    orgs = {
        "epicerie": org(
            "epicerie-lille", "Épicerie solidaire de Lille", "59350", 50.63, 3.05, [food],
            legal_form="association", is_member=True, website="https://epicerie.example",
            email="contact@epicerie.example", phone="03 20 00 00 00",
            siret="73282932000074", description="Économie solidaire et circuits courts.",
        ),
        "ressourcerie": org(
            "ressourcerie-amiens", "Ressourcerie de l'Amiénois", "80021", 49.9, 2.29,
            [reuse, food], legal_form="scic",
        ),
        "theatre": org(
            "theatre-lens", "Théâtre citoyen de Lens", "62498", 50.44, 2.82, [culture],
            legal_form="scop", is_member=True,
        ),
        "formula": org(
            "formule", "=HYPERLINK(\"http://evil.example\")", "60057", 49.43, 2.08, [culture],
            legal_form="association",
        ),
        "proposed": org(
            "proposee", "Structure proposée", "59350", 50.63, 3.05, [food], status="proposed",
        ),
        "archived": org(
            "archivee", "Structure archivée", "59350", 50.63, 3.05, [food], status="archived",
        ),
    }  # fmt: skip
    person = Person.objects.create(
        first_name="Rita", last_name="Secret", email=PRIVATE_EMAIL, phone=PRIVATE_PHONE
    )
    Affiliation.objects.create(person=person, organisation=orgs["epicerie"], is_representative=True)
    return orgs
