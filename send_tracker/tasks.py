"""Project-wide Celery tasks: the worker heartbeat and the echo used to check the queue."""

from __future__ import annotations

import time

from celery import shared_task


@shared_task(name="send_tracker.tasks.heartbeat", ignore_result=True)
def heartbeat() -> None:
    """Record that a worker is alive; /healthz reads the timestamp."""
    from send_tracker.health import record_heartbeat

    record_heartbeat()


@shared_task(name="send_tracker.tasks.echo")
def echo(value: str) -> dict:
    """Return what was sent, with the worker's clock: proves a round trip through Redis."""
    return {"value": value, "at": time.time()}
