"""Progress of an import run as one all-or-nothing transaction (HelloAsso, indicators),
visible while that transaction is open (the batch engine needs none: each batch commits
its progress).

Rows written inside the import's transaction are invisible to other connections until it
commits, so progress goes through a side channel: on PostgreSQL a second connection that
updates the job row in autocommit (works whatever machine the worker runs on); on SQLite,
whose writer holds the database lock, a small file beside the database (SQLite means one
machine, so the web process sees it).
"""

import time
from pathlib import Path

from django.conf import settings
from django.db import connection

MIN_INTERVAL_S = 0.2


def _progress_file(job_id: int, model) -> Path:
    folder = Path(settings.DATA_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{model._meta.db_table}-{job_id}.progress"


class ProgressReporter:
    """Reports `done` for one job at most every MIN_INTERVAL_S seconds.

    `model` is any job model with a `done` column (other apps' imports reuse this).
    """

    def __init__(self, job_id: int, model):
        self.job_id = job_id
        self.model = model
        self.last = 0.0
        self.side = None

    def report(self, done: int, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < MIN_INTERVAL_S:
            return
        self.last = now
        if connection.vendor == "sqlite":
            path = _progress_file(self.job_id, self.model)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(str(done))
            tmp.replace(path)
            return
        if self.side is None:
            self.side = connection.get_new_connection(connection.get_connection_params())
            self.side.autocommit = True
        table = connection.ops.quote_name(self.model._meta.db_table)
        with self.side.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET done = %s WHERE id = %s", [done, self.job_id])

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None
        _progress_file(self.job_id, self.model).unlink(missing_ok=True)


def current_progress(job) -> int:
    """Rows done so far, as the web process can see them (`job`: any such model)."""
    if job.status == "running" and connection.vendor == "sqlite":
        try:
            return int(_progress_file(job.pk, type(job)).read_text() or 0)
        except (OSError, ValueError):
            # The run just ended (its file is gone): the committed row has the count.
            done = type(job).objects.filter(pk=job.pk).values_list("done", flat=True).first()
            return job.done if done is None else done
    return job.done
