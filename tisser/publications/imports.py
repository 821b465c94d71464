"""Import of subscriber exports from Brevo and Mailchimp (CSV or XLSX), on the core engine.

Each address keeps where its consent came from: the export's own opt-in columns
(Mailchimp's OPTIN_TIME/CONFIRM_TIME/OPTIN_IP, Brevo's DOUBLE_OPT-IN and dates) go into a
`directory.Consent` (method "import", source naming the tool) and the subscription's
`origin_detail`. Subscribers are people of the contacts base (found or created, never
duplicated). An address on the suppression list is left out, whatever the file says; an
existing subscription (even unsubscribed) is left as is.

This module declares only the columns, the row check and the batch writer; the engine
(`tisser.core.imports`) does the rest. Each batch is looked up in bulk (people,
suppressions, subscriptions) and written with `bulk_create`.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tisser.accounts import roles
from tisser.core.imports import bulk, engine, registry
from tisser.core.imports.reading import ImportFileError
from tisser.directory.contacts import services as directory_services
from tisser.directory.models import Consent

from .models import MailingList, Subscription, Suppression

KIND = "subscribers"
ROLE_LOCAL_PARTS = {
    "postmaster",
    "abuse",
    "noreply",
    "no-reply",
    "donotreply",
    "mailer-daemon",
    "hostmaster",
    "webmaster",
}
# column key -> the tool's own header, as kept in the consent's origin detail
CONSENT_COLUMNS = {
    "optin_time": "OPTIN_TIME",
    "optin_ip": "OPTIN_IP",
    "confirm_time": "CONFIRM_TIME",
    "confirm_ip": "CONFIRM_IP",
    "double_opt_in": "DOUBLE_OPT-IN",
    "opt_in": "OPT_IN",
    "added_time": "ADDED_TIME",
    "date_ajout": "DATE_AJOUT",
    "date_d_ajout": "Date d'ajout",
    "consent": "CONSENT",
}
MAILCHIMP_KEYS = {"optin_time", "confirm_time", "optin_ip", "confirm_ip", "email_address"}
TIME_KEYS = ("confirm_time", "optin_time", "added_time", "date_ajout", "date_d_ajout")
ImportRefused = ImportFileError


def _parse_time(value: str):
    """An export's date: ISO first (Brevo, Mailchimp), then the French day-first forms."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = None
        for pattern in ("%d-%m-%Y %H:%M", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y"):
            try:
                parsed = datetime.strptime(value, pattern)
                break
            except ValueError:
                continue
        if parsed is None:
            return None
    if timezone.is_naive(parsed):
        return timezone.make_aware(parsed, timezone.get_default_timezone())
    return parsed


def _row_error(email: str) -> str | None:
    """Why an address cannot be imported, or None."""
    if not email:
        return _("No email address.")
    try:
        validate_email(email)
    except ValidationError:
        return _("“%(value)s” is not a valid email address.") % {"value": email}
    if email.split("@")[0] in ROLE_LOCAL_PARTS:
        return _("“%(value)s” is a role address (no person reads it).") % {"value": email}
    return None


def _email(values: dict) -> str:
    return (values.get("email") or values.get("email_address") or "").strip().lower()


class SubscriberImporter(registry.Importer):
    kind = KIND
    label = gettext_lazy("Subscribers (Brevo, Mailchimp)")
    columns = {
        "email": ("e_mail", "adresse_email", "adresse_e_mail", "courriel", "mail"),
        "email_address": (),
        "first_name": ("firstname", "prenom", "fname"),
        "last_name": ("lastname", "nom", "lname"),
        **dict.fromkeys(CONSENT_COLUMNS, ()),
    }
    batch_size = 2000
    upload_url_name = "publications:subscriber_import"

    def allowed(self, user) -> bool:
        return roles.is_staff_editor(user)

    def describe(self, job) -> str:
        name = MailingList.objects.filter(pk=job.options.get("mailing_list")).first()
        return _("Into the list “%(name)s”") % {"name": name} if name else ""

    def action_labels(self) -> dict:
        return {
            "create": _("to subscribe"),
            "kept": _("already on the list"),
            "suppressed": _("on the suppression list"),
            "duplicate": _("repeated in the file"),
            "error": _("errors"),
        }

    def count_labels(self) -> dict:
        return {
            "created": lambda n: ngettext(
                "%(count)s subscription added", "%(count)s subscriptions added", n
            ),
            "kept": lambda n: ngettext(
                "%(count)s already on the list (left as is)",
                "%(count)s already on the list (left as is)",
                n,
            ),
            "suppressed": lambda n: ngettext(
                "%(count)s on the suppression list (left out)",
                "%(count)s on the suppression list (left out)",
                n,
            ),
            "duplicate": lambda n: ngettext(
                "%(count)s repeated row merged", "%(count)s repeated rows merged", n
            ),
        }

    def rows(self, job, path):
        rows = super().rows(job, path)
        first = next(rows, None)
        if first is None:
            return
        if "email" not in first.values and "email_address" not in first.values:
            raise ImportFileError(_("No email column (expected “EMAIL” or “Email Address”)."))
        yield first
        yield from rows

    def begin(self, job, step: str) -> dict:
        mailing_list = MailingList.objects.get(pk=job.options["mailing_list"])
        return {"seen": set(), "list": mailing_list, "step": step}

    def check_batch(self, job, rows, state) -> list[registry.Result]:
        """Each address checked, then looked up in bulk. In the run the addresses are not
        validated again: the check found none wrong in the same file (else no run)."""
        validate = state.get("step") != "run"
        emails = {_email(r.values) for r in rows}
        suppressed = set(
            Suppression.objects.filter(bulk.among("email", emails)).values_list("email", flat=True)
        )
        subscribed = set(
            Subscription.objects.filter(
                bulk.among("person__email", emails), mailing_list=state["list"]
            ).values_list("person__email", flat=True)
        )
        results = []
        for row in rows:
            email = _email(row.values)
            problem = _row_error(email) if validate else None
            label = email or row.values.get("email", "")
            if problem:
                results.append(registry.Result(row.line, "error", label, [problem]))
            elif email in state["seen"]:
                results.append(registry.Result(row.line, "duplicate", label))
            elif email in suppressed:
                results.append(registry.Result(row.line, "suppressed", label))
            elif email in subscribed:
                results.append(registry.Result(row.line, "kept", label))
            else:
                results.append(registry.Result(row.line, "create", label))
            if not problem:
                state["seen"].add(email)
        return results

    def write_batch(self, job, rows, results, state) -> dict:
        counts = {"created": 0, "kept": 0, "suppressed": 0, "duplicate": 0}
        todo = [(row, r) for row, r in zip(rows, results, strict=True) if r.action == "create"]
        for result in results:
            if result.action != "create":
                counts[result.action] += 1
        if not todo:
            return counts
        mailing_list = state["list"]
        try:
            people = directory_services.find_or_create_people(
                [
                    {
                        "email": _email(row.values),
                        "first_name": row.values.get("first_name", "")[:100],
                        "last_name": row.values.get("last_name", "")[:100],
                    }
                    for row, _r in todo
                ]
            )
        except ValidationError as error:
            # find_or_create_people says which of the rows it was given failed.
            failing = todo[getattr(error, "index", 0)][0]
            raise registry.RowError(failing.line, error.messages) from error
        consents, subscriptions = [], []
        for row, _result in todo:
            source = "mailchimp" if MAILCHIMP_KEYS & set(row.values) else "brevo"
            found = {
                CONSENT_COLUMNS[k]: v.strip()
                for k, v in row.values.items()
                if k in CONSENT_COLUMNS and v.strip()
            }
            at = next((t for k in TIME_KEYS if (t := _parse_time(row.values.get(k) or ""))), None)
            detail = "; ".join(f"{k}={v}" for k, v in found.items())[:300]
            person = people[_email(row.values)]
            consents.append(
                {
                    "person": person,
                    "purpose": Consent.Purpose.NEWSLETTER,
                    "method": Consent.Method.IMPORT,
                    "wording": mailing_list.consent_wording,
                    "source": f"{source} export: {detail}",
                    "at": at,
                }
            )
            subscriptions.append(
                Subscription(
                    person_id=person.pk,
                    mailing_list_id=mailing_list.pk,
                    status=Subscription.Status.ACTIVE,
                    origin=(
                        Subscription.Origin.MAILCHIMP
                        if source == "mailchimp"
                        else Subscription.Origin.BREVO
                    ),
                    origin_detail=detail,
                    confirmed_at=at or timezone.now(),
                )
            )
        for subscription, consent in zip(
            subscriptions, directory_services.record_consents(consents), strict=True
        ):
            subscription.consent_id = consent.pk
        bulk.insert(Subscription, subscriptions)
        counts["created"] = len(subscriptions)
        return counts


registry.register(SubscriberImporter())


def start_import(filename: str, content, mailing_list, *, author=None):
    """Keep the file on a job and check it: now if small, in the worker if large."""
    return engine.start(
        KIND, filename, content, author=author, options={"mailing_list": mailing_list.pk}
    )


confirm_import = engine.confirm
