"""Writes of service messages: confirming one to a segment, and delivering it once per
address. See `models_service.py` for what a service message is and who receives it."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tisser.core.mail import one_line

from .models import Suppression
from .models_service import ServiceDelivery, ServiceMessage

#: The header that says what kind of email this is, for filters and for the tests.
KIND_HEADER = "X-Tisser-Message-Kind"


def audience(tree: dict):
    """(person id, email) of the segment's people with an address, minus the suppression
    list: the one place a service message's recipients are decided."""
    from tisser.directory.contacts.queries_segments import people

    return (
        people(tree)
        .exclude(email="")
        .exclude(email__in=Suppression.objects.values("email"))
        .order_by("pk")
        .values_list("pk", "email")
    )


def overview(tree: dict) -> dict:
    """What the confirmation shows: how many people, without an address, suppressed,
    and the recipients left."""
    from tisser.directory.contacts.queries_segments import people, planned_for_segments

    everyone = people(tree).order_by()
    with_email = everyone.exclude(email="")
    with planned_for_segments():
        recipients = audience(tree).order_by().count()
        return {
            "in_segment": everyone.count(),
            "without_email": everyone.filter(email="").count(),
            "suppressed": with_email.count() - recipients,
            "recipients": recipients,
        }


def check_text(subject: str, body: str) -> tuple[str, str]:
    subject, body = (subject or "").strip(), (body or "").strip()
    if not subject or not body:
        raise ValidationError(_("Give the message a subject and a text."))
    if "\x00" in subject or "\x00" in body:
        raise ValidationError(_("A value holds a NUL character."))
    if len(subject) > 200:
        raise ValidationError(_("The subject is too long (200 characters at most)."))
    if len(body) > 20_000:
        raise ValidationError(_("The message is too long (20,000 characters at most)."))
    return one_line(subject), body


def send_service_message(
    *, subject: str, body: str, segment, user=None, confirmation_key: str = ""
) -> tuple[ServiceMessage, bool]:
    """Send a service message to a saved segment, as confirmed by staff: the message and
    one delivery per recipient are created in one transaction, then a task sends them.

    Returns (message, started); a confirmation already used starts nothing and returns
    the message it started."""
    from .services import segment_tree
    from .tasks import deliver_service_message

    subject, body = check_text(subject, body)
    tree = segment_tree(segment)
    confirmation_key = (confirmation_key or "")[:40]
    with transaction.atomic():
        if confirmation_key:
            used = ServiceMessage.objects.filter(confirmation_key=confirmation_key).first()
            if used is not None:
                return used, False
        message = ServiceMessage.objects.create(
            subject=subject,
            body=body,
            segment=segment,
            segment_name=segment.name,
            segment_description=segment.description,
            segment_conditions=tree,
            created_by=user if getattr(user, "is_authenticated", False) else None,
            confirmation_key=confirmation_key,
        )
        rows = [
            ServiceDelivery(message=message, person_id=person_id, email=email)
            for person_id, email in audience(tree).iterator(chunk_size=2000)
        ]
        ServiceDelivery.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
        message.total = len(rows)
        message.save(update_fields=["total"])
        message_id = message.pk
        transaction.on_commit(lambda: deliver_service_message.delay(message_id))
    return message, True


def render(message: ServiceMessage) -> dict:
    from tisser.core.mail import render_templated_mail

    return render_templated_mail(
        subject=message.subject,
        template="publications/email/service_message",
        context={"message": message, "paragraphs": _paragraphs(message.body)},
        language=settings.LANGUAGE_CODE,
    )


def _paragraphs(text: str) -> list[str]:
    blocks = [block.strip() for block in text.replace("\r\n", "\n").split("\n\n")]
    return [block for block in blocks if block]


def deliver(message_id: int) -> int:
    """Send what is left of a service message, each address once: a row is claimed by a
    conditional UPDATE before its email goes, and an address suppressed meanwhile is
    skipped. Returns how many were sent now."""
    from django.core.mail import EmailMultiAlternatives, get_connection

    message = ServiceMessage.objects.get(pk=message_id)
    rendered = render(message)
    connection = get_connection()
    sent = 0
    pending = ServiceDelivery.objects.filter(
        message_id=message_id, status=ServiceDelivery.Status.PENDING
    )
    try:
        for delivery in pending.order_by("id").iterator(chunk_size=500):
            claimed = ServiceDelivery.objects.filter(
                pk=delivery.pk, status=ServiceDelivery.Status.PENDING
            ).update(status=ServiceDelivery.Status.CLAIMED)
            if not claimed:
                continue
            if Suppression.objects.filter(email=delivery.email).exists():
                ServiceDelivery.objects.filter(pk=delivery.pk).update(
                    status=ServiceDelivery.Status.SKIPPED
                )
                continue
            email = EmailMultiAlternatives(
                subject=rendered["subject"],
                body=rendered["body"],
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[delivery.email],
                headers={KIND_HEADER: "service"},
                connection=connection,
            )
            if rendered["html"]:
                email.attach_alternative(rendered["html"], "text/html")
            try:
                email.send()
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as error:
                ServiceDelivery.objects.filter(pk=delivery.pk).update(
                    status=ServiceDelivery.Status.FAILED, error=str(error)[:500]
                )
                continue
            except (smtplib.SMTPException, OSError):
                # Not sent: back to pending, the task is retried.
                ServiceDelivery.objects.filter(pk=delivery.pk).update(
                    status=ServiceDelivery.Status.PENDING
                )
                raise
            ServiceDelivery.objects.filter(pk=delivery.pk).update(
                status=ServiceDelivery.Status.SENT, sent_at=timezone.now()
            )
            sent += 1
    finally:
        connection.close()
    if not ServiceDelivery.objects.filter(
        message_id=message_id,
        status__in=[ServiceDelivery.Status.PENDING, ServiceDelivery.Status.CLAIMED],
    ).exists():
        ServiceMessage.objects.filter(pk=message_id, status=ServiceMessage.Status.SENDING).update(
            status=ServiceMessage.Status.SENT, finished_at=timezone.now()
        )
    return sent


def stats(message: ServiceMessage) -> dict:
    from django.db.models import Count

    counts = dict(
        message.deliveries.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in ServiceDelivery.Status.values}
