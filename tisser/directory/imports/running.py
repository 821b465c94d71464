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
from tisser.directory.contacts import services, services_batch, services_claims

from ..models import Affiliation, OrganisationRevision
from .checking import batch_finder, check_row, known_categories, read_communes, row_to_data
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
        return {"known": known_categories(), "seen": {}, "step": step}

    def check_batch(self, job, rows, state) -> list[registry.Result]:
        """The rows' check, with the batch's lookups read at once. In the run the services'
        own checks are left to the writer, which makes them as it writes (the preview's
        check is not made a second time)."""
        results = []
        plain = [{"line": row.line, "values": row.values} for row in rows]
        read_communes(
            [(row.values.get("commune"), row.values.get("code_postal")) for row in rows],
            state["known"],
        )
        parsed = [row_to_data(row["values"], state["known"]) for row in plain]
        find, known = batch_finder(parsed)
        full = state.get("step") != "run"
        for row, data in zip(plain, parsed, strict=True):
            checked = check_row(
                row, state["known"], state["seen"], find, parsed=data, known=known, full=full
            )
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
        """New organisations in one bulk write, updates in another, then the contacts
        (people found or created at once, their claims row by row)."""
        author = job.created_by
        source = OrganisationRevision.Source.IMPORT
        note = _("Import of %(file)s, line %(line)s")
        creates = [r for r in results if r.action == "create"]
        updates = [r for r in results if r.action == "update"]
        made = self._write(
            creates,
            lambda: services_batch.create_organisations(
                [r.payload["data"] for r in creates],
                author=author,
                source=source,
                notes=[note % {"file": job.filename, "line": r.line} for r in creates],
                checked=True,
            ),
        )
        self._write(
            updates,
            lambda: services_batch.update_organisations(
                [(r.detail["target"], r.payload["data"]) for r in updates],
                author=author,
                source=source,
                notes=[note % {"file": job.filename, "line": r.line} for r in updates],
                checked=True,
            ),
        )
        org_of = {r.line: org for r, org in zip(creates, made, strict=True)}
        with_contact = [r for r in results if r.payload["contact"]]
        if with_contact:
            people = self._write(
                with_contact,
                lambda: services.find_or_create_people(
                    [
                        {
                            k: v
                            for k, v in r.payload["contact"].items()
                            if k in services.PERSON_FIELDS
                        }
                        for r in with_contact
                    ]
                ),
            )
            targets = services.Organisation.objects.in_bulk(
                [r.detail["target"] for r in with_contact if r.action == "update"]
            )
            for result in with_contact:
                contact = result.payload["contact"]
                org = org_of.get(result.line) or targets[result.detail["target"]]
                try:
                    # A file says who represents whom; staff confirm it on the requests page.
                    services_claims.claim(
                        people[contact["email"].strip().lower()], org,
                        source=Affiliation.Source.IMPORT,
                        representative=contact.get("is_representative", False),
                        role=contact.get("role", ""), detail=job.filename, notify=False,
                    )  # fmt: skip
                except ValidationError as error:
                    raise registry.RowError(result.line, error.messages) from error
        return {"created": len(made), "updated": len(updates)}

    @staticmethod
    def _write(results, write):
        """Run one bulk write; its ValidationError becomes the failing row's RowError."""
        if not results:
            return []
        try:
            return write()
        except ValidationError as error:
            line = results[getattr(error, "index", 0)].line
            raise registry.RowError(line, error.messages) from error


registry.register(OrganisationImporter())


def start_import(filename: str, raw, *, author=None):
    """Store and check a file (now, or in the worker when large); see the core engine."""
    return engine.start(KIND, filename, raw, author=author)


confirm_import = engine.confirm
