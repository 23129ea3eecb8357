"""Celery tasks of the programme app: thin, primitive ids in, one service call."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task


@shared_task(
    name="programme.tasks.send_progress_reminders",
    acks_late=True,
    # Only transient mail-server failures are retried; a reminder already sent is never
    # sent again because each one is claimed by a unique row before it is mailed.
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=60,
    retry_backoff_max=1800,
    max_retries=5,
)
def send_progress_reminders() -> int:
    """Remind leads missing the open period's update, 5 working days before its deadline."""
    from programme.services import progress_reminders_send

    return progress_reminders_send()


@shared_task(
    name="programme.tasks.send_progress_reminder",
    acks_late=True,
    # Safe to run twice: the reminder row is locked and marked mailed in the transaction that
    # sends it. Only transient mail-server failures are retried.
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=900,
    max_retries=6,
    ignore_result=True,
)
def send_progress_reminder(reminder_id: int) -> bool:
    """E-mail one reminder a programme manager chose to send."""
    from programme.services import progress_reminder_send

    return progress_reminder_send(reminder_id=reminder_id)
