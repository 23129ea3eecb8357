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

    Retried only when the database is unreachable (transient). Any other failure is a data or
    formula problem: it is recorded on the run, the previous result stays current, and the next
    edit or the nightly run tries again.
    """
    from finance.services import recompute

    token = self.request.id or uuid.uuid4().hex  # no id when called as a plain function
    recompute.trajectory_task_started(token)
    try:
        return [
            run.pk
            for run in recompute.trajectory_recompute(scenario_id=scenario_id, force=force)
        ]
    except (OperationalError, InterfaceError):
        recompute.trajectory_pending_mark()  # a retry is coming: open pages keep waiting
        raise
    finally:
        recompute.trajectory_task_finished(token)


@shared_task(bind=True, name="finance.tasks.follow_data", acks_late=True, ignore_result=True,
             expires=120)
def follow_data(self) -> list[int] | None:
    """Every minute: write off imports whose worker died; bring the trajectory up to date.

    The one sweeper of stuck work: dead trajectory runs are recorded by the recompute itself,
    dead imports by send_tracker's write-off. Expires rather than piling up while the workers
    are down: the next minute's run does it.
    """
    from finance.services import recompute
    from send_tracker.imports.service import imports_stale_write_off

    imports_stale_write_off()

    token = self.request.id or uuid.uuid4().hex
    recompute.trajectory_task_started(token, clear_pending=False)
    try:
        runs = recompute.trajectory_follow_data()
        return None if runs is None else [run.pk for run in runs]
    finally:
        recompute.trajectory_task_finished(token)
