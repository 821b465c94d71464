"""Import of a GoGoCarto map's export (its `/api/elements.json`, or its CSV export).

GoGoCarto is the collaborative map most French ESS networks use. Its elements carry a
name, a postal address (`streetAddress`, `postalCode`, `addressLocality`), coordinates
(`geo.latitude`/`geo.longitude`, or flat `latitude`/`longitude`, `lat`/`lng`), category
names (`categories`, or `taxonomy` in older exports, `categoriesFull` with ids), a
description (`description` and `descriptionMore`), `website`, `email` and `telephone`.

Each element becomes the directory import's row (`checking.check_row`), so the same
de-duplication applies (SIRET, then normalised name + commune) and an existing actor is
updated, never doubled. The map's categories are not Tisser's: after the check, staff map
each of them to a Tisser category (or to none) on a page of their own, and the writer
applies that mapping.

A JSON export is parsed whole (GoGoCarto serves it as one document; a map holds a few
thousand elements); a file above `MAX_JSON_BYTES` is refused with a message.
"""

from __future__ import annotations

import json
import os

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tisser.accounts import roles
from tisser.core.imports import engine, registry
from tisser.core.imports.reading import ImportFileError, open_table
from tisser.core.text import fold

from ..models import Category
from .checking import commune_of, read_communes
from .running import OrganisationImporter

KIND = "gogocarto"
MAX_JSON_BYTES = 50 * 1024 * 1024


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float | int) and not isinstance(value, bool):
        return repr(value) if isinstance(value, float) else str(value)
    return str(value).strip()


def _categories(element: dict) -> list[str]:
    """The element's category names, whichever way the export spells them."""
    names = []
    full = element.get("categoriesFull")
    if isinstance(full, list):
        names = [_text(c.get("name")) for c in full if isinstance(c, dict)]
    if not names:
        raw = element.get("categories", element.get("taxonomy", ""))
        if isinstance(raw, list):
            names = [_text(c.get("name") if isinstance(c, dict) else c) for c in raw]
        else:
            names = [n.strip() for n in _text(raw).replace(";", ",").split(",")]
    return [n for n in dict.fromkeys(names) if n]


def _flat(element: dict) -> dict:
    """One element, JSON or CSV, as flat GoGoCarto fields."""
    out = {}
    geo = element.get("geo") if isinstance(element.get("geo"), dict) else {}
    out["latitude"] = _text(geo.get("latitude", element.get("latitude", element.get("lat", ""))))
    out["longitude"] = _text(
        geo.get(
            "longitude",
            element.get("longitude", element.get("lng", element.get("long", ""))),
        )
    )
    address = element.get("address")
    if isinstance(address, dict):
        source = address
    else:
        source = element
        if isinstance(address, str) and not element.get("streetAddress"):
            source = {**element, "streetAddress": address}
    for key in ("streetAddress", "postalCode", "addressLocality"):
        out[key] = _text(source.get(key, ""))
    out["name"] = _text(element.get("name") or element.get("title") or element.get("nom"))
    description = _text(element.get("description"))
    more = _text(element.get("descriptionMore"))
    out["description"] = "\n\n".join(p for p in (description, more) if p)
    out["website"] = _text(element.get("website") or element.get("url"))
    out["email"] = _text(element.get("email"))
    out["telephone"] = _text(element.get("telephone") or element.get("phone"))
    out["categories"] = _categories(element)
    out["id"] = _text(element.get("id"))
    return out


# CSV headers of a GoGoCarto export, after `header_key`, -> the JSON element's keys
CSV_KEYS = {
    "id": "id",
    "name": "name",
    "title": "name",
    "nom": "name",
    "streetaddress": "streetAddress",
    "postalcode": "postalCode",
    "addresslocality": "addressLocality",
    "address": "address",
    "latitude": "latitude",
    "longitude": "longitude",
    "lat": "latitude",
    "lng": "longitude",
    "categories": "categories",
    "taxonomy": "taxonomy",
    "description": "description",
    "descriptionmore": "descriptionMore",
    "website": "website",
    "email": "email",
    "telephone": "telephone",
}


def _json_elements(path: str):
    if os.path.getsize(path) > MAX_JSON_BYTES:
        raise ImportFileError(
            _("The JSON file is larger than %(size)s MB: export the map as CSV instead.")
            % {"size": MAX_JSON_BYTES // (1024 * 1024)}
        )
    try:
        with open(path, encoding="utf-8-sig") as handle:
            data = json.load(handle)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise ImportFileError(
            _("The file is not a GoGoCarto JSON export (%(error)s).") % {"error": error}
        ) from error
    if isinstance(data, dict):
        data = data.get("data", data.get("@graph"))
    if not isinstance(data, list):
        raise ImportFileError(
            _("The file is not a GoGoCarto JSON export: no list of elements (“data”).")
        )
    # JSON has no lines: an element is numbered by its rank, the first being 1.
    for number, element in enumerate(data, start=1):
        yield number, element if isinstance(element, dict) else {}


def _csv_elements(job, path: str):
    table = open_table(path, job.filename)
    keys = [CSV_KEYS.get(h.replace("_", ""), "") for h in table.headers]
    if "name" not in keys:
        raise ImportFileError(
            _("Missing column: %(columns)s. The first line must hold the column names.")
            % {"columns": "name"}
        )
    for line, cells in table.rows:
        if not any(c.strip() for c in cells):
            continue
        yield line, {k: (cells[i] if i < len(cells) else "") for i, k in enumerate(keys) if k}


def category_choices() -> dict:
    """Tisser's categories by folded name and slug (for the automatic part of the mapping)."""
    known = {}
    for slug, name in Category.objects.values_list("slug", "name"):
        known[fold(slug)] = slug
        known[fold(name)] = slug
    return known


class GoGoCartoImporter(registry.Importer):
    kind = KIND
    label = gettext_lazy("GoGoCarto map (JSON or CSV export)")
    extensions = (".json", ".csv")
    batch_size = 500
    upload_url_name = "directory:staff_gogocarto_import"

    def allowed(self, user) -> bool:
        return roles.is_staff_editor(user)

    def rows(self, job, path):
        elements = (
            _json_elements(path)
            if job.filename.lower().endswith(".json")
            else _csv_elements(job, path)
        )
        for line, element in elements:
            flat = _flat(element)
            values = {
                "nom": flat["name"],
                "adresse": flat["streetAddress"],
                "code_postal": flat["postalCode"],
                "commune_gogocarto": flat["addressLocality"],
                "latitude": flat["latitude"],
                "longitude": flat["longitude"],
                "site_web": flat["website"],
                "email": flat["email"],
                "telephone": flat["telephone"],
                "description": flat["description"],
                "categories_gogocarto": flat["categories"],
            }
            yield registry.Row(line, values)

    def begin(self, job, step: str) -> dict:
        return {"found": {}, "auto": category_choices(), **OrganisationImporter().begin(job, step)}

    def _values(self, job, row, state) -> dict:
        """The directory import's row: the commune if Tisser knows it, mapped categories."""
        values = {k: v for k, v in row.values.items() if not k.endswith("_gogocarto")}
        town = row.values["commune_gogocarto"]
        if town and commune_of(town, row.values["code_postal"], state["known"]) is not None:
            values["commune"] = town
        mapping = job.options.get("categories", {})
        slugs = [
            mapping[name] if name in mapping else state["auto"].get(fold(name), "")
            for name in row.values["categories_gogocarto"]
        ]
        values["categories"] = ",".join(dict.fromkeys(s for s in slugs if s))
        return values

    def check_batch(self, job, rows, state) -> list[registry.Result]:
        for row in rows:
            for name in row.values["categories_gogocarto"]:
                state["found"][name] = state["found"].get(name, 0) + 1
        read_communes(
            [(r.values["commune_gogocarto"], r.values["code_postal"]) for r in rows], state["known"]
        )
        mapped = [registry.Row(r.line, self._values(job, r, state)) for r in rows]
        return OrganisationImporter().check_batch(job, mapped, state)

    def summary(self, job, state) -> dict:
        return {"categories": state["found"]}

    def write_batch(self, job, rows, results, state) -> dict:
        return OrganisationImporter().write_batch(job, rows, results, state)

    def next_step(self, job):
        """Before confirming, staff map the map's categories to Tisser's."""
        from django.urls import reverse

        if job.counts.get("categories"):
            return (
                reverse("directory:staff_gogocarto_categories", args=[job.pk]),
                _("Map the categories"),
            )
        return None


registry.register(GoGoCartoImporter())


def start_import(filename: str, raw, *, author=None):
    """Store and check a GoGoCarto export; its categories are mapped automatically where a
    Tisser category has the same name, the rest on the mapping page."""
    return engine.start(KIND, filename, raw, author=author)


def set_category_mapping(job, mapping: dict) -> None:
    """Keep staff's choice (GoGoCarto name -> Tisser slug or "") and check the file again
    with it, so the preview shows what the confirmed import will do."""
    known = set(Category.objects.values_list("slug", flat=True))
    found = job.counts.get("categories", {})
    clean = {
        name: (slug if slug in known else "") for name, slug in mapping.items() if name in found
    }
    engine.recheck(job, options={**job.options, "categories": clean})


def automatic_mapping(names) -> dict:
    known = category_choices()
    return {name: known.get(fold(name), "") for name in names}
