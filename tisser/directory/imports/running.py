"""The organisations import as the core engine runs it: columns, row check, batch writer.

Each row goes through the directory's own services (`create_organisation`,
`update_organisation`, the representation claim), so an import leaves the same revisions
and de-duplication as an edit by hand; the engine commits them batch by batch.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tisser.accounts import roles
from tisser.core.imports import engine, registry

from .. import services, services_claims
from ..models import Affiliation, OrganisationRevision
from .checking import check_row, duplicate_finder, known_categories
from .columns import COLUMNS, HEADERS, REQUIRED

KIND = "organisations"


class OrganisationImporter(registry.Importer):
    kind = KIND
    label = gettext_lazy("Organisations (CSV, XLSX)")
    columns = dict.fromkeys(HEADERS, ())
    required = tuple(sorted(REQUIRED))
    strict_columns = True  # a misspelt column would silently lose its values
    batch_size = 500
    help_columns = COLUMNS
    upload_url_name = "directory:staff_import"

    def allowed(self, user) -> bool:
        return roles.is_staff_editor(user)

    def begin(self, job, step: str) -> dict:
        return {"known": known_categories(), "seen": {}}

    def check_batch(self, job, rows, state) -> list[registry.Result]:
        results = []
        plain = [{"line": row.line, "values": row.values} for row in rows]
        find = duplicate_finder(plain, state["known"])
        for row in plain:
            checked = check_row(row, state["known"], state["seen"], find)
            detail = {}
            if checked["action"] == "update":
                detail = {"target": checked["target"], "target_name": checked["target_name"]}
            results.append(
                registry.Result(
                    row["line"],
                    checked["action"],
                    checked["name"],
                    checked["messages"],
                    detail,
                    payload={"data": checked["data"], "contact": checked["contact"]},
                )
            )
        return results

    def write_batch(self, job, rows, results, state) -> dict:
        """New organisations in one bulk write; updates and contacts row by row."""
        author = job.created_by
        source = OrganisationRevision.Source.IMPORT
        note = _("Import of %(file)s, line %(line)s")
        creates = [r for r in results if r.action == "create"]
        try:
            made = services.create_organisations(
                [r.payload["data"] for r in creates],
                author=author,
                source=source,
                notes=[note % {"file": job.filename, "line": r.line} for r in creates],
            )
        except ValidationError as error:
            line = creates[getattr(error, "index", 0)].line
            raise registry.RowError(line, error.messages) from error
        org_of = {r.line: org for r, org in zip(creates, made, strict=True)}
        updated = 0
        for result in results:
            contact = dict(result.payload["contact"])
            try:
                if result.action == "update":
                    org = services.Organisation.objects.get(pk=result.detail["target"])
                    services.update_organisation(
                        org, result.payload["data"], author=author, source=source,
                        note=note % {"file": job.filename, "line": result.line},
                    )  # fmt: skip
                    updated += 1
                else:
                    org = org_of[result.line]
                if contact:
                    role = contact.pop("role", "")
                    representative = contact.pop("is_representative", False)
                    person, _created = services.find_or_create_person(**contact)
                    # A file says who represents whom; staff confirm it on the requests page.
                    services_claims.claim(
                        person, org, source=Affiliation.Source.IMPORT,
                        representative=representative, role=role, detail=job.filename,
                        notify=False,
                    )  # fmt: skip
            except ValidationError as error:
                raise registry.RowError(result.line, error.messages) from error
        return {"created": len(made), "updated": updated}


registry.register(OrganisationImporter())


def start_import(filename: str, raw, *, author=None):
    """Store and check a file (now, or in the worker when large); see the core engine."""
    return engine.start(KIND, filename, raw, author=author)


confirm_import = engine.confirm
