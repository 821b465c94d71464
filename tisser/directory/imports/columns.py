"""The columns an import file may have (French headers, as staff write them)."""

import csv
import io

from django.utils.translation import gettext_lazy as _

# header, meaning (shown on the import page), example value
COLUMNS = [
    ("nom", _("Name of the organisation (required)"), "La Fabrique Solidaire"),
    (
        "forme_juridique",
        _("Legal form: association, scop, scic, mutuelle, fondation, esus, siae…"),
        "association",
    ),
    ("siret", _("SIRET, 14 digits (spaces allowed)"), "732 829 320 00074"),
    ("adresse", _("Street address"), "12 rue de la Paix"),
    ("code_postal", _("Postcode"), "59000"),
    ("commune", _("Commune: INSEE code or name"), "Lille"),
    ("latitude", _("Latitude in degrees (optional; otherwise located from the address)"), ""),
    ("longitude", _("Longitude in degrees (optional)"), ""),
    ("site_web", _("Website"), "https://fabrique.example.org"),
    ("email", _("Public email"), "contact@fabrique.example.org"),
    ("telephone", _("Public phone"), "03 53 73 00 00"),
    ("categories", _("Categories, separated by commas (name or slug)"), "alimentation"),
    ("description", _("Description"), "Épicerie solidaire et ateliers cuisine."),
    ("effectif", _("Workforce band: 0, 1-2, 3-9, 10-49, 50-249, 250+"), "3-9"),
    ("adherent", _("Member of the network: oui / non"), "oui"),
    ("contact_prenom", _("Contact person: first name"), "Camille"),
    ("contact_nom", _("Contact person: last name"), "Martin"),
    ("contact_email", _("Contact person: email (private)"), "camille@fabrique.example.org"),
    ("contact_telephone", _("Contact person: phone (private)"), "06 39 98 00 00"),
    ("contact_role", _("Contact person: role in the organisation"), "Coordinatrice"),
    (
        "contact_representant",
        _(
            "Contact person represents the organisation: oui / non (a request that staff "
            "confirm before it gives any right)"
        ),
        "oui",
    ),
]
HEADERS = [header for header, _label, _example in COLUMNS]
REQUIRED = {"nom"}


def template_csv() -> bytes:
    """A ready-to-fill CSV (UTF-8 with BOM so that spreadsheet programs read the accents)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(HEADERS)
    writer.writerow([example for _h, _l, example in COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "organisations"
    sheet.append(HEADERS)
    sheet.append([example for _h, _l, example in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
