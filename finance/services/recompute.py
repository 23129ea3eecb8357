"""The trajectory recompute: debounced requests, one run per scenario, atomic replacement.

Safety: a session-level PostgreSQL advisory lock per scenario makes two recomputes of the same
scenario take turns (the second then finds the fingerprint unchanged and does nothing). A run's
points are written and the run flipped to current in one transaction, so a run that fails or is
killed leaves the previous result in place.
"""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from datetime import datetime, timedelta

import redis
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from finance import trajectory as core
from finance.models import Scenario, TrajectoryPoint, TrajectoryRun
from finance.selectors.trajectory import base_inputs, inputs_fingerprint, with_scenario

log = logging.getLogger(__name__)

PENDING_KEY = "send:finance:trajectory-pending"
# The data version the trajectory was last brought up to date with (trajectory_follow_data).
FOLLOW_KEY = "send:finance:trajectory-data-version"
# Tasks in progress (token → start time), so the status never has a gap between the two.
RUNNING_KEY = "send:finance:trajectory-running"
# A burst of edits within this many seconds gives one recompute.
DEBOUNCE_SECONDS = getattr(settings, "TRAJECTORY_DEBOUNCE_SECONDS", 3)
_LOCK_NAMESPACE = 0x5E4D  # first key of the two-int advisory lock: "finance trajectory"


def _redis() -> redis.Redis:
    # The process's shared client: the trajectory and scenario pages ask on every request.
    from send_tracker.health import shared_redis

    return shared_redis()


def trajectory_recompute_request() -> None:
    """Ask for a recompute once the current transaction commits (debounced).

    Registered once per transaction: a bulk write (the demo seed, a reprofile) asks once.
    """
    pending = getattr(connection, "run_on_commit", [])
    if any(entry[1] is trajectory_recompute_enqueue for entry in pending):
        return
    transaction.on_commit(trajectory_recompute_enqueue)


def trajectory_recompute_enqueue() -> bool:
    """Queue one recompute unless one is already pending; True if this call queued it.

    The pending marker is set with NX, so of ten edits in a burst only the first queues a task
    (with a countdown); the task clears the marker when it starts, so later edits queue again.
    If Redis is down the request is dropped with a warning: the nightly run catches up.
    """
    from finance.tasks import recompute_trajectory

    try:
        client = _redis()
        now = timezone.now()
        if not client.set(PENDING_KEY, now.isoformat(), nx=True, ex=DEBOUNCE_SECONDS + 600):
            since = trajectory_pending_since()
            # A marker older than its task's countdown plus a minute belongs to a task that was
            # lost (queue purged, broker restarted): take it over rather than miss this edit.
            if since is None or now - since < timedelta(seconds=DEBOUNCE_SECONDS + 60):
                return False
            client.set(PENDING_KEY, now.isoformat(), ex=DEBOUNCE_SECONDS + 600)
        try:
            recompute_trajectory.apply_async(countdown=DEBOUNCE_SECONDS, retry=False)
        except Exception:
            client.delete(PENDING_KEY)  # nothing was queued: the next edit must try again
            raise
        return True
    except Exception as exc:  # noqa: BLE001 - any broker failure: the page says it is stale
        log.warning(
            "trajectory recompute not queued (%s); the nightly run will catch up",
            type(exc).__name__,
        )
        return False


def trajectory_recompute_pending() -> bool:
    """True while a queued recompute has not started yet (False if Redis cannot say)."""
    return trajectory_pending_since() is not None


def trajectory_pending_since() -> datetime | None:
    """When the recompute now waiting was queued (None if none is, or Redis cannot say)."""
    try:
        value = _redis().get(PENDING_KEY)
    except redis.RedisError:
        return None
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value.decode())
    except ValueError:
        return timezone.now()


def trajectory_pending_mark() -> None:
    """A recompute is coming (a task's retry): pages wait for it, and edits need not queue."""
    try:
        _redis().set(PENDING_KEY, timezone.now().isoformat(), ex=DEBOUNCE_SECONDS + 600)
    except redis.RedisError:
        pass


def trajectory_pending_clear() -> None:
    """Edits from now on queue a fresh recompute (tests and tools; the task uses the pair below)."""
    try:
        _redis().delete(PENDING_KEY)
    except redis.RedisError:
        pass


def trajectory_task_started(token: str, *, clear_pending: bool = True) -> None:
    """Called by a task as it starts: it is in progress, and (the queued recompute) no longer
    pending.

    Both in one MULTI, so a page polling the status never sees 'neither pending nor running'
    while the task gathers its inputs (before its run row exists) and stops waiting too soon.
    """
    try:
        pipe = _redis().pipeline(transaction=True)
        pipe.zadd(RUNNING_KEY, {token: time.time()})
        pipe.expire(RUNNING_KEY, settings.CELERY_TASK_TIME_LIMIT)
        if clear_pending:
            pipe.delete(PENDING_KEY)
        pipe.execute()
    except redis.RedisError:
        pass


def trajectory_task_finished(token: str) -> None:
    """Called by the task as it ends, after its run (if any) is committed and current."""
    try:
        _redis().zrem(RUNNING_KEY, token)
    except redis.RedisError:
        pass


def trajectory_in_progress(scenario_ids: list[int] | None = None) -> bool:
    """True while a recompute is under way: a task between its start and end, or a scenario's
    computation holding its lock (the command line takes it too).

    The lock, not the run's 'running' status, is the proof of life: a killed worker's session,
    and with it the lock, ends with it, while its run row would say 'running' for ever.
    """
    if trajectory_task_in_progress():
        return True
    sql = (
        "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted "
        "AND objsubid = 2 AND classid::bigint = %s"
    )
    params: list = [_LOCK_NAMESPACE]
    if scenario_ids is not None:
        sql += " AND objid::bigint = ANY(%s)"
        params.append(list(scenario_ids))
    with connection.cursor() as cursor:
        cursor.execute(sql + ")", params)
        return cursor.fetchone()[0]


def trajectory_task_in_progress() -> bool:
    """True while a recompute task is between its start and its end (False if Redis cannot say).

    An entry older than the task's hard time limit belongs to a worker that was killed: dropped.
    """
    try:
        client = _redis()
        client.zremrangebyscore(RUNNING_KEY, 0, time.time() - settings.CELERY_TASK_TIME_LIMIT)
        return client.zcard(RUNNING_KEY) > 0
    except redis.RedisError:
        return False


def trajectory_follow_data() -> list[TrajectoryRun] | None:
    """Recompute if any tracked data changed since the last look; None if nothing had.

    Run every minute by beat. The services that write finance data ask for a recompute on
    commit; this catches every other input of the trajectory, whichever way it was written: a
    lead's monthly savings forecast, programme targets, placements and their costs, an import,
    the admin. Cheap when nothing moved (one query), and a recompute whose inputs did not
    change writes nothing (fingerprints), so the version settles after one extra look.
    """
    from send_tracker.dataversion import data_version

    version = data_version()
    client = _redis()
    if version is not None and client.get(FOLLOW_KEY) == version.encode():
        return None
    runs = trajectory_recompute()
    if version is not None:
        client.set(FOLLOW_KEY, version)
    return runs


@contextmanager
def _scenario_lock(scenario_id: int):
    """Session advisory lock: concurrent recomputes of one scenario take turns."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [_LOCK_NAMESPACE, scenario_id])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_LOCK_NAMESPACE, scenario_id])


def trajectory_recompute(
    *, scenario_id: int | None = None, force: bool = False
) -> list[TrajectoryRun]:
    """Recompute every scenario (or one); returns the runs created (none if nothing changed)."""
    base = base_inputs()
    if base is None:
        log.info("trajectory not computed: no ledger or no agreement yet")
        return []
    scenarios = Scenario.objects.all()
    if scenario_id is not None:
        scenarios = scenarios.filter(pk=scenario_id)
    runs = []
    for scenario in scenarios:
        run = scenario_trajectory_recompute(scenario=scenario, base=base, force=force)
        if run is not None:
            runs.append(run)
    return runs


def scenario_trajectory_recompute(
    *, scenario: Scenario, base: core.TrajectoryInputs, force: bool = False
) -> TrajectoryRun | None:
    """One scenario's run: skipped if its inputs are unchanged, else computed and made current.

    Not one big transaction on purpose: the 'running' row is committed first so the page can
    show it, and a failure is recorded on it after the points' transaction rolls back.
    """
    inputs = with_scenario(base, scenario)
    fingerprint = inputs_fingerprint(inputs)
    with _scenario_lock(scenario.pk):
        # Holding the scenario's lock, any run still 'running' lost its process (the lock is
        # released with the connection of a killed worker): record it as interrupted.
        # (Checked first: an UPDATE of no rows would still move the data version on.)
        interrupted = TrajectoryRun.objects.filter(
            scenario=scenario, status=TrajectoryRun.Status.RUNNING
        )
        if interrupted.exists():
            interrupted.update(
                status=TrajectoryRun.Status.FAILED,
                finished_at=timezone.now(),
                error="Interrupted (worker stopped).",
            )
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
