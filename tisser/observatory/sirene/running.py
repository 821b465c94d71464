"""The Sirene import on the core import engine: the ESS organisations of a territory, read
from INSEE's stock files on the server (too large to upload through the engine's store).

The rows are the territory's active ESS establishments, one per legal unit (its head
office when it is in the territory, else its first establishment there), numbered by
their line in the establishments file; the check says for each whether it creates an
organisation or completes one already in the contacts base; the writer merges them
(`merging`). Reading both files takes minutes for all France: it happens in the worker,
with a heartbeat, for the check and again for the run.
"""

from __future__ import annotations

import os
import re
import time

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tisser.accounts import roles
from tisser.core.imports import engine, registry
from tisser.core.imports.models import ImportJob
from tisser.territories.models import Commune

from .merging import find_existing, merge_row, organisation_data
from .reading import SireneFileError, read_ess_units, read_establishments

KIND = "sirene"
SIRET = re.compile(r"^\d{14}$")


def communes_of(territory: str) -> set[str]:
    """INSEE codes of the communes of `dep-80`, `reg-32`, `epci-…` or one INSEE code."""
    kind, sep, value = territory.partition("-")
    rows = Commune.objects.all()
    if sep and kind == "dep":
        rows = rows.filter(departement_id=value.upper())
    elif sep and kind == "reg":
        rows = rows.filter(region_id=value)
    elif sep and kind == "epci":
        rows = rows.filter(epci_id=value)
    else:
        rows = rows.filter(code=territory.upper())
    return set(rows.values_list("code", flat=True))


class SireneImporter(registry.Importer):
    kind = KIND
    label = gettext_lazy("ESS organisations from Sirene")
    extensions = (".csv", ".zip")
    check_in_worker = True
    batch_size = 200
    upload_url_name = "observatory:staff_sirene"

    def allowed(self, user) -> bool:
        return roles.is_staff_editor(user)

    def describe(self, job) -> str:
        options, found = job.options, job.counts
        text = _("Territory %(territory)s") % {"territory": options.get("territory", "")}
        if options.get("naf"):
            text += ", " + _("NAF codes %(naf)s") % {"naf": options["naf"]}
        if "rows_read" in found:
            text += " · " + _(
                "%(units)s ESS legal units; %(rows)s establishment rows read, %(matched)s "
                "in the territory"
            ) % {
                "units": found.get("ess_units", 0),
                "rows": found["rows_read"],
                "matched": found.get("matched", 0),
            }
        return text

    def action_labels(self) -> dict:
        return {
            "create": _("to create"),
            "update": _("already in the contacts base (completed)"),
            "error": _("errors"),
        }

    def count_labels(self) -> dict:
        return {
            "created": super().count_labels()["created"],
            "completed": lambda n: ngettext("%(count)s completed", "%(count)s completed", n),
            "unchanged": lambda n: ngettext(
                "%(count)s already up to date", "%(count)s already up to date", n
            ),
        }

    def rows(self, job, path):
        """The chosen establishments (the uploaded file is empty: the paths are options)."""
        options = job.options
        communes = communes_of(options["territory"])
        if not communes:
            raise SireneFileError(_("Unknown territory “%(t)s”.") % {"t": options["territory"]})
        started = time.monotonic()
        units = read_ess_units(options["units_path"], progress=lambda n: engine.beat(job))
        naf = tuple(p.strip().upper() for p in options.get("naf", "").split(",") if p.strip())
        stats: dict = {}
        chosen: dict[str, dict] = {}
        matched = 0
        for row in read_establishments(
            options["establishments_path"], units, communes, naf,
            progress=lambda rows, read: engine.beat(job), stats=stats,
        ):  # fmt: skip
            matched += 1
            if row["siren"] not in chosen or row["etablissementSiege"] == "true":
                chosen[row["siren"]] = row
        # What `summary` keeps on the job (the engine gives `rows` no other way out).
        job.sirene_read = {
            "ess_units": len(units),
            "rows_read": stats.get("rows", 0),
            "matched": matched,
            "read_seconds": round(time.monotonic() - started, 2),
        }
        for row in sorted(chosen.values(), key=lambda r: r["line"]):
            yield registry.Row(row["line"], {**row, "unit": units[row["siren"]]})

    def summary(self, job, state) -> dict:
        return getattr(job, "sirene_read", {})

    def check_batch(self, job, rows, state) -> list[registry.Result]:
        results = []
        for row in rows:
            data = organisation_data(row.values, row.values["unit"])
            label = f"{data['name']} ({row.values['siret']})"
            if not SIRET.match(row.values["siret"]):
                message = _("“%(siret)s” is not a 14-digit SIRET.") % {"siret": row.values["siret"]}
                results.append(registry.Result(row.line, "error", label, [message]))
                continue
            existing = find_existing(data)
            detail = {"target": existing.pk, "target_name": existing.name} if existing else {}
            action = "update" if existing else "create"
            results.append(registry.Result(row.line, action, label, detail=detail))
        return results

    def write_batch(self, job, rows, results, state) -> dict:
        note = _("Sirene import of %(territory)s") % {"territory": job.options["territory"]}
        counts = {"created": 0, "completed": 0, "unchanged": 0}
        for row in rows:
            try:
                result = merge_row(
                    row.values, row.values["unit"], publish=job.options.get("publish", False),
                    note=note,
                )  # fmt: skip
            except ValidationError as error:
                raise registry.RowError(row.line, error.messages) from error
            counts[result] += 1
        return counts


registry.register(SireneImporter())


def start_sirene_import(
    units_path: str,
    establishments_path: str,
    territory: str,
    naf_prefixes: str = "",
    *,
    publish: bool = False,
    author=None,
) -> ImportJob:
    """A job reading the two stock files on the server; its check is queued at once."""
    return engine.start(
        KIND,
        os.path.basename(str(establishments_path)),
        b"",
        author=author,
        options={
            "units_path": str(units_path),
            "establishments_path": str(establishments_path),
            "territory": territory.strip(),
            "naf": naf_prefixes.strip(),
            "publish": publish,
        },
    )
