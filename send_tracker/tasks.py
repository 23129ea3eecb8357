"""Project-wide Celery tasks: the worker heartbeat, the minute sweep, imports, invitations and
the echo used to check the queue."""

from __future__ import annotations

import smtplib
import time
from collections.abc import Callable

from celery import shared_task
from django.conf import settings

# What the minute sweep does for the apps, each registered by its AppConfig.ready (send_tracker
# knows no app): called with data_moved=True when the data version moved since the last sweep.
SWEEPS: list[Callable[..., None]] = []
# The data version the last sweep saw.
SWEPT_VERSION_KEY = "send:sweep:data-version"


def sweep_register(function: Callable[..., None]) -> None:
    """Add an app's part to the minute sweep (once, however often the app is made ready)."""
    if function not in SWEEPS:
        SWEEPS.append(function)


@shared_task(name="send_tracker.tasks.heartbeat", ignore_result=True)
def heartbeat() -> None:
    """Record that a worker is alive; /healthz reads the timestamp."""
    from send_tracker.health import record_heartbeat

    record_heartbeat()


@shared_task(name="send_tracker.tasks.sweep", ignore_result=True, expires=120)
def sweep() -> bool:
    """Every minute: write off imports whose worker died, then each app's part (the
    trajectory's: follow the data, re-queue lost requests, write off dead runs). Returns
    whether the data version had moved. Expires rather than piling up while the workers are
    down: the next minute's sweep does it."""
    from send_tracker.dataversion import data_version
    from send_tracker.health import shared_redis
    from send_tracker.imports.service import imports_stale_write_off

    imports_stale_write_off()
    version = data_version()
    client = shared_redis()
    moved = version is None or client.get(SWEPT_VERSION_KEY) != version.encode()
    for function in SWEEPS:
        function(data_moved=moved)
    if version is not None:
        client.set(SWEPT_VERSION_KEY, version)
    return moved


@shared_task(name="send_tracker.tasks.echo")
def echo(value: str) -> dict:
    """Return what was sent, with the worker's clock: proves a round trip through Redis."""
    return {"value": value, "at": time.time()}


@shared_task(
    name="send_tracker.tasks.run_import_task",
    acks_late=True,
    # A redelivered import (its worker died) runs again from the stored file: the write is one
    # transaction, so a half-finished run left nothing behind. Not retried on errors: a file
    # that fails is reported to its uploader rather than tried again and again.
    # Bounded: at the soft limit run_import marks the import failed; the hard limit kills it
    # (left running, the minute sweeper writes it off).
    soft_time_limit=settings.IMPORT_TASK_TIME_LIMIT,
    time_limit=settings.IMPORT_TASK_TIME_LIMIT + 30,
)
def run_import_task(record_id: int) -> str:
    """Run a queued file import from its stored file."""
    from send_tracker.imports.service import import_record_run

    return import_record_run(record_id=record_id)


@shared_task(
    name="send_tracker.tasks.send_invitation",
    acks_late=True,
    # Safe to run twice: the invitation row is locked and marked sent in the transaction that
    # sends the mail. A transient mail failure rolls back and is retried with backoff.
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=900,
    max_retries=6,
    ignore_result=True,
)
def send_invitation(invitation_id: int) -> bool:
    """E-mail an invitation's set-password link."""
    from send_tracker.accounts.services import invitation_send

    return invitation_send(invitation_id=invitation_id)
