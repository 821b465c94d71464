"""From Sirene rows to the contacts base: one organisation per legal unit (the directory
holds organisations, not sites: its head office when it is in the territory, else its
first establishment there), matched by SIRET, then by SIREN (another establishment of the
same unit already in the base), then by name in the same commune (the directory's own
de-duplication), so a second import adds nothing."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tisser.directory.contacts import services as directory
from tisser.directory.models import LegalForm, Organisation, OrganisationRevision, WorkforceBand

from .. import services

# INSEE's "tranche d'effectifs" codes → the directory's workforce bands.
WORKFORCE = {
    "00": WorkforceBand.NONE,
    "01": WorkforceBand.TINY,
    "02": WorkforceBand.SMALL,
    "03": WorkforceBand.SMALL,
    "11": WorkforceBand.MEDIUM,
    "12": WorkforceBand.MEDIUM,
    "21": WorkforceBand.LARGE,
    "22": WorkforceBand.LARGE,
    "31": WorkforceBand.LARGE,
}
# The street types Sirene abbreviates (the common ones; others are kept as written).
STREET_TYPES = {
    "AV": "avenue",
    "BD": "boulevard",
    "CHE": "chemin",
    "IMP": "impasse",
    "PL": "place",
    "QUAI": "quai",
    "RTE": "route",
    "RUE": "rue",
    "SQ": "square",
    "ALL": "allée",
    "CRS": "cours",
    "PAS": "passage",
    "RPT": "rond-point",
    "ZA": "zone d'activité",
    "ZI": "zone industrielle",
}
# Fields an import may fill on an existing organisation when they are empty there.
FILLABLE = ("siret", "legal_form", "address", "postcode", "workforce")


def legal_form_of(category: str) -> str:
    """INSEE legal category (catégorie juridique, 4 digits) → the directory's legal form.

    Only the unambiguous ones: associations (92xx), foundations (9300), mutual societies
    (82xx), SCOP (5458, 5558); any other is left empty for staff to set.
    """
    if category.startswith("92"):
        return LegalForm.ASSOCIATION
    if category == "9300":
        return LegalForm.FONDATION
    if category.startswith("82"):
        return LegalForm.MUTUELLE
    if category in {"5458", "5558"}:
        return LegalForm.SCOP
    return ""


def workforce_of(code: str) -> str:
    if code in WORKFORCE:
        return WORKFORCE[code]
    if code[:1] in {"3", "4", "5"} and code != "31":
        return WorkforceBand.HUGE
    return ""


def organisation_data(row: dict, unit: dict) -> dict:
    name = (
        row["denominationUsuelleEtablissement"]
        or row["enseigne1Etablissement"]
        or unit.get("name")
        or row["siret"]
    )
    street = " ".join(
        part
        for part in (
            row["numeroVoieEtablissement"],
            STREET_TYPES.get(row["typeVoieEtablissement"], row["typeVoieEtablissement"].lower()),
            row["libelleVoieEtablissement"],
        )
        if part
    )
    return {
        "name": name.strip()[:200],
        "siret": row["siret"],
        "commune": row["codeCommuneEtablissement"],
        "postcode": row["codePostalEtablissement"][:5],
        "address": street[:250],
        "legal_form": legal_form_of(unit.get("legal_category", "")),
        "workforce": workforce_of(
            row["trancheEffectifsEtablissement"] or unit.get("workforce", "")
        ),
    }


def find_existing(data: dict) -> Organisation | None:
    found = Organisation.objects.filter(siret=data["siret"]).first()
    if found:
        return found
    same_unit = (
        Organisation.objects.filter(siret__startswith=data["siret"][:9]).order_by("pk").first()
    )
    if same_unit:
        return same_unit
    return directory.find_duplicate(name=data["name"], commune_code=data["commune"])


def merge_row(row: dict, unit: dict, *, publish: bool, note: str) -> str:
    """Create or complete the organisation of one establishment: "created", "completed"
    (empty fields filled) or "unchanged"."""
    data = organisation_data(row, unit)
    existing = find_existing(data)
    naf = row["activitePrincipaleEtablissement"] or unit.get("naf", "")
    if existing is None:
        data["status"] = Organisation.Status.PUBLISHED if publish else Organisation.Status.PROPOSED
        org = directory.create_organisation(
            {k: v for k, v in data.items() if v},
            source=OrganisationRevision.Source.IMPORT,
            note=note,
        )
        services.set_supplier_profile(org, {"naf_code": naf, "is_ess": True})
        return "created"
    fill = {
        field: data[field]
        for field in FILLABLE
        if data.get(field)
        and not getattr(existing, field)
        and not (field == "siret" and Organisation.objects.filter(siret=data["siret"]).exists())
    }
    if fill:
        directory.update_organisation(
            existing, fill, source=OrganisationRevision.Source.IMPORT, note=note
        )
    profile = getattr(existing, "supplier_profile", None)
    if profile is None or not profile.is_ess or (naf and not profile.naf_code):
        services.set_supplier_profile(
            existing,
            {
                "is_ess": True,
                **({"naf_code": naf} if naf and not (profile and profile.naf_code) else {}),
            },
        )
        return "completed"
    return "completed" if fill else "unchanged"


def describe(result: str) -> str:
    return {
        "created": _("created"),
        "completed": _("completed"),
        "unchanged": _("already up to date"),
    }[result]
