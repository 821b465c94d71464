"""The observatory's demo loader: plausible waste values labelled as demo data, supplier
profiles for the demo network's SIAE/EA/ESAT/ESUS; a second run changes nothing."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from tisser.directory.demo import build_demo_network
from tisser.observatory.demo.loader import WASTE_SLUG
from tisser.observatory.models import Indicator, IndicatorValue, Level, SupplierProfile

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        sorted(IndicatorValue.objects.values_list("level", "code", "year", "value")),
        sorted(SupplierProfile.objects.values_list("organisation_id", "naf_code", "is_siae")),
        list(Indicator.objects.values_list("slug", "updated_at")),
    )


def test_demo_is_plausible_labelled_and_idempotent(hauts_de_france, client):
    build_demo_network(size=120, seed=1)
    call_command("load_demo_observatory")
    indicator = Indicator.objects.get(slug=WASTE_SLUG)
    assert indicator.is_demo and indicator.unit == "kg/hab"
    values = IndicatorValue.objects.filter(indicator=indicator)
    assert set(values.values_list("level", flat=True)) == {
        Level.REGION,
        Level.DEPARTEMENT,
        Level.COMMUNE,
    }
    communes = values.filter(level=Level.COMMUNE, year=2024)
    assert communes.count() > 3000
    assert all(400 < v < 750 for v in communes.values_list("value", flat=True))
    somme = dict(values.filter(code="80").values_list("year", "value"))
    assert sorted(somme) == list(range(2019, 2025)) and somme[2024] < somme[2019]
    assert SupplierProfile.objects.exists()
    assert all(p.reserved_contracts for p in SupplierProfile.objects.all())
    before = snapshot()
    call_command("load_demo_observatory")
    assert snapshot() == before
    page = client.get(reverse("observatory:indicator", args=[WASTE_SLUG])).content.decode()
    assert "démonstration" in page or "Demo data" in page
