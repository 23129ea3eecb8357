"""Log context: the request id (web) or task id (worker) on every line. No personal data."""

from __future__ import annotations

import logging
from contextvars import ContextVar

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
_task_id: ContextVar[str | None] = ContextVar("task_id", default=None)


def set_request_id(value: str | None) -> None:
    """Bind the current request's id to log lines written while it is served."""
    _request_id.set(value)


def set_task_id(value: str | None) -> None:
    """Bind the current Celery task's id to log lines written while it runs."""
    _task_id.set(value)


class ContextFilter(logging.Filter):
    """Adds request_id and task_id (or '-') to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get() or "-"
        record.task_id = _task_id.get() or "-"
        return True
