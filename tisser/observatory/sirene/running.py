"""Running a Sirene import in the task queue: read (progress shown), then merge every
matching establishment in one transaction (all or nothing), and keep a report."""

from __future__ import annotations

import logging
import time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tisser.territories.models import Commune

from ..models import SireneImport
from .merging import describe, merge_row
from .reading import SireneFileError, read_ess_units, read_establishments

logger = logging.getLogger(__name__)


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


def _update(job_id: int, **fields) -> None:
    SireneImport.objects.filter(pk=job_id).update(**fields)


def _size(path: str) -> int:
    import os

    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def run_sirene_import(job_id: int) -> SireneImport | None:
    with transaction.atomic():
        job = SireneImport.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != SireneImport.Status.QUEUED:
            return None  # already run
        job.status = SireneImport.Status.READING_UNITS
        job.save(update_fields=["status"])
    started = time.monotonic()
    try:
        communes = communes_of(job.territory)
        if not communes:
            raise SireneFileError(_("Unknown territory “%(t)s”.") % {"t": job.territory})
        units = read_ess_units(job.units_path)
        _update(job.pk, status=SireneImport.Status.READING_ESTABLISHMENTS, progress=5)
        size = _size(job.establishments_path) or 1
        naf = tuple(p.strip().upper() for p in job.naf_prefixes.split(",") if p.strip())
        stats: dict = {}

        def progress(rows, read_bytes):
            _update(job.pk, rows_read=rows, progress=min(90, 5 + int(85 * read_bytes / size)))

        matched = list(
            read_establishments(
                job.establishments_path, units, communes, naf, progress=progress, stats=stats
            )
        )
        read_seconds = time.monotonic() - started
        _update(job.pk, status=SireneImport.Status.MERGING, progress=90, rows_read=stats["rows"])
        counts = {"created": 0, "completed": 0, "unchanged": 0}
        lines = []
        note = _("Sirene import of %(territory)s") % {"territory": job.territory}
        chosen: dict[str, dict] = {}
        for row in matched:  # one establishment per legal unit: its head office first
            if row["siren"] not in chosen or row["etablissementSiege"] == "true":
                chosen[row["siren"]] = row
        with transaction.atomic():
            for row in chosen.values():
                result = merge_row(row, units[row["siren"]], publish=job.publish, note=note)
                counts[result] += 1
                lines.append([row["siret"], row["codeCommuneEtablissement"], describe(result)])
        report = {
            "ess_units": len(units),
            "rows_read": stats["rows"],
            "matched": len(matched),
            "organisations": len(chosen),
            **counts,
            "read_seconds": round(read_seconds, 2),
            "seconds": round(time.monotonic() - started, 2),
            "lines": lines[:2000],
        }
        _update(
            job.pk,
            status=SireneImport.Status.DONE,
            progress=100,
            report=report,
            finished_at=timezone.now(),
        )
    except SireneFileError as error:
        _update(
            job.pk,
            status=SireneImport.Status.FAILED,
            message=str(error) + " " + _("Nothing was imported."),
            finished_at=timezone.now(),
        )
    except Exception:
        logger.exception("Sirene import %s failed", job.pk)
        _update(
            job.pk,
            status=SireneImport.Status.FAILED,
            message=_("The import failed unexpectedly. Nothing was imported."),
            finished_at=timezone.now(),
        )
    job.refresh_from_db()
    return job


def start_sirene_import(
    units_path: str,
    establishments_path: str,
    territory: str,
    naf_prefixes: str = "",
    *,
    publish: bool = False,
    author=None,
) -> SireneImport:
    author = author if getattr(author, "is_authenticated", False) else None
    with transaction.atomic():
        job = SireneImport.objects.create(
            units_path=str(units_path),
            establishments_path=str(establishments_path),
            territory=territory.strip(),
            naf_prefixes=naf_prefixes.strip(),
            publish=publish,
            created_by=author,
        )
        from ..tasks import run_sirene_import as task

        transaction.on_commit(lambda: task.delay(job.pk))
    return job
