"""Celery tasks of the board: thin, primitive ids in, one service call each."""

from __future__ import annotations

import datetime as dt
import smtplib

from celery import shared_task


@shared_task(name="finance.board.tasks.build_board_summary", acks_late=True, ignore_result=True)
def build_board_summary(
    year: int, period: int, new_version: bool = False, user_id: int | None = None
) -> int:
    """Build or refresh a month's draft (idempotent: unchanged content changes nothing)."""
    from django.contrib.auth import get_user_model

    from finance.board.services import board_summary_build

    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return board_summary_build(
        year=year, period=period, new_version=new_version, user=user
    ).summary.pk


@shared_task(name="finance.tasks.build_board_summary_if_due", acks_late=True, ignore_result=True)
def build_board_summary_if_due(today: str | None = None) -> int | None:
    """Beat, each working morning: build last month's draft once its build day has come."""
    from django.utils import timezone

    from finance.board.services import board_summary_build_if_due

    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    result = board_summary_build_if_due(today=day)
    return result.summary.pk if result else None


@shared_task(name="finance.board.tasks.build_board_pack", acks_late=True, ignore_result=True)
def build_board_pack(summary_id: int, kind: str) -> None:
    """Render and store a PDF or Excel pack; a failure is recorded on the pack, not retried
    (it is a template or data problem, and the download view can still build on demand)."""
    from finance.board.services import board_pack_build, board_pack_fail

    try:
        board_pack_build(summary_id=summary_id, kind=kind)
    except Exception as exc:
        board_pack_fail(summary_id=summary_id, kind=kind, error=repr(exc))
        raise


@shared_task(
    name="finance.board.tasks.send_board_summary",
    acks_late=True,
    ignore_result=True,
    # Mail servers fail transiently; each member is recorded as sent, so a retry never repeats.
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=900,
    max_retries=6,
)
def send_board_summary(summary_id: int) -> int:
    """E-mail a signed-off summary with its PDF to each board member, once each."""
    from finance.board.services import board_summary_send

    return board_summary_send(summary_id=summary_id)
