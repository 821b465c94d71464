"""Background work of the contacts base: thin wrappers over services, passed ids."""

from celery import current_app, shared_task


@shared_task(ignore_result=True)
def geocode_organisation(org_id: int) -> None:
    """Place an organisation from its address (national address API, else commune centre)."""
    from tisser.territories.geocoding import locate

    from .models import Organisation
    from .services import store_location

    org = Organisation.objects.filter(pk=org_id).first()
    if org is None or org.geo_precision == "manual":
        return
    location = locate(org.address, org.postcode, org.commune_id)
    store_location(org_id, location)


@shared_task(ignore_result=True)
def run_import_job(job_id: int) -> None:
    """Commit a confirmed import (all rows in one transaction)."""
    from .imports.running import run_import

    run_import(job_id)


@shared_task(ignore_result=True)
def check_import_job(job_id: int) -> None:
    """Check the rows of a large uploaded file (the preview), off the web request."""
    from .imports.running import check_import

    check_import(job_id)


FOLD_SECONDS = 60.0


@shared_task(ignore_result=True)
def fold_map_totals() -> None:
    """PostgreSQL: move the whole map's per-cell deltas into the totals (map_totals.py)."""
    from .map_totals import fold_deltas

    fold_deltas()


@current_app.on_after_finalize.connect
def schedule_periodic_tasks(sender, **kwargs) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return  # SQLite's triggers update the totals in place: nothing to fold
    sender.add_periodic_task(
        FOLD_SECONDS, fold_map_totals.s(), name="directory: fold the map's cell totals"
    )
