"""A synthetic Sirene sample with INSEE's real column names and order, for tests, the demo
and the benchmark (the real stock files are several GB; nothing here is a real company).

`write_sample(folder, communes, establishments=N, ess_share=…)` writes
`StockUniteLegale_utf8.csv` and `StockEtablissement_utf8.csv` and returns their paths.
SIRENs start with 9 (none of the demo's) and carry valid Luhn keys.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from tisser.directory.demo.generator import luhn_key


def _columns(header: str) -> list[str]:
    """A header line as INSEE prints it, split into column names."""
    return header.split(",")


UNIT_HEADER = _columns(
    "siren,statutDiffusionUniteLegale,unitePurgeeUniteLegale,dateCreationUniteLegale,"
    "sigleUniteLegale,sexeUniteLegale,prenom1UniteLegale,prenom2UniteLegale,"
    "prenom3UniteLegale,prenom4UniteLegale,prenomUsuelUniteLegale,pseudonymeUniteLegale,"
    "identifiantAssociationUniteLegale,trancheEffectifsUniteLegale,anneeEffectifsUniteLegale,"
    "dateDernierTraitementUniteLegale,nombrePeriodesUniteLegale,categorieEntrepriseUniteLegale,"
    "anneeCategorieEntrepriseUniteLegale,dateDebut,etatAdministratifUniteLegale,nomUniteLegale,"
    "nomUsageUniteLegale,denominationUniteLegale,denominationUsuelle1UniteLegale,"
    "denominationUsuelle2UniteLegale,denominationUsuelle3UniteLegale,"
    "categorieJuridiqueUniteLegale,activitePrincipaleUniteLegale,"
    "nomenclatureActivitePrincipaleUniteLegale,nicSiegeUniteLegale,"
    "economieSocialeSolidaireUniteLegale,societeMissionUniteLegale,"
    "caractereEmployeurUniteLegale"
)
ESTABLISHMENT_HEADER = _columns(
    "siren,nic,siret,statutDiffusionEtablissement,dateCreationEtablissement,"
    "trancheEffectifsEtablissement,anneeEffectifsEtablissement,"
    "activitePrincipaleRegistreMetiersEtablissement,dateDernierTraitementEtablissement,"
    "etablissementSiege,nombrePeriodesEtablissement,complementAdresseEtablissement,"
    "numeroVoieEtablissement,indiceRepetitionEtablissement,dernierNumeroVoieEtablissement,"
    "indiceRepetitionDernierNumeroVoieEtablissement,typeVoieEtablissement,"
    "libelleVoieEtablissement,codePostalEtablissement,libelleCommuneEtablissement,"
    "libelleCommuneEtrangerEtablissement,distributionSpecialeEtablissement,"
    "codeCommuneEtablissement,codeCedexEtablissement,libelleCedexEtablissement,"
    "codePaysEtrangerEtablissement,libellePaysEtrangerEtablissement,"
    "identifiantAdresseEtablissement,coordonneeLambertAbscisseEtablissement,"
    "coordonneeLambertOrdonneeEtablissement,complementAdresse2Etablissement,"
    "numeroVoie2Etablissement,indiceRepetition2Etablissement,typeVoie2Etablissement,"
    "libelleVoie2Etablissement,codePostal2Etablissement,libelleCommune2Etablissement,"
    "libelleCommuneEtranger2Etablissement,distributionSpeciale2Etablissement,"
    "codeCommune2Etablissement,codeCedex2Etablissement,libelleCedex2Etablissement,"
    "codePaysEtranger2Etablissement,libellePaysEtranger2Etablissement,dateDebut,"
    "etatAdministratifEtablissement,enseigne1Etablissement,enseigne2Etablissement,"
    "enseigne3Etablissement,denominationUsuelleEtablissement,activitePrincipaleEtablissement,"
    "nomenclatureActivitePrincipaleEtablissement,caractereEmployeurEtablissement"
)
NAF = ["38.11Z", "38.32Z", "47.79Z", "56.10A", "81.30Z", "88.10B", "94.99Z", "85.59A", "49.42Z"]
CATEGORIES = ["9220", "9220", "9220", "5458", "5710", "9300", "8210", "5499"]
WORDS = ["Ressourcerie", "Jardin", "Atelier", "Recyclerie", "Coop", "Épicerie", "Chantier"]
PLACES = ["du Val", "des Hauts", "de la Vallée", "du Littoral", "de l'Artois", "du Bocage"]
STREETS = [
    ("RUE", "DE LA REPUBLIQUE"),
    ("AV", "JEAN JAURES"),
    ("BD", "VICTOR HUGO"),
    ("PL", "DU MARCHE"),
    ("RTE", "NATIONALE"),
]
BANDS = ["NN", "00", "01", "02", "03", "11", "12", "21"]


def siren_for(index: int) -> str:
    body = f"9{index:07d}"
    return body + luhn_key(body)


def siret_of(siren: str, nic_number: int) -> str:
    nic = f"{nic_number:04d}"
    return siren + nic + luhn_key(siren + nic)


def write_sample(
    folder: Path | str,
    communes: list[tuple[str, str, str]],
    *,
    establishments: int = 1000,
    ess_share: float = 0.05,
    per_unit: int = 2,
    seed: int = 1,
) -> tuple[Path, Path]:
    """Write both stock files for `communes` = [(INSEE code, name, postcode), …]."""
    rng = random.Random(seed)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    units_path = folder / "StockUniteLegale_utf8.csv"
    est_path = folder / "StockEtablissement_utf8.csv"
    unit_count = max(1, establishments // per_unit)
    with (
        open(units_path, "w", encoding="utf-8", newline="") as units_file,
        open(est_path, "w", encoding="utf-8", newline="") as est_file,
    ):
        units = csv.writer(units_file, lineterminator="\n")
        ests = csv.writer(est_file, lineterminator="\n")
        units.writerow(UNIT_HEADER)
        ests.writerow(ESTABLISHMENT_HEADER)
        u_index = {name: i for i, name in enumerate(UNIT_HEADER)}
        e_index = {name: i for i, name in enumerate(ESTABLISHMENT_HEADER)}
        written = 0
        for unit in range(unit_count):
            siren = siren_for(unit)
            ess = rng.random() < ess_share
            name = f"{rng.choice(WORDS)} {rng.choice(PLACES)} {unit}"
            row = [""] * len(UNIT_HEADER)
            row[u_index["siren"]] = siren
            row[u_index["statutDiffusionUniteLegale"]] = "O"
            row[u_index["unitePurgeeUniteLegale"]] = ""
            row[u_index["dateCreationUniteLegale"]] = "2012-03-01"
            row[u_index["trancheEffectifsUniteLegale"]] = rng.choice(BANDS)
            row[u_index["etatAdministratifUniteLegale"]] = "A" if rng.random() < 0.95 else "C"
            row[u_index["denominationUniteLegale"]] = name.upper()
            row[u_index["categorieJuridiqueUniteLegale"]] = rng.choice(CATEGORIES)
            row[u_index["activitePrincipaleUniteLegale"]] = rng.choice(NAF)
            row[u_index["nomenclatureActivitePrincipaleUniteLegale"]] = "NAFRev2"
            row[u_index["nicSiegeUniteLegale"]] = "0001"
            row[u_index["economieSocialeSolidaireUniteLegale"]] = "O" if ess else "N"
            row[u_index["societeMissionUniteLegale"]] = "N"
            row[u_index["caractereEmployeurUniteLegale"]] = "O"
            units.writerow(row)
            for nic in range(1, per_unit + 1):
                if written >= establishments:
                    break
                code, commune_name, postcode = rng.choice(communes)
                street_type, street = rng.choice(STREETS)
                siret = siret_of(siren, nic)
                row = [""] * len(ESTABLISHMENT_HEADER)
                row[e_index["siren"]] = siren
                row[e_index["nic"]] = siret[9:]
                row[e_index["siret"]] = siret
                row[e_index["statutDiffusionEtablissement"]] = "O"
                row[e_index["dateCreationEtablissement"]] = "2015-06-01"
                row[e_index["trancheEffectifsEtablissement"]] = rng.choice(BANDS)
                row[e_index["etablissementSiege"]] = "true" if nic == 1 else "false"
                row[e_index["numeroVoieEtablissement"]] = str(rng.randint(1, 200))
                row[e_index["typeVoieEtablissement"]] = street_type
                row[e_index["libelleVoieEtablissement"]] = street
                row[e_index["codePostalEtablissement"]] = postcode
                row[e_index["libelleCommuneEtablissement"]] = commune_name.upper()
                row[e_index["codeCommuneEtablissement"]] = code
                row[e_index["dateDebut"]] = "2015-06-01"
                row[e_index["etatAdministratifEtablissement"]] = "A" if rng.random() < 0.9 else "F"
                row[e_index["enseigne1Etablissement"]] = f"{name} — site {nic}" if nic > 1 else ""
                row[e_index["activitePrincipaleEtablissement"]] = rng.choice(NAF)
                row[e_index["nomenclatureActivitePrincipaleEtablissement"]] = "NAFRev2"
                row[e_index["caractereEmployeurEtablissement"]] = "O"
                ests.writerow(row)
                written += 1
    return units_path, est_path
