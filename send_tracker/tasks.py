"""Project-wide Celery tasks: the worker heartbeat and the echo used to check the queue."""

from __future__ import annotations

import smtplib
import time

from celery import shared_task
from django.conf import settings


@shared_task(name="send_tracker.tasks.heartbeat", ignore_result=True)
def heartbeat() -> None:
    """Record that a worker is alive; /healthz reads the timestamp."""
    from send_tracker.health import record_heartbeat

    record_heartbeat()


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
