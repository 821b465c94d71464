"""Import of HelloAsso CSV exports (the "Adhérents" / "Paiements" exports of a campaign).

HelloAsso exports are `;`-separated, UTF-8 (often with a BOM), French dates
("12/01/2026 10:40") and decimal commas ("50,00"). Column names vary a little between
export kinds and years, so each field accepts the names seen in real exports
(`COLUMNS`). `check` reads every row and reports each bad one with its line number;
`commit` records all rows in one transaction, or none. The staff page runs them through
`importing` (a `PaymentImport` job; the commit in the task queue, with progress).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from tisser.core.imports.reading import ImportFileError, open_table_bytes
from tisser.core.text import fold
from tisser.directory.siret import is_valid_siret

from .. import services
from ..models import Payment
from . import recording
from .recording import HelloAssoPayment

# field → the column names HelloAsso uses for it (compared accent- and case-blind).
COLUMNS = {
    "order_id": ("Référence commande", "Numéro de commande", "Référence", "Numéro"),
    "payment_id": ("Numéro de paiement", "Référence paiement", "Id paiement"),
    "date": ("Date de la commande", "Date du paiement", "Date de paiement", "Date"),
    "status": ("Statut de la commande", "Statut du paiement", "Statut"),
    "last_name": ("Nom adhérent", "Nom participant", "Nom payeur", "Nom"),
    "first_name": ("Prénom adhérent", "Prénom participant", "Prénom payeur", "Prénom"),
    "email": ("Email payeur", "Email adhérent", "Email", "Adresse email", "E-mail"),
    "organisation": ("Raison sociale", "Nom de la structure", "Structure", "Société"),
    "siret": ("SIRET", "Numéro SIRET", "N° SIRET"),
    "amount": ("Montant tarif", "Montant (€)", "Montant", "Montant total", "Montant payé"),
    "tariff": ("Tarif", "Formule", "Nom du tarif", "Campagne"),
    "address": ("Adresse", "Adresse payeur"),
    "postcode": ("Code Postal", "Code postal payeur"),
    "city": ("Ville", "Ville payeur"),
    "means": ("Moyen de paiement",),
}
REQUIRED = ("order_id", "date", "email", "amount")
PAID = {"valide", "validee", "paye", "payee", "authorized", "autorise", "effectue"}
REFUNDED = {"rembourse", "refunded"}
SKIPPED = REFUNDED | {"annule", "canceled", "cancelled", "refuse", "refused"}
DATE_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d")


@dataclass
class Row:
    line: int
    payment: HelloAssoPayment | None = None
    errors: list[str] = field(default_factory=list)
    skipped: str = ""
    duplicate: bool = False
    refund: Payment | None = None  # a recorded payment this export says was refunded


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # about the file as a whole

    @property
    def bad_rows(self) -> list[Row]:
        return [r for r in self.rows if r.errors]

    @property
    def ok(self) -> bool:
        return not self.errors and not self.bad_rows and bool(self.to_record or self.refunds)

    @property
    def actions(self) -> int:
        """Rows the import will act on: payments to record, refunds to mark."""
        return len(self.to_record) + len(self.refunds)

    @property
    def refunds(self) -> list[Row]:
        return [r for r in self.rows if r.refund is not None]

    @property
    def to_record(self) -> list[Row]:
        return [r for r in self.rows if r.payment and not r.errors and not r.skipped]


def _rows(table, report):
    """The table's numbered rows; a malformed line ends them with a file error."""
    try:
        yield from table.rows
    except ImportFileError as error:
        report.errors.append(str(error))


def _header_map(header: list[str]) -> dict[str, int]:
    folded = [fold(h or "").strip() for h in header]
    found = {}
    for name, aliases in COLUMNS.items():
        for alias in aliases:
            key = fold(alias)
            if key in folded:
                found[name] = folded.index(key)
                break
    return found


def _amount(text: str) -> Decimal:
    cleaned = re.sub(r"[\s\u202f\xa0€]", "", text or "").replace(",", ".")
    value = Decimal(cleaned)
    if not value.is_finite() or value <= 0:
        raise InvalidOperation
    return value.quantize(Decimal("0.01"))


def _date(text: str) -> datetime.date:
    text = (text or "").strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def check(raw: bytes, progress=None) -> Report:
    """Read and check every row (nothing written); duplicates of recorded payments noted.

    `progress(rows_read)` is called after each row when given.
    """
    report = Report()
    try:
        table = open_table_bytes(raw, "export.csv")
    except ImportFileError as error:
        report.errors.append(str(error))
        return report
    header = table.raw_headers
    columns = _header_map(header)
    missing = [COLUMNS[name][0] for name in REQUIRED if name not in columns]
    if missing:
        report.errors.append(
            _("Columns missing from this HelloAsso export: %(columns)s.")
            % {"columns": ", ".join(f"“{m}”" for m in missing)}
        )
        return report
    seen: dict[str, int] = {}
    for line, values in _rows(table, report):
        if not any(v.strip() for v in values):
            continue

        def get(name, values=values):
            index = columns.get(name)
            return values[index].strip() if index is not None and index < len(values) else ""

        row = Row(line=line)
        report.rows.append(row)
        if progress is not None:
            progress(len(report.rows))
        status = fold(get("status"))
        if status and status in SKIPPED:
            row.skipped = _("status “%(status)s”: not a payment") % {"status": get("status")}
            if status in REFUNDED and get("order_id"):
                known = recording.already_recorded(
                    HelloAssoPayment(
                        payment_id=get("payment_id"),
                        order_id=get("order_id"),
                        amount=Decimal("0"),
                        paid_on=datetime.date.today(),
                        email="",
                    )
                )
                if known is not None and known.refunded_on is None:
                    row.refund = known
                    row.skipped = _("refunded: the recorded payment will be marked refunded")
            continue
        if status and status not in PAID:
            row.errors.append(_("Unknown status “%(status)s”.") % {"status": get("status")})
        order_id = get("order_id")
        if not order_id:
            row.errors.append(_("The order reference is empty."))
        email = get("email")
        try:
            validate_email(email)
        except ValidationError:
            row.errors.append(_("“%(email)s” is not a valid email address.") % {"email": email})
        try:
            amount = _amount(get("amount"))
        except (InvalidOperation, ValueError):
            amount = None
            row.errors.append(
                _("“%(amount)s” is not an amount (e.g. 50,00).") % {"amount": get("amount")}
            )
        try:
            paid_on = _date(get("date"))
        except ValueError:
            paid_on = None
            row.errors.append(
                _("“%(date)s” is not a date (e.g. 12/01/2026).") % {"date": get("date")}
            )
        if get("siret") and not is_valid_siret(get("siret")):
            row.errors.append(_("“%(siret)s” is not a valid SIRET.") % {"siret": get("siret")})
        if not (get("organisation") or get("last_name") or get("first_name")):
            row.errors.append(_("Neither an organisation nor a name is given."))
        key = get("payment_id") or order_id
        if key and key in seen:
            row.errors.append(_("Same payment as line %(line)s.") % {"line": seen[key]})
        elif key:
            seen[key] = line
        if row.errors:
            continue
        row.payment = HelloAssoPayment(
            payment_id=get("payment_id"),
            order_id=order_id,
            amount=amount,
            paid_on=paid_on,
            email=email,
            first_name=get("first_name"),
            last_name=get("last_name"),
            organisation=get("organisation"),
            siret=get("siret"),
            address=get("address"),
            postcode=get("postcode"),
            city=get("city"),
            form_label=get("tariff"),
        )
        row.duplicate = recording.already_recorded(row.payment) is not None
    if not report.rows:
        report.errors.append(_("The file has no rows."))
    return report


class ImportRefused(Exception):
    """The file has errors: nothing was recorded. `report` tells which lines."""

    def __init__(self, report: Report):
        super().__init__("the file has errors")
        self.report = report


def commit(raw: bytes, progress=None) -> dict:
    """Record every row, all in one transaction; refuses a file with any bad row.

    `progress(actions_done)` is called after each payment recorded or refund marked.
    """
    report = check(raw)
    if not report.ok:
        raise ImportRefused(report)
    created = existing = 0
    done = 0
    with transaction.atomic():
        for row in report.to_record:
            try:
                _membership, new = recording.record(row.payment, source="import")
            except ValidationError as error:
                row.errors.extend(error.messages)
                transaction.set_rollback(True)
                raise ImportRefused(report) from error
            created += int(new)
            existing += int(not new)
            done += 1
            if progress is not None:
                progress(done)
        for row in report.refunds:
            services.refund_payment(row.refund, note=_("Refunded (HelloAsso export)."))
            done += 1
            if progress is not None:
                progress(done)
    return {
        "created": created,
        "existing": existing,
        "skipped": len(report.rows) - len(report.to_record),
        "refunded": len(report.refunds),
    }


def preview(report: Report) -> dict:
    """The report as JSON, for the job row and the preview page."""
    rows = []
    for row in report.rows:
        payment = row.payment
        rows.append(
            {
                "line": row.line,
                "name": (payment.organisation or payment.last_name) if payment else "",
                "email": payment.email if payment else "",
                "amount": str(payment.amount) if payment else "",
                "date": payment.paid_on.isoformat() if payment else "",
                "errors": row.errors,
                "skipped": row.skipped,
                "duplicate": row.duplicate,
            }
        )
    return {
        "ok": report.ok,
        "errors": report.errors,
        "actions": report.actions,
        "bad_rows": len(report.bad_rows),
        "rows": rows,
    }
