"""Background work of publications: thin wrappers over the sending engine and services.

Sending a campaign is one task that runs for a while (`TISSER_NEWSLETTER_TASK_SECONDS`)
and queues its successor; if a worker dies, `resume_campaigns` (queued when any worker
starts, and every minute by the scheduler) picks the campaign up again. Scheduled
articles are published by a periodic task declared here.
"""

import smtplib

from celery.signals import worker_ready

from tisser.celery import app


@app.task(
    name="tisser.publications.send_campaign",
    autoretry_for=(OSError,),  # network trouble (SMTPException is an OSError)
    dont_autoretry_for=(smtplib.SMTPRecipientsRefused,),
    retry_backoff=10,
    retry_backoff_max=600,
    max_retries=20,
)
def send_campaign(campaign_id: int) -> str:
    from .sending.engine import Outcome, send_for, wait_seconds

    outcome = send_for(campaign_id)
    if outcome == Outcome.MORE:
        send_campaign.delay(campaign_id)
    elif outcome == Outcome.WAIT:
        send_campaign.apply_async((campaign_id,), countdown=wait_seconds(campaign_id))
    return outcome


@app.task(name="tisser.publications.prepare_and_send", ignore_result=True)
def prepare_and_send(campaign_id: int) -> None:
    """Create the delivery rows of a started campaign, then send it."""
    from .sending.preparation import prepare_campaign

    prepare_campaign(campaign_id)
    send_campaign.delay(campaign_id)


@app.task(name="tisser.publications.resume_campaigns", ignore_result=True)
def resume_campaigns(force: bool = False) -> int:
    """Queue the campaigns still sending whose worker seems gone (all of them when a
    worker starts: `force`). Claims keep it exactly once even if two tasks run."""
    from datetime import timedelta

    from django.db.models import Q
    from django.utils import timezone

    from . import conf
    from .models import Campaign

    quiet = timezone.now() - timedelta(seconds=conf.claim_seconds())
    rows = Campaign.objects.filter(status=Campaign.Status.SENDING)
    queued = Campaign.objects.filter(status=Campaign.Status.QUEUED)
    if not force:
        rows = rows.filter(Q(last_activity_at__isnull=True) | Q(last_activity_at__lt=quiet))
        queued = queued.filter(started_at__lt=quiet)
    ids = list(rows.values_list("pk", flat=True))
    for campaign_id in ids:
        send_campaign.delay(campaign_id)
    # A preparation is one transaction: a worker killed during it left nothing behind.
    waiting = list(queued.values_list("pk", flat=True))
    for campaign_id in waiting:
        prepare_and_send.delay(campaign_id)
    return len(ids) + len(waiting)


@app.task(name="tisser.publications.publish_scheduled", ignore_result=True)
def publish_scheduled() -> int:
    from .services import publish_due_articles

    return publish_due_articles()


@worker_ready.connect
def _resume_on_start(sender=None, **kwargs):
    resume_campaigns.delay(force=True)


# Declared on import (the worker and the scheduler import every tasks module): a signal
# connected after the app is finalised would never fire.
app.add_periodic_task(60.0, publish_scheduled.s(), name="publications: scheduled articles")
app.add_periodic_task(60.0, resume_campaigns.s(), name="publications: resume campaigns")


@app.task(
    name="tisser.publications.deliver_service_message",
    autoretry_for=(OSError,),
    dont_autoretry_for=(smtplib.SMTPRecipientsRefused,),
    retry_backoff=10,
    retry_backoff_max=600,
    max_retries=20,
    ignore_result=True,
)
def deliver_service_message(message_id: int) -> int:
    """Send a confirmed service message (each address once; safe to run twice)."""
    from .services_service import deliver

    return deliver(message_id)
