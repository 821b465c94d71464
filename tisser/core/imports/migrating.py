"""Moving the jobs of an import that had its own table onto the engine's (data migrations).

Each old job becomes an `ImportJob` of the given kind, its old number kept in
`options["legacy_id"]` (old links redirect through it) and its file in chunks, so a job
checked but not yet confirmed can still be confirmed after the move.
"""

CHUNK_BYTES = 1024 * 1024
STATUSES = {"checking", "checked", "queued", "running", "done", "failed"}


def move_jobs(apps, model: str, kind: str, convert) -> None:
    """Copy every `model` ("app.Model") job; `convert(old)` gives (fields, raw bytes), the
    fields overriding what the old job has under the same name (status, filename)."""
    old_model = apps.get_model(*model.split("."))
    job_model = apps.get_model("core", "ImportJob")
    chunk_model = apps.get_model("core", "ImportChunk")
    for old in old_model.objects.order_by("pk").iterator():
        fields, raw = convert(old)
        status = fields.pop("status", old.status)
        if status not in STATUSES:
            status = "failed"
        if status in {"checking", "running", "queued"}:
            status = "interrupted"  # its worker belonged to the old pipeline: restart it
        job = job_model.objects.create(
            kind=kind,
            filename=fields.pop("filename", "") or old.filename,
            created_by_id=old.created_by_id,
            status=status,
            size=len(raw),
            options={**fields.pop("options", {}), "legacy_id": old.pk},
            finished_at=old.finished_at,
            message=old.message,
            **fields,
        )
        # `created_at` is set on creation: keep the old job's date.
        job_model.objects.filter(pk=job.pk).update(created_at=old.created_at)
        for seq, start in enumerate(range(0, max(len(raw), 1), CHUNK_BYTES)):
            chunk_model.objects.create(job=job, seq=seq, data=raw[start : start + CHUNK_BYTES])
