"""Background work of memberships: thin wrappers over services, and the daily schedule.

Each day the scheduler (the worker's `--beat`) refreshes the member flags (lapses at a
year change) and sends the renewal reminders that are due; both are idempotent.
"""

from celery import shared_task

from tisser.celery import app

DAY = 24 * 3600


@shared_task(ignore_result=True)
def refresh_member_flags() -> None:
    """Keep `Organisation.is_member` equal to "validated for today's year"."""
    from .services import refresh_member_flags as refresh

    refresh()


@shared_task(ignore_result=True)
def send_renewal_reminders(today: str | None = None) -> dict:
    """Send the renewal reminders due today, or on the ISO date `today` (never twice)."""
    import datetime

    from .reminders import send_due_reminders

    return send_due_reminders(datetime.date.fromisoformat(today) if today else None)


# Declared on import (the worker and the scheduler import every tasks module): a signal
# connected after the app is finalised would never fire.
app.add_periodic_task(DAY, refresh_member_flags.s(), name="memberships.refresh_flags")
app.add_periodic_task(DAY, send_renewal_reminders.s(), name="memberships.reminders")
