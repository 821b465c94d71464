"""Background work of the agenda: thin wrappers over services and emails, passed ids.

The reminder and the expiry of places offered from the waiting list run periodically
(declared here when the module is imported, run by the worker's scheduler)."""

import smtplib

from tisser.celery import app


@app.task(
    name="tisser.events.send_registration_email",
    ignore_result=True,
    autoretry_for=(OSError,),
    dont_autoretry_for=(smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused),
    retry_backoff=30,
    retry_backoff_max=1800,
    max_retries=8,
)
def send_registration_email(registration_id: int, kind: str) -> int:
    from tisser.events.registration.emails import build_message

    from .models import Registration

    registration = (
        Registration.objects.select_related("event", "session", "person")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None or not registration.person.email:
        return 0
    return build_message(registration, kind).send()


@app.task(name="tisser.events.send_pending_registration_emails", ignore_result=True)
def send_pending_registration_emails(follow_up: bool = False) -> int:
    """The emails of new registrations (their rows are the outbox). Woken by a web process
    with `follow_up`: looks once more a little later, for the registrations committed
    while that process did not wake the worker again."""
    from tisser.events.registration import notices

    sent = notices.send_pending_notices()
    if follow_up:
        send_pending_registration_emails.apply_async(countdown=notices.FOLLOW_UP_SECONDS)
    return sent


@app.task(name="tisser.events.send_reminders", ignore_result=True)
def send_reminders() -> int:
    from tisser.events.registration.notices import send_reminders as run

    return run()


@app.task(name="tisser.events.expire_promotions", ignore_result=True)
def expire_promotions() -> int:
    from tisser.events.registration.changes import expire_promotions as run

    return run()


# Declared on import (the worker and the scheduler import every tasks module): a signal
# connected after the app is finalised would never fire.
app.add_periodic_task(
    60.0, send_pending_registration_emails.s(), name="events: registration emails due"
)
app.add_periodic_task(3600.0, send_reminders.s(), name="events: reminders")
app.add_periodic_task(900.0, expire_promotions.s(), name="events: expire offered places")
