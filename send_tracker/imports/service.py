"""Starting imports (always through Celery: the web request only stores the file and queues it),
running them in the worker, and writing off those whose worker died."""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from send_tracker.health import shared_redis
from send_tracker.imports.core import _fail, run_import
from send_tracker.models import ImportRecord

logger = logging.getLogger(__name__)

# A task whose worker died is delivered once more; a third delivery writes the import off.
MAX_ATTEMPTS = 2
WORKER_STOPPED = (
    "The import did not finish: the worker running it stopped{twice}; nothing was written. "
    "Upload the file again; if it stops again, split it into smaller files or tell support."
)


def progress_key(record_id: int) -> str:
    return f"import-progress:{record_id}"


def _set_progress(record_id: int, pct: int) -> None:
    # A message from the worker to the page that polls (Redis), not a cache of data.
    try:
        shared_redis().set(progress_key(record_id), pct, ex=3600)
    except Exception:  # noqa: BLE001 - progress is best effort; Redis down must not fail an import
        logger.warning("could not store progress for import %s", record_id)


def import_progress(record: ImportRecord) -> int:
    """Percent done: the live figure from the cache while running, else the record's."""
    if record.status in (ImportRecord.Status.QUEUED, ImportRecord.Status.RUNNING):
        try:
            live = shared_redis().get(progress_key(record.pk))
        except Exception:  # noqa: BLE001
            live = None
        return int(live or record.progress_pct or 0)
    return 100


_STATUS_LABELS = dict(ImportRecord.Status.choices)
HISTORY_COLUMNS = ("pk", "kind", "file_name", "file_sha256", "status", "created_at", "rows_read",
                   "rows_created", "rows_updated", "rows_rejected")


def import_history_rows(*, kind: str = ""):
    """Every import, newest first (of one kind if given), as the history table's plain rows
    (`import_history_row` gives them their labels): no model instances for a table of text."""
    records = ImportRecord.objects.order_by("-created_at")
    if kind:
        records = records.filter(kind=kind)
    return records.values(*HISTORY_COLUMNS, uploaded_by_username=F("uploaded_by__username"))


def import_history_row(row: dict, labels: dict[str, str]) -> dict:
    """A row of `import_history_rows` with its kind's label (`labels`: kind → label, the
    formats') and its outcome's."""
    return {**row, "kind_label": labels.get(row["kind"], row["kind"]),
            "status_label": _STATUS_LABELS.get(row["status"], row["status"])}


def _store_file(data: bytes, file_name: str) -> str:
    digest = hashlib.sha256(data).hexdigest()
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{digest}{Path(file_name).suffix.lower()[:6]}"
    path.write_bytes(data)
    return str(path)


def import_start(*, kind: str, data: bytes, file_name: str, user) -> ImportRecord:
    """Store the file and queue it for a worker, whatever its size: no request waits on a parse."""
    with transaction.atomic():
        record = ImportRecord.objects.create(
            kind=kind,
            file_name=file_name[:255],
            file_sha256=hashlib.sha256(data).hexdigest(),
            file_bytes=len(data),
            stored_path=_store_file(data, file_name),
            uploaded_by=user if user is not None and user.is_authenticated else None,
        )
        from send_tracker.tasks import run_import_task

        run_import_task.delay_on_commit(record.pk)
    return record


def import_record_run(*, record_id: int) -> str:
    """Worker side: run a queued import (or one whose worker died), once at a time."""
    from send_tracker.locks import advisory_lock

    # The advisory lock keeps two deliveries of the same task from running together; a record
    # still "running" with no lock holder is one whose worker died, so it is run again, once.
    with advisory_lock(f"import:{record_id}") as acquired:
        if not acquired:
            return "already running"
        record = ImportRecord.objects.filter(
            Q(status=ImportRecord.Status.QUEUED) | Q(status=ImportRecord.Status.RUNNING),
            pk=record_id,
        ).first()
        if record is None:
            return "already finished"
        if record.attempts >= MAX_ATTEMPTS:
            return _fail(record, reason=WORKER_STOPPED.format(twice=" twice")).status
        # Counted (and committed) before the work, so a kill during it still counts.
        ImportRecord.objects.filter(pk=record_id).update(attempts=F("attempts") + 1)
        record.attempts += 1
        try:
            data = Path(record.stored_path).read_bytes()
        except OSError:
            logger.exception("import %s: stored file %s unreadable", record_id, record.stored_path)
            return _fail(record, reason="The uploaded file could not be found on the server; "
                         "nothing was written. Upload it again.").status
        result = run_import(
            kind=record.kind,
            data=data,
            file_name=record.file_name,
            user=record.uploaded_by,
            record=record,
            progress=lambda pct: _set_progress(record_id, pct),
        )
        return result.status


def imports_stale_write_off(*, now=None) -> list[int]:
    """Mark failed every import left running by a worker that died, and not coming back.

    Run every minute by the periodic sweeper. An import is written off when no worker holds it
    (its advisory lock is free) and either its redelivery has died too (the attempts are used
    up) or it started longer ago than the redelivery window. Returns the ids written off.
    """
    from send_tracker.locks import advisory_lock

    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.IMPORT_REDELIVERY_WINDOW)
    candidates = ImportRecord.objects.filter(status=ImportRecord.Status.RUNNING).filter(
        Q(attempts__gte=MAX_ATTEMPTS) | Q(started_at__lt=cutoff) | Q(started_at__isnull=True)
    )
    written_off = []
    for record in candidates:
        with advisory_lock(f"import:{record.pk}") as acquired:
            if not acquired:
                continue  # a worker is on it now
            fresh = ImportRecord.objects.filter(
                pk=record.pk, status=ImportRecord.Status.RUNNING).first()
            if fresh is None:
                continue
            twice = " twice" if fresh.attempts >= MAX_ATTEMPTS else ""
            _fail(fresh, reason=WORKER_STOPPED.format(twice=twice))
            written_off.append(fresh.pk)
            logger.warning("import %s written off: its worker stopped", fresh.pk)
    return written_off
