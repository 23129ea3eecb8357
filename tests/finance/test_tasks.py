"""The recompute task and the minute sweep: called as functions, and end to end through a real
worker on Redis."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models.functions import Now

from finance.models import RecomputeRequest, TrajectoryRun
from finance.services import recompute
from finance.tasks import recompute_trajectory
from tests.finance.conftest import requests_met


def _state():
    return recompute.trajectory_recompute_state()


@pytest.mark.django_db
def test_the_task_meets_the_request_and_recomputes(small_finance):
    assert _state().pending_since is not None  # the fixture's writes asked for one

    run_ids = recompute_trajectory()

    assert TrajectoryRun.objects.get(is_current=True).pk == run_ids[0]
    assert _state() == recompute.RecomputeState(pending_since=None, stuck=False, running=False)
    assert recompute_trajectory() == []  # same inputs: nothing to do


@pytest.mark.django_db
def test_two_claimers_one_wins_and_a_stale_claim_is_taken_over(small_finance):
    scenario_id = small_finance["scenario"].pk
    recompute._rows_ensure()

    assert recompute._claim(scenario_id, "first") is True
    assert recompute._claim(scenario_id, "second") is False  # held, and not stale
    assert recompute._claim(scenario_id, "first") is True  # a redelivered task: its own
    assert _state().running is True
    # The first task's worker died long ago (past the hard time limit): taken over.
    RecomputeRequest.objects.update(claimed_at=Now() - recompute.STALE - dt.timedelta(seconds=1))
    assert _state().running is False
    assert recompute._claim(scenario_id, "second") is True
    assert RecomputeRequest.objects.get().claimed_by == "second"
    # The task that lost its claim finds nothing to release.
    recompute._release(scenario_id, "first")
    assert RecomputeRequest.objects.get().claimed_by == "second"


@pytest.mark.django_db(transaction=True)
def test_two_claimers_at_once_one_wins(small_finance):
    scenario_id = small_finance["scenario"].pk
    recompute._rows_ensure()
    won, start = [], threading.Barrier(2)

    def claim(token: str) -> None:
        try:
            start.wait()
            if recompute._claim(scenario_id, token):
                won.append(token)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(t,)) for t in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(won) == 1
    assert RecomputeRequest.objects.get().claimed_by == won[0]


@pytest.mark.django_db
def test_a_request_made_while_a_task_computes_sends_it_round_again(small_finance, queued,
                                                                   monkeypatch):
    from decimal import Decimal

    from finance import services
    from finance import trajectory as core

    compute, edited = core.compute, []

    def compute_then_edit(inputs):
        if not edited:  # an edit lands while the first pass computes
            scenario = small_finance["scenario"].__class__.objects.get()
            edited.append(services.scenario_update(
                scenario=scenario, version=scenario.version,
                mitigation_delivery_pct=Decimal(100)))
        return compute(inputs)

    monkeypatch.setattr(core, "compute", compute_then_edit)
    runs = recompute_trajectory()

    assert len(runs) == 2  # the second pass has the edit's inputs
    current = TrajectoryRun.objects.get(is_current=True)
    assert current.pk == runs[1]
    assert Decimal(current.inputs["scenario"]["mitigation_delivery"]) == 1
    assert _state().pending_since is None


@pytest.mark.django_db
def test_the_status_says_running_while_the_task_holds_its_claim(small_finance, finance_client,
                                                                 monkeypatch):
    # A page polling between 'queued' and the new run must never see neither and stop waiting.
    seen = []
    real = recompute._recompute_claimed

    def observed(ids, **kwargs):
        seen.append(finance_client.get("/finance/trajectory/status/").json())
        return real(ids, **kwargs)

    monkeypatch.setattr(recompute, "_recompute_claimed", observed)

    recompute_trajectory()

    assert [(s["pending"], s["running"]) for s in seen] == [(False, True)]
    after = finance_client.get("/finance/trajectory/status/").json()
    assert (after["pending"], after["running"]) == (False, False)
    assert after["runs"]["baseline"]["run_id"] == TrajectoryRun.objects.get(is_current=True).pk


@pytest.mark.django_db
def test_a_failed_task_releases_its_claim_and_the_request_it_failed(small_finance,
                                                                    monkeypatch):
    from finance import trajectory as core

    def broken(inputs):
        raise ValueError("formula failed")

    monkeypatch.setattr(core, "compute", broken)
    with pytest.raises(ValueError):
        recompute_trajectory()

    # Not left running, and not retried every minute: the next edit or the nightly run tries.
    assert _state() == recompute.RecomputeState(pending_since=None, stuck=False, running=False)
    assert TrajectoryRun.objects.get().error == "ValueError: formula failed"


@pytest.mark.django_db
def test_a_task_retried_after_losing_the_database_keeps_open_pages_waiting(small_finance,
                                                                          finance_client,
                                                                          monkeypatch):
    from django.db import OperationalError

    def database_gone(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    # The database goes after the claim, and is still gone when the claim would be released.
    monkeypatch.setattr(recompute, "_recompute_claimed", database_gone)
    monkeypatch.setattr(recompute, "_release", database_gone)
    with pytest.raises(OperationalError):
        recompute_trajectory()  # in a worker, autoretry queues it again with a backoff

    status = finance_client.get("/finance/trajectory/status/").json()
    assert status["running"] is True  # its claim stands until the retry (same task id) ends it
    monkeypatch.undo()
    claimed_by = RecomputeRequest.objects.get().claimed_by
    assert recompute.trajectory_recompute(token=claimed_by)  # the retry takes its claim back
    status = finance_client.get("/finance/trajectory/status/").json()
    assert (status["pending"], status["running"]) == (False, False)


@pytest.mark.django_db
def test_the_sweep_writes_off_a_run_and_a_claim_left_by_a_dead_worker(small_finance,
                                                                       finance_client, queued):
    import psycopg2
    from django.utils import timezone

    from send_tracker.locks import _key

    recompute_trajectory()
    scenario = small_finance["scenario"]
    dead = TrajectoryRun.objects.create(scenario=scenario, fingerprint="x", inputs={},
                                        started_at=timezone.now())
    RecomputeRequest.objects.update(claimed_at=Now() - dt.timedelta(minutes=2),
                                    claimed_by="dead", requested_at=Now())
    assert finance_client.get("/finance/trajectory/status/").json()["running"] is True

    # While another session holds the scenario's lock (a live computation), nothing is touched.
    other = psycopg2.connect(**connection.get_connection_params())
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [_key(recompute._lock_name(
                scenario.pk))])
        recompute.trajectory_sweep(data_moved=False)
        dead.refresh_from_db()
        assert dead.status == TrajectoryRun.Status.RUNNING
        assert RecomputeRequest.objects.get().claimed_by == "dead"
    finally:
        other.close()  # its session ends, and the lock with it, as a killed worker's would

    recompute.trajectory_sweep(data_moved=False)
    dead.refresh_from_db()
    assert (dead.status, dead.error) == (TrajectoryRun.Status.FAILED, recompute.INTERRUPTED)
    request = RecomputeRequest.objects.get()
    assert (request.claimed_at, request.claimed_by) == (None, "")
    # The dead worker's request still stands, so the page keeps waiting for the next task.
    status = finance_client.get("/finance/trajectory/status/").json()
    assert (status["pending"], status["running"]) == (True, False)


@pytest.mark.django_db
def test_the_sweep_queues_a_recompute_when_the_data_moved_and_re_queues_a_lost_one(
        small_finance, queued, django_capture_on_commit_callbacks):
    recompute_trajectory()
    with django_capture_on_commit_callbacks(execute=True):
        recompute.trajectory_sweep(data_moved=False)
    assert queued == []  # nothing moved, nothing waiting

    with django_capture_on_commit_callbacks(execute=True):
        recompute.trajectory_sweep(data_moved=True)
    assert len(queued) == 1
    assert _state().pending_since is not None

    # Its task was lost (the queue purged): a minute on, the sweep queues it again.
    queued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        recompute.trajectory_sweep(data_moved=False)
    assert queued == []
    RecomputeRequest.objects.update(requested_at=Now() - recompute.LOST - dt.timedelta(1))
    with django_capture_on_commit_callbacks(execute=True):
        recompute.trajectory_sweep(data_moved=False)
    assert len(queued) == 1


def _edit_then_fail(scenario) -> None:
    """An edit whose request then fails: the transaction, and its request, roll back."""
    from decimal import Decimal

    from finance import services

    try:
        with transaction.atomic():
            services.scenario_update(scenario=scenario, version=scenario.version,
                                     mitigation_delivery_pct=Decimal(50))
            raise RuntimeError("the rest of the request failed")
    except RuntimeError:
        pass
    else:
        pytest.fail("the edit did not fail")


@pytest.mark.django_db
def test_a_rolled_back_edit_queues_nothing(small_finance, queued,
                                           django_capture_on_commit_callbacks):


    recompute_trajectory()
    scenario = small_finance["scenario"].__class__.objects.get()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _edit_then_fail(scenario)

    assert callbacks == []
    assert queued == []
    assert _state().pending_since is None  # the request was rolled back with the edit


@pytest.mark.django_db
def test_the_command_recomputes_one_scenario_and_waits(small_finance, capsys):
    call_command("recompute_trajectory", "--scenario", "baseline", "--wait")

    assert "Baseline: run" in capsys.readouterr().out
    assert TrajectoryRun.objects.filter(is_current=True).count() == 1


@pytest.mark.django_db
def test_the_command_names_the_scenarios_when_one_is_unknown(small_finance):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="baseline"):
        call_command("recompute_trajectory", "--scenario", "nope", "--wait")


def test_the_nightly_schedule_names_the_task():
    from django.conf import settings

    nightly = settings.CELERY_BEAT_SCHEDULE["trajectory-recompute"]
    assert nightly["task"] == recompute_trajectory.name


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_edit_queues_nothing_and_ten_edits_are_recomputed_once_by_a_real_worker(
        small_finance, celery_worker_process, monkeypatch):
    from decimal import Decimal

    from finance import services
    from finance.models import Scenario

    monkeypatch.setattr(recompute, "DEBOUNCE_SECONDS", 1)
    requests_met()  # the fixture's own request: its task went with the purged queue
    scenario = Scenario.objects.get()
    _edit_then_fail(scenario)
    time.sleep(2.5)  # past the countdown: a task queued by the rolled-back edit would have run
    assert not TrajectoryRun.objects.exists()
    assert _state().pending_since is None

    for pct in range(91, 101):  # ten committed edits in a burst, the last at 100%
        scenario = services.scenario_update(scenario=scenario, version=scenario.version,
                                            mitigation_delivery_pct=Decimal(pct))

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        run = TrajectoryRun.objects.filter(is_current=True).first()
        if run is not None:
            break
        time.sleep(0.2)
    else:
        pytest.fail("the worker did not finish a run in 30 s")
    time.sleep(2)  # room for a second run, were one queued

    assert TrajectoryRun.objects.count() == 1
    # m = 100% (the last edit): A(y0) = 1,590,000 − 30,000 = 1,560,000.
    assert run.points.get(year=2024).mitigated_spend_pence == 1_560_000
    assert Decimal(run.inputs["scenario"]["mitigation_delivery"]) == 1
    assert _state() == recompute.RecomputeState(pending_since=None, stuck=False, running=False)


@pytest.mark.django_db(transaction=True)
def test_two_recomputes_at_once_make_one_run(small_finance, monkeypatch):
    from finance import trajectory as core
    from finance.services import trajectory_recompute

    compute = core.compute

    def slow_compute(inputs):
        time.sleep(0.5)  # long enough for the second thread to arrive while the first computes
        return compute(inputs)

    monkeypatch.setattr(core, "compute", slow_compute)

    results, errors = [], []
    start = threading.Barrier(2)

    def run() -> None:
        try:
            start.wait()
            results.append(len(trajectory_recompute()))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    # The advisory lock serialises them; the second finds the same fingerprint and stops.
    assert sorted(results) == [0, 1]
    assert TrajectoryRun.objects.count() == 1
    assert TrajectoryRun.objects.filter(is_current=True).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_minute_sweep_follows_a_change_made_outside_finance(queued, small_finance):
    from django.conf import settings

    from programme.models import SavingsTarget
    from send_tracker import tasks
    from send_tracker.health import shared_redis

    def worker_runs_what_was_queued() -> list[int]:
        runs = [run for _ in queued for run in recompute_trajectory()]
        queued.clear()
        return runs

    shared_redis().delete(tasks.SWEPT_VERSION_KEY)
    try:
        worker_runs_what_was_queued()  # the fixture's own request
        assert tasks.sweep() is True  # first look: the version is new to it
        assert len(queued) == 1
        assert worker_runs_what_was_queued() == []  # inputs unchanged: no new run
        before = TrajectoryRun.objects.get(is_current=True)
        # Claims and requests are bookkeeping: they do not move the data version.
        assert tasks.sweep() is False
        assert queued == []

        # A programme-level savings target (the programme app, which asks finance for nothing).
        SavingsTarget.objects.create(year=2024, amount_pence=50_000)

        assert tasks.sweep() is True
        assert len(queued) == 1
        runs = worker_runs_what_was_queued()
        after = TrajectoryRun.objects.get(is_current=True)
        assert runs == [after.pk]
        assert after.inputs["savings_targets"] == {"2024": 50_000}
        assert tasks.sweep() is True  # its own run moved the version: one more look...
        assert worker_runs_what_was_queued() == []  # ...finds nothing to change
        assert tasks.sweep() is False  # settled
        assert before.pk != after.pk
    finally:
        shared_redis().delete(tasks.SWEPT_VERSION_KEY)

    entry = settings.CELERY_BEAT_SCHEDULE["sweep"]
    assert (entry["task"], entry["schedule"]) == (tasks.sweep.name, 60.0)
