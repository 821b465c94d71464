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
from .checking import check_row, known_categories
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
        for row in rows:
            checked = check_row(
                {"line": row.line, "values": row.values}, state["known"], state["seen"]
            )
            detail = {}
            if checked["action"] == "update":
                detail = {"target": checked["target"], "target_name": checked["target_name"]}
            results.append(
                registry.Result(
                    row.line,
                    checked["action"],
                    checked["name"],
                    checked["messages"],
                    detail,
                    payload={"data": checked["data"], "contact": checked["contact"]},
                )
            )
        return results

    def write_batch(self, job, rows, results, state) -> dict:
        author = job.created_by
        created = updated = 0
        note = _("Import of %(file)s, line %(line)s")
        for result in results:
            data, contact = result.payload["data"], dict(result.payload["contact"])
            line_note = note % {"file": job.filename, "line": result.line}
            try:
                if result.action == "update":
                    org = services.Organisation.objects.get(pk=result.detail["target"])
                    services.update_organisation(
                        org, data, author=author, source=OrganisationRevision.Source.IMPORT,
                        note=line_note,
                    )  # fmt: skip
                    updated += 1
                else:
                    org = services.create_organisation(
                        data, author=author, source=OrganisationRevision.Source.IMPORT,
                        note=line_note,
                    )  # fmt: skip
                    created += 1
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
        return {"created": created, "updated": updated}


registry.register(OrganisationImporter())


def start_import(filename: str, raw, *, author=None):
    """Store and check a file (now, or in the worker when large); see the core engine."""
    return engine.start(KIND, filename, raw, author=author)


confirm_import = engine.confirm
