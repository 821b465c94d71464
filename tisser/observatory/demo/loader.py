"""The observatory's demo: a household-waste indicator for Hauts-de-France (région,
départements and every commune, 2019–2024) — synthetic but plausible, and labelled as demo
data on every page — and supplier profiles for the demo network's SIAE, EA, ESAT and ESUS.

Deterministic and idempotent: values are a function of the INSEE code and the year, and
are written only where they differ from what is stored, so a second run changes nothing.
"""

from __future__ import annotations

import hashlib

from django.db import transaction

from tisser.directory.models import LegalForm, Organisation
from tisser.territories.models import Commune, Departement

from .. import services
from ..models import Indicator, IndicatorValue, Level, SupplierProfile, Theme

WASTE_SLUG = "dechets-menagers-kg-hab"
YEARS = range(2019, 2025)
DEPARTEMENTS = ("02", "59", "60", "62", "80")
# A plausible level per département (kg of household and similar waste per inhabitant).
BASE = {"02": 610.0, "59": 585.0, "60": 630.0, "62": 600.0, "80": 575.0}
# A NAF code per demo category: what a buyer would look for.
NAF_OF_CATEGORY = {
    "reemploi": "38.32Z",
    "environnement": "81.30Z",
    "insertion": "88.99B",
    "alimentation": "56.10A",
    "mobilite": "45.20A",
    "habitat": "43.39Z",
    "numerique": "62.01Z",
    "energie": "35.11Z",
    "culture": "90.01Z",
    "tiers-lieux": "68.20B",
    "sante-social": "88.10A",
    "education-populaire": "85.59B",
    "finance-solidaire": "64.99Z",
}


def _noise(code: str, salt: str = "") -> float:
    """A stable number in [-1, 1] for a code."""
    digest = hashlib.sha256(f"{code}:{salt}".encode()).digest()
    return int.from_bytes(digest[:4], "big") / 0xFFFFFFFF * 2 - 1


def waste_value(code: str, departement: str, year: int, population: int | None) -> float:
    """kg/inhabitant: the département's level, a commune's own offset (rural communes
    produce a little less), and a slow decrease over the years (about 1 % a year)."""
    base = BASE.get(departement, 600.0)
    rural = -25.0 if (population or 0) < 2000 else 10.0
    value = base + rural + 45.0 * _noise(code) + 6.0 * _noise(code, str(year))
    return round(value * (1 - 0.011 * (year - YEARS[0])), 1)


def _write_if_changed(indicator, level, wanted: dict) -> int:
    stored = {
        (code, year): value
        for code, year, value in IndicatorValue.objects.filter(
            indicator=indicator, level=level
        ).values_list("code", "year", "value")
    }
    changed = {key: value for key, value in wanted.items() if stored.get(key) != value}
    if changed:
        services.set_values(indicator, level, changed)
    return len(changed)


@transaction.atomic
def load_waste_indicator() -> dict:
    indicator = Indicator.objects.filter(slug=WASTE_SLUG).first()
    if indicator is None:
        indicator = services.save_indicator(
            {
                "slug": WASTE_SLUG,
                "name": "Déchets ménagers et assimilés collectés",
                "theme": Theme.WASTE,
                "unit": "kg/hab",
                "source": "Données de démonstration Tisser (synthétiques, inspirées des "
                "ordres de grandeur publiés par l'ADEME)",
                "licence": "Licence Ouverte / Etalab 2.0",
                "description": "Quantité de déchets ménagers et assimilés collectés par habitant "
                "et par an. Valeurs fictives pour la démonstration.",
                "decimals": 1,
                "is_demo": True,
            }
        )
    communes = list(
        Commune.objects.filter(departement_id__in=DEPARTEMENTS).values_list(
            "code", "departement_id", "population"
        )
    )
    commune_values = {
        (code, year): waste_value(code, dep, year, pop)
        for code, dep, pop in communes
        for year in YEARS
    }
    dep_values = {}
    populations = dict(
        Departement.objects.filter(code__in=DEPARTEMENTS).values_list("code", "population")
    )
    for dep in DEPARTEMENTS:
        for year in YEARS:
            pairs = [(commune_values[(c, year)], pop or 0) for c, d, pop in communes if d == dep]
            weight = sum(p for _v, p in pairs) or 1
            dep_values[(dep, year)] = round(sum(v * p for v, p in pairs) / weight, 1)
    region_values = {}
    for year in YEARS:
        total = sum(populations.get(d) or 0 for d in DEPARTEMENTS) or 1
        region_values[("32", year)] = round(
            sum(dep_values[(d, year)] * (populations.get(d) or 0) for d in DEPARTEMENTS) / total,
            1,
        )
    written = _write_if_changed(indicator, Level.COMMUNE, commune_values)
    written += _write_if_changed(indicator, Level.DEPARTEMENT, dep_values)
    written += _write_if_changed(indicator, Level.REGION, region_values)
    return {"indicator": indicator.slug, "values_written": written, "communes": len(communes)}


@transaction.atomic
def load_supplier_profiles() -> int:
    """A supplier profile (NAF code of its first category, statuses of its legal form) for
    every demo organisation whose legal form opens reserved contracts."""
    forms = [LegalForm.SIAE, LegalForm.EA, LegalForm.ESAT, LegalForm.ESUS]
    done = 0
    have = set(SupplierProfile.objects.values_list("organisation_id", flat=True))
    for org in Organisation.objects.filter(legal_form__in=forms).prefetch_related("categories"):
        if org.pk in have:
            continue
        first = next(iter(org.categories.all()), None)
        naf = NAF_OF_CATEGORY.get(first.slug if first else "", "")
        services.set_supplier_profile(org, {"naf_code": naf, "is_ess": True})
        done += 1
    return done


def load_demo_observatory() -> dict:
    result = load_waste_indicator()
    result["supplier_profiles"] = load_supplier_profiles()
    return result
