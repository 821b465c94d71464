"""Background work of the observatory: thin wrappers over services, passed ids."""

from celery import shared_task


@shared_task(ignore_result=True)
def run_sirene_import(job_id: int) -> None:
    """Read the Sirene stock files and merge a territory's ESS organisations."""
    from .sirene.running import run_sirene_import as run

    run(job_id)
