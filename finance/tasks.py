"""Celery tasks of the finance app: thin, primitive ids in, one service call."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError


@shared_task(name="finance.tasks.recompute_trajectory", acks_late=True, ignore_result=True,
             autoretry_for=(OperationalError, InterfaceError), retry_backoff=5,
             retry_backoff_max=120, retry_kwargs={"max_retries": 5})
def recompute_trajectory(scenario_id: int | None = None, force: bool = False) -> list[int]:
    """Recompute the trajectory of every scenario (or one); unchanged inputs make no new run.

    Retried only when the database is unreachable (transient). Any other failure is a data or
    formula problem: it is recorded on the run, the previous result stays current, and the next
    edit or the nightly run tries again.
    """
    from finance.services.recompute import trajectory_pending_clear, trajectory_recompute

    trajectory_pending_clear()
    return [run.pk for run in trajectory_recompute(scenario_id=scenario_id, force=force)]
