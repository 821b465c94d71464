"""Import of HelloAsso CSV exports (the "Adhérents" / "Paiements" exports of a campaign).

HelloAsso exports are `;`-separated, UTF-8 (often with a BOM), French dates
("12/01/2026 10:40") and decimal commas ("50,00"). Column names vary a little between
export kinds and years, so each field accepts the names seen in real exports
(`COLUMNS`, the first listed preferred when an export has several). This module declares
only the columns, the row check and the writer; the core engine (`tisser.core.imports`)
stores the file, reads it, previews, confirms, commits in batches and reports.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tisser.accounts import roles
from tisser.core.imports import engine, registry
from tisser.core.imports.reading import header_key
from tisser.core.text import fold
from tisser.directory.siret import is_valid_siret

from .. import services
from . import recording
from .recording import HelloAssoPayment

KIND = "helloasso"
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


def _refund_of(get) -> object | None:
    """The recorded, not yet refunded payment a "refunded" row speaks of, or None."""
    if not get("order_id"):
        return None
    known = recording.already_recorded(
        HelloAssoPayment(
            payment_id=get("payment_id"),
            order_id=get("order_id"),
            amount=Decimal("0"),
            paid_on=datetime.date.today(),
            email="",
        )
    )
    return known if known is not None and known.refunded_on is None else None


def check_row(values: dict, line: int, seen: dict) -> registry.Result:
    """What one row would do: record a payment, mark one refunded, nothing, or errors."""

    def get(name):
        return (values.get(name) or "").strip()

    label = get("organisation") or get("last_name") or get("email")
    status = fold(get("status"))
    if status and status in SKIPPED:
        refund = _refund_of(get) if status in REFUNDED else None
        if refund is not None:
            return registry.Result(
                line, "refund", label,
                detail={"note": _("refunded: the recorded payment will be marked refunded")},
                payload={"refund": refund},
            )  # fmt: skip
        note = _("status “%(status)s”: not a payment") % {"status": get("status")}
        return registry.Result(line, "skip", label, detail={"note": note})
    errors = []
    if status and status not in PAID:
        errors.append(_("Unknown status “%(status)s”.") % {"status": get("status")})
    order_id = get("order_id")
    if not order_id:
        errors.append(_("The order reference is empty."))
    email = get("email")
    try:
        validate_email(email)
    except ValidationError:
        errors.append(_("“%(email)s” is not a valid email address.") % {"email": email})
    try:
        amount = _amount(get("amount"))
    except (InvalidOperation, ValueError):
        amount = None
        errors.append(_("“%(amount)s” is not an amount (e.g. 50,00).") % {"amount": get("amount")})
    try:
        paid_on = _date(get("date"))
    except ValueError:
        paid_on = None
        errors.append(_("“%(date)s” is not a date (e.g. 12/01/2026).") % {"date": get("date")})
    if get("siret") and not is_valid_siret(get("siret")):
        errors.append(_("“%(siret)s” is not a valid SIRET.") % {"siret": get("siret")})
    if not (get("organisation") or get("last_name") or get("first_name")):
        errors.append(_("Neither an organisation nor a name is given."))
    key = get("payment_id") or order_id
    if key and key in seen:
        errors.append(_("Same payment as line %(line)s.") % {"line": seen[key]})
    elif key:
        seen[key] = line
    if errors:
        return registry.Result(line, "error", label, errors)
    payment = HelloAssoPayment(
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
    known = recording.already_recorded(payment) is not None
    detail = {"amount": str(amount), "date": paid_on.isoformat(), "email": email}
    return registry.Result(
        line, "existing" if known else "create", label, detail=detail, payload={"payment": payment}
    )


class PaymentImporter(registry.Importer):
    kind = KIND
    label = gettext_lazy("HelloAsso payments (CSV)")
    columns = {key: tuple(header_key(a) for a in aliases) for key, aliases in COLUMNS.items()}
    column_names = {key: aliases[0] for key, aliases in COLUMNS.items()}
    required = REQUIRED
    # Each row records a payment and a membership (tens of queries): small batches keep
    # the progress moving and a restart close to where a worker died.
    batch_size = 100
    upload_url_name = "memberships:staff_import"

    def allowed(self, user) -> bool:
        return roles.is_staff_editor(user)

    def action_labels(self) -> dict:
        return {
            "create": _("to record"),
            "existing": _("already recorded"),
            "refund": _("to mark refunded"),
            "skip": _("not payments (left out)"),
            "error": _("errors"),
        }

    def count_labels(self) -> dict:
        return {
            "created": lambda n: ngettext(
                "%(count)s payment recorded", "%(count)s payments recorded", n
            ),
            "existing": lambda n: ngettext(
                "%(count)s already recorded", "%(count)s already recorded", n
            ),
            "skipped": lambda n: ngettext("%(count)s row left out", "%(count)s rows left out", n),
            "refunded": lambda n: ngettext(
                "%(count)s payment marked refunded", "%(count)s payments marked refunded", n
            ),
        }

    def begin(self, job, step: str) -> dict:
        return {"seen": {}}

    def check_batch(self, job, rows, state) -> list[registry.Result]:
        return [check_row(row.values, row.line, state["seen"]) for row in rows]

    def write_batch(self, job, rows, results, state) -> dict:
        counts = {"created": 0, "existing": 0, "skipped": 0, "refunded": 0}
        for result in results:
            try:
                if result.action == "refund":
                    services.refund_payment(
                        result.payload["refund"], note=_("Refunded (HelloAsso export).")
                    )
                    counts["refunded"] += 1
                    counts["skipped"] += 1
                elif result.action == "skip":
                    counts["skipped"] += 1
                else:
                    _membership, new = recording.record(result.payload["payment"], source="import")
                    counts["created" if new else "existing"] += 1
            except ValidationError as error:
                raise registry.RowError(result.line, error.messages) from error
        return counts


registry.register(PaymentImporter())


def start_import(filename: str, raw, *, author=None):
    """Store and check an export (now, or in the worker when large); see the core engine."""
    return engine.start(KIND, filename, raw, author=author)


confirm_import = engine.confirm
