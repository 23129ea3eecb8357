"""Celery tasks of the finance app: thin, primitive ids in, one service call."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="finance.tasks.recompute_trajectory", acks_late=True, ignore_result=True)
def recompute_trajectory(scenario_id: int | None = None, force: bool = False) -> list[int]:
    """Recompute the trajectory of every scenario (or one); unchanged inputs make no new run.

    No autoretry: a failure is a data or formula problem recorded on the run, and the previous
    result stays current; the next edit or the nightly run tries again.
    """
    from finance.services.recompute import trajectory_pending_clear, trajectory_recompute

    trajectory_pending_clear()
    return [run.pk for run in trajectory_recompute(scenario_id=scenario_id, force=force)]
