"""The trajectory recompute, in five lines:

1. A write asks for it: each scenario's RecomputeRequest row is stamped `requested_at` in the
   writer's transaction, and the task is queued with `apply_async_on_commit` unless a request
   was already outstanding (a queued task, or the task running now, will meet it).
2. The task claims each row with a conditional UPDATE (unclaimed, stale, or its own), then reads
   the inputs; a scenario whose inputs' fingerprint is unchanged gets no new run.
3. Holding the scenario's advisory lock (send_tracker.locks), it writes the points and makes the
   run current in one transaction, so a failed or killed run leaves the last result in place.
4. Releasing the claim clears the requests it met; a request made meanwhile sends it round again.
5. The minute sweep (send_tracker.tasks.sweep) calls `trajectory_sweep`: it asks for a
   recompute when the data version moved, re-queues requests whose task was lost, and writes
   off the runs and claims of dead workers.

Request and claim times are the database's clock, so every process compares the same clock.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, DateTimeField, ExpressionWrapper, F, Q, When
from django.db.models.functions import Now
from django.utils import timezone

from finance import trajectory as core
from finance.models import RecomputeRequest, Scenario, TrajectoryPoint, TrajectoryRun
from finance.selectors.trajectory import base_inputs, inputs_fingerprint, with_scenario
from send_tracker.locks import advisory_lock

log = logging.getLogger(__name__)

# A burst of edits within this many seconds gives one recompute.
DEBOUNCE_SECONDS = getattr(settings, "TRAJECTORY_DEBOUNCE_SECONDS", 3)
# No task outlives its hard time limit: a claim older than that is taken over.
STALE = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
# Requested and unclaimed this long: its task was lost (Redis down at commit, queue purged).
# Claimed this long with the scenario's lock free: its worker died.
LOST = timedelta(minutes=1)
# Queued this long and not picked up: the workers are probably down (the page says so).
STUCK = timedelta(minutes=2)
# Rounds a task makes when requests keep arriving while it computes (the sweep does the rest).
MAX_PASSES = 3
INTERRUPTED = "Interrupted (worker stopped)."


def _ago(delta: timedelta) -> ExpressionWrapper:
    return ExpressionWrapper(Now() - delta, output_field=DateTimeField())


def _lock_name(scenario_id: int) -> str:
    return f"trajectory:{scenario_id}"


def _rows_ensure() -> None:
    """Every scenario has its request row (a new scenario gets one on its first request)."""
    missing = Scenario.objects.filter(recompute_request=None).values_list("pk", flat=True)
    RecomputeRequest.objects.bulk_create(
        [RecomputeRequest(scenario_id=pk) for pk in missing], ignore_conflicts=True)


def trajectory_recompute_request(*, scenario_id: int | None = None,
                                 queue_anyway: bool = False) -> bool:
    """Ask for a recompute of every scenario (or one) once this transaction commits; True if
    this call queued the task.

    The rows are locked in scenario order until commit, so a claim waits for this writer's data.
    Only a row with no request outstanding (or one outstanding so long its task must have been
    lost) queues the task: a bulk write asks once.
    `queue_anyway`: the user's "Recompute now", after a request whose task was lost.
    """
    from finance.tasks import recompute_trajectory

    _rows_ensure()
    table = RecomputeRequest._meta.db_table
    where, params = ("WHERE scenario_id = %s", [scenario_id]) if scenario_id else ("", [])
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH old AS (SELECT id, requested_at FROM {table} {where} "  # noqa: S608
            "ORDER BY scenario_id FOR UPDATE) "
            f"UPDATE {table} r SET requested_at = statement_timestamp() FROM old "
            "WHERE r.id = old.id RETURNING old.requested_at IS NULL "
            "OR old.requested_at < statement_timestamp() - %s", [*params, LOST])
        new = any(row[0] for row in cursor.fetchall())
    if new or queue_anyway:
        recompute_trajectory.apply_async_on_commit(countdown=DEBOUNCE_SECONDS)
    return new or queue_anyway


def _claim(scenario_id: int, token: str) -> bool:
    """Claim the scenario's row; False if a live task holds it (its loop meets our request)."""
    return RecomputeRequest.objects.filter(scenario_id=scenario_id).filter(
        Q(claimed_at=None) | Q(claimed_at__lt=_ago(STALE)) | Q(claimed_by=token)
    ).update(claimed_at=Now(), claimed_by=token) == 1


def _release(scenario_id: int, token: str) -> bool:
    """Release the claim, clearing the requests made before it; True if a newer one waits."""
    RecomputeRequest.objects.filter(scenario_id=scenario_id, claimed_by=token).update(
        requested_at=Case(When(requested_at__lte=F("claimed_at"), then=None),
                          default=F("requested_at"), output_field=DateTimeField()),
        claimed_at=None, claimed_by="")
    return RecomputeRequest.objects.filter(
        scenario_id=scenario_id, claimed_at=None, requested_at__isnull=False).exists()


def trajectory_recompute(*, scenario_id: int | None = None, force: bool = False,
                         token: str | None = None) -> list[TrajectoryRun]:
    """Recompute every scenario (or one) this caller can claim; returns the runs created (none
    if nothing changed). `token` names the claimant (the task's id, so a redelivered or retried
    task takes back its own claim)."""
    token = token or uuid.uuid4().hex
    _rows_ensure()
    ids = [scenario_id] if scenario_id is not None else list(
        Scenario.objects.order_by("pk").values_list("pk", flat=True))
    runs: list[TrajectoryRun] = []
    for _ in range(MAX_PASSES):
        claimed = [pk for pk in ids if _claim(pk, token)]
        if not claimed:
            break
        try:
            runs += _recompute_claimed(claimed, force=force)
        finally:
            ids = [pk for pk in claimed if _release(pk, token)]
        force = False
    return runs


def _recompute_claimed(scenario_ids: list[int], *, force: bool) -> list[TrajectoryRun]:
    base = base_inputs()  # read after the claims: every request they met is in it
    if base is None:
        log.info("trajectory not computed: no ledger or no agreement yet")
        return []
    runs = []
    for scenario in Scenario.objects.filter(pk__in=scenario_ids):
        run = scenario_trajectory_recompute(scenario=scenario, base=base, force=force)
        if run is not None:
            runs.append(run)
    return runs


def _interrupted_write_off(scenario_id: int) -> None:
    """Record the scenario's runs left 'running' as interrupted (call holding its lock: whoever
    left them is dead). Checked first: an UPDATE of no rows still moves the data version."""
    interrupted = TrajectoryRun.objects.filter(
        scenario_id=scenario_id, status=TrajectoryRun.Status.RUNNING)
    if interrupted.exists():
        interrupted.update(status=TrajectoryRun.Status.FAILED, finished_at=timezone.now(),
                           error=INTERRUPTED)


def scenario_trajectory_recompute(
    *, scenario: Scenario, base: core.TrajectoryInputs, force: bool = False
) -> TrajectoryRun | None:
    """One scenario's run: skipped if its inputs are unchanged, else computed and made current.

    Not one big transaction on purpose: the 'running' row is committed first so the page can
    show it, and a failure is recorded on it after the points' transaction rolls back.
    """
    inputs = with_scenario(base, scenario)
    fingerprint = inputs_fingerprint(inputs)
    with advisory_lock(_lock_name(scenario.pk), wait=True):
        _interrupted_write_off(scenario.pk)
        current = TrajectoryRun.objects.filter(scenario=scenario, is_current=True).first()
        if current is not None and current.fingerprint == fingerprint and not force:
            return None
        started = time.perf_counter()
        run = TrajectoryRun.objects.create(
            scenario=scenario,
            fingerprint=fingerprint,
            inputs=inputs.as_json(),
            started_at=timezone.now(),
        )
        try:
            results = core.compute(inputs)
            with transaction.atomic():
                TrajectoryPoint.objects.bulk_create(
                    TrajectoryPoint(run=run, **vars(result)) for result in results
                )
                TrajectoryRun.objects.filter(scenario=scenario, is_current=True).update(
                    is_current=False
                )
                run.status = TrajectoryRun.Status.FINISHED
                run.is_current = True
                run.finished_at = timezone.now()
                run.duration_ms = int((time.perf_counter() - started) * 1000)
                run.save(update_fields=["status", "is_current", "finished_at", "duration_ms"])
        except Exception as exc:
            TrajectoryRun.objects.filter(pk=run.pk).update(
                status=TrajectoryRun.Status.FAILED,
                finished_at=timezone.now(),
                error=f"{type(exc).__name__}: {exc}"[:2000],
            )
            raise
        return run


def trajectory_sweep(*, data_moved: bool) -> None:
    """The minute sweep's part for the trajectory (registered by FinanceConfig.ready)."""
    from finance.tasks import recompute_trajectory

    dead = set(TrajectoryRun.objects.filter(status=TrajectoryRun.Status.RUNNING)
               .values_list("scenario_id", flat=True))
    dead |= set(RecomputeRequest.objects.filter(claimed_at__lt=_ago(LOST))
                .values_list("scenario_id", flat=True))
    for scenario_id in sorted(dead):
        with advisory_lock(_lock_name(scenario_id)) as free:
            if free:  # nobody is computing it: what says otherwise was left by a dead worker
                _interrupted_write_off(scenario_id)
                RecomputeRequest.objects.filter(
                    scenario_id=scenario_id, claimed_at__lt=_ago(LOST)
                ).update(claimed_at=None, claimed_by="")
    if data_moved:  # a lead's forecast, a placement, an import: whoever wrote it
        trajectory_recompute_request()
    if RecomputeRequest.objects.filter(claimed_at=None, requested_at__lt=_ago(LOST)).exists():
        recompute_trajectory.delay_on_commit()


@dataclass(frozen=True)
class RecomputeState:
    pending_since: datetime | None  # the oldest request no task has claimed yet
    stuck: bool  # one of them has waited longer than STUCK
    running: bool  # a task has claimed a scenario and is computing it


def trajectory_recompute_state(scenario_ids: list[int] | None = None) -> RecomputeState:
    """Whether a recompute of these scenarios (or any) is waiting or running: one query of the
    request rows (one a scenario) with the database's clock, judged here."""
    rows = RecomputeRequest.objects.all()
    if scenario_ids is not None:
        rows = rows.filter(scenario_id__in=scenario_ids)
    found = list(rows.annotate(now=Now()).values_list("requested_at", "claimed_at", "now"))
    waiting = [requested for requested, claimed, _ in found
               if requested is not None and claimed is None]
    now = found[0][2] if found else None
    return RecomputeState(
        pending_since=min(waiting, default=None),
        stuck=any(requested < now - STUCK for requested in waiting),
        running=any(claimed is not None and claimed >= now - STALE for _, claimed, _ in found),
    )
