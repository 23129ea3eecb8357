"""Starting imports: synchronously for small files, through Celery for large ones."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q

from send_tracker.imports.core import run_import
from send_tracker.models import ImportRecord

logger = logging.getLogger(__name__)

# Files up to this size are imported while the officer waits; larger ones go to Celery.
SYNC_MAX_BYTES = 256 * 1024


def progress_key(record_id: int) -> str:
    return f"import-progress:{record_id}"


def _set_progress(record_id: int, pct: int) -> None:
    try:
        cache.set(progress_key(record_id), pct, timeout=3600)
    except Exception:  # noqa: BLE001 - progress is best effort; Redis down must not fail an import
        logger.warning("could not store progress for import %s", record_id)


def import_progress(record: ImportRecord) -> int:
    """Percent done: the live figure from the cache while running, else the record's."""
    if record.status in (ImportRecord.Status.QUEUED, ImportRecord.Status.RUNNING):
        try:
            live = cache.get(progress_key(record.pk))
        except Exception:  # noqa: BLE001
            live = None
        return int(live or record.progress_pct or 0)
    return 100


def _store_file(data: bytes, file_name: str) -> str:
    digest = hashlib.sha256(data).hexdigest()
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{digest}{Path(file_name).suffix.lower()[:6]}"
    path.write_bytes(data)
    return str(path)


def import_start(*, kind: str, data: bytes, file_name: str, user) -> ImportRecord:
    """Import now if the file is small, else store it and queue it for a worker."""
    if len(data) <= SYNC_MAX_BYTES:
        return run_import(kind=kind, data=data, file_name=file_name, user=user)
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

        transaction.on_commit(lambda: run_import_task.delay(record.pk))
    return record


def import_record_run(*, record_id: int) -> str:
    """Worker side: run a queued import (or one whose worker died), once at a time."""
    from send_tracker.locks import advisory_lock

    # The advisory lock keeps two deliveries of the same task from running together; a record
    # still "running" with no lock holder is one whose worker died, so it is run again.
    with advisory_lock(f"import:{record_id}") as acquired:
        if not acquired:
            return "already running"
        record = ImportRecord.objects.filter(
            Q(status=ImportRecord.Status.QUEUED) | Q(status=ImportRecord.Status.RUNNING),
            pk=record_id,
        ).first()
        if record is None:
            return "already finished"
        data = Path(record.stored_path).read_bytes()
        result = run_import(
            kind=record.kind,
            data=data,
            file_name=record.file_name,
            user=record.uploaded_by,
            record=record,
            progress=lambda pct: _set_progress(record_id, pct),
        )
        return result.status
