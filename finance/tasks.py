"""Celery tasks of the finance app: thin, primitive ids in, one service call."""

from __future__ import annotations

import uuid

from celery import shared_task
from django.db import InterfaceError, OperationalError


@shared_task(bind=True, name="finance.tasks.recompute_trajectory", acks_late=True,
             ignore_result=True, autoretry_for=(OperationalError, InterfaceError),
             retry_backoff=5, retry_backoff_max=120, retry_kwargs={"max_retries": 5})
def recompute_trajectory(self, scenario_id: int | None = None, force: bool = False) -> list[int]:
    """Recompute the trajectory of every scenario (or one); unchanged inputs make no new run.

    Retried only when the database is unreachable (transient): its claims, under the task's
    id, are its own again on the retry, and open pages keep waiting meanwhile. Any other failure
    is a data or formula problem: it is recorded on the run, the previous result stays current,
    and the next edit or the nightly run tries again.
    """
    from finance.services.recompute import trajectory_recompute

    token = self.request.id or uuid.uuid4().hex  # no id when called as a plain function
    runs = trajectory_recompute(scenario_id=scenario_id, force=force, token=token)
    return [run.pk for run in runs]
