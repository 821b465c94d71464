"""Background work of the contacts base: thin wrappers over services, passed ids."""

from celery import current_app, shared_task


@shared_task(ignore_result=True)
def geocode_organisation(org_id: int) -> None:
    """Place an organisation from its address (national address API, else commune centre)."""
    from tisser.directory.contacts.services import store_location
    from tisser.territories.geocoding import locate

    from .models import Organisation

    org = Organisation.objects.filter(pk=org_id).first()
    if org is None or org.geo_precision == "manual":
        return
    location = locate(org.address, org.postcode, org.commune_id)
    store_location(org_id, location)


@shared_task(ignore_result=True)
def geocode_organisations(org_ids: list[int]) -> None:
    """Place the organisations of an import's batch, one after the other."""
    for org_id in org_ids:
        geocode_organisation(org_id)


FOLD_SECONDS = 60.0


@shared_task(ignore_result=True)
def fold_map_totals() -> None:
    """PostgreSQL: move the whole map's per-cell deltas into the totals (map_totals.py)."""
    from tisser.directory.map.totals import fold_deltas

    fold_deltas()


def _schedule_periodic_tasks() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return  # SQLite's triggers update the totals in place: nothing to fold
    current_app.add_periodic_task(
        FOLD_SECONDS, fold_map_totals.s(), name="directory: fold the map's cell totals"
    )


# Declared when the module is imported (autodiscovery imports it in the worker and the
# scheduler): a signal connected after the app is finalised would never fire.
_schedule_periodic_tasks()
