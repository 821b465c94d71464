"""Core background tasks: the email sender every app shares (through `core.mail`)."""

import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

# Bound to Tisser's app explicitly (not `shared_task`): wherever this module is imported
# from, the task goes to the configured broker, never to Celery's default one.
from tisser.celery import app


@app.task(
    name="tisser.core.send_email",
    autoretry_for=(OSError,),  # network trouble, server busy (SMTPException is an OSError)
    # …but an address the server refuses will not work better later.
    dont_autoretry_for=(smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused),
    retry_backoff=30,
    retry_backoff_max=1800,
    max_retries=8,
)
def send_email(
    *,
    to: list[str],
    subject: str,
    body: str,
    html: str | None = None,
    reply_to: list[str] | None = None,
    from_email: str | None = None,
) -> int:
    """Send one multipart message with Django's email framework; retried on network errors."""
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=to,
        reply_to=reply_to or None,
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()


@app.task(name="tisser.core.deliver_webhooks", acks_late=True)
def deliver_webhooks(ids: list[int]) -> dict:
    """Post a batch of webhook deliveries (`core.webhooks.deliver`); retries are queued
    by the service with their back-off, so the task itself never retries."""
    from .webhooks import deliver

    return deliver(ids)


# -- imports: thin wrappers over `core.imports.engine` ----------------------------------


@app.task(name="tisser.core.check_import", ignore_result=True)
def check_import(job_id: int) -> None:
    from .imports import engine

    engine.check_job(job_id)


@app.task(name="tisser.core.run_import", ignore_result=True)
def run_import(job_id: int) -> None:
    from .imports import engine

    engine.run_job(job_id)


@app.task(name="tisser.core.sweep_imports", ignore_result=True)
def sweep_imports() -> int:
    """Show the jobs whose worker died as interrupted (restartable by staff)."""
    from .imports import engine

    return engine.mark_interrupted()


@app.task(name="tisser.core.purge_imports", ignore_result=True)
def purge_imports() -> int:
    """Remove import files and jobs older than TISSER_IMPORT_RETENTION_DAYS."""
    from .imports import engine

    return engine.purge()


app.add_periodic_task(60.0, sweep_imports.s(), name="core: interrupted imports")
app.add_periodic_task(24 * 3600.0, purge_imports.s(), name="core: import retention")
