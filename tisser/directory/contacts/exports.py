"""Staff exports of any filtered list, as CSV or XLSX. They hold private fields (people's
emails and phones): only staff may download them."""

import csv
import io
from collections.abc import Iterable

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from tisser.core.streaming import checked


def organisation_rows(qs) -> tuple[list[str], Iterable[list]]:
    headers = [
        "id",
        "nom",
        "statut",
        "forme_juridique",
        "siret",
        "adresse",
        "code_postal",
        "commune",
        "code_insee",
        "latitude",
        "longitude",
        "precision",
        "site_web",
        "email",
        "telephone",
        "categories",
        "effectif",
        "adherent",
        "description",
        "contacts",
        "modifie_le",
    ]

    def rows():
        for org in (
            qs.select_related("commune")
            .prefetch_related("categories", "affiliations__person")
            .iterator(chunk_size=500)
        ):
            contacts = "; ".join(
                f"{a.person} <{a.person.email}>" + (f" ({a.role})" if a.role else "")
                for a in org.affiliations.all()
            )
            yield [
                org.pk,
                org.name,
                org.status,
                org.legal_form,
                org.siret,
                org.address,
                org.postcode,
                org.commune.name if org.commune_id else "",
                org.commune_id or "",
                org.latitude,
                org.longitude,
                org.geo_precision,
                org.website,
                org.email,
                org.phone,
                ", ".join(c.slug for c in org.categories.all()),
                org.workforce,
                "oui" if org.is_member else "non",
                org.description,
                contacts,
                timezone.localtime(org.updated_at).strftime("%Y-%m-%d %H:%M"),
            ]

    return headers, rows()


def person_rows(qs) -> tuple[list[str], Iterable[list]]:
    headers = ["id", "prenom", "nom", "email", "telephone", "organisations", "consentements"]

    def rows():
        for person in qs.prefetch_related("affiliations__organisation", "consents").iterator(
            chunk_size=500
        ):
            organisations = "; ".join(
                a.organisation.name
                + (f" ({a.role})" if a.role else "")
                + (" [représentant]" if a.is_representative else "")
                for a in person.affiliations.all()
            )
            consents = "; ".join(
                f"{c.purpose}:{'oui' if c.given else 'non'}:{c.at:%Y-%m-%d}:{c.method}"
                for c in person.consents.all()
            )
            yield [
                person.pk,
                person.first_name,
                person.last_name,
                person.email,
                person.phone,
                organisations,
                consents,
            ]

    return headers, rows()


class _Echo:
    def write(self, value):
        return value


def _safe(value):
    """Neutralise spreadsheet formulas in text cells (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def csv_response(filename: str, headers: list[str], rows: Iterable[list]):
    writer = csv.writer(_Echo(), delimiter=";")

    def stream():
        yield "\ufeff"
        yield writer.writerow(headers)
        for row in rows:
            yield writer.writerow([_safe(v) for v in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(filename: str, headers: list[str], rows: Iterable[list], title: str):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append(headers)
    for row in rows:
        sheet.append([_safe(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def export(kind: str, qs, fmt: str):
    stamp = timezone.localdate().isoformat()
    if kind == "organisations":
        headers, rows = organisation_rows(qs)
        title = _("Organisations")
    else:
        headers, rows = person_rows(qs)
        title = _("People")
    filename = f"tisser-{kind}-{stamp}"
    if fmt == "xlsx":
        return xlsx_response(filename, headers, rows, str(title))
    checked(qs)  # the CSV streams: its filters fail now or never
    return csv_response(filename, headers, rows)


def table_response(fmt: str, name: str, title: str, headers: list[str], rows: Iterable[list]):
    """A staff list exported as `tisser-<name>-<date>.csv` or `.xlsx`; 404 for any other
    format (the format comes from the address)."""
    from django.http import Http404

    if fmt not in ("csv", "xlsx"):
        raise Http404
    filename = f"tisser-{name}-{timezone.localdate().isoformat()}"
    if fmt == "xlsx":
        return xlsx_response(filename, headers, rows, title)
    return csv_response(filename, headers, rows)
