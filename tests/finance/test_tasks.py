"""The recompute task: called as a function, and end to end through a real worker on Redis."""

from __future__ import annotations

import time

import pytest
from django.core.management import call_command

from finance.models import TrajectoryRun
from finance.services import recompute
from finance.tasks import recompute_trajectory


@pytest.mark.django_db
def test_the_task_clears_the_pending_marker_and_recomputes(small_finance):
    recompute._redis().set(recompute.PENDING_KEY, "x")

    run_ids = recompute_trajectory()

    assert TrajectoryRun.objects.get(is_current=True).pk == run_ids[0]
    assert recompute.trajectory_recompute_pending() is False
    assert recompute_trajectory() == []  # same inputs: nothing to do


@pytest.mark.django_db
def test_the_status_says_running_from_the_moment_the_task_takes_over_from_pending(
        small_finance, finance_client, monkeypatch):
    # Before this, the task cleared 'pending' and only its run row said 'running': a page that
    # polled in between saw neither, concluded nothing had changed and stopped waiting.
    seen = []
    real = recompute.trajectory_recompute

    def observed(**kwargs):
        seen.append(finance_client.get("/finance/trajectory/status/").json())
        return real(**kwargs)

    monkeypatch.setattr(recompute, "trajectory_recompute", observed)
    recompute._redis().set(recompute.PENDING_KEY, "2026-11-28T00:00:00+00:00")

    recompute_trajectory()

    assert [(s["pending"], s["running"]) for s in seen] == [(False, True)]
    after = finance_client.get("/finance/trajectory/status/").json()
    assert (after["pending"], after["running"]) == (False, False)
    assert after["runs"]["baseline"]["run_id"] == TrajectoryRun.objects.get(is_current=True).pk


@pytest.mark.django_db
def test_a_failed_task_is_not_left_running_and_a_killed_ones_mark_expires(small_finance,
                                                                         monkeypatch):
    def broken(**kwargs):
        raise ValueError("formula failed")

    monkeypatch.setattr(recompute, "trajectory_recompute", broken)
    with pytest.raises(ValueError):
        recompute_trajectory()
    assert recompute.trajectory_task_in_progress() is False

    # A worker killed mid-task never says it finished: its mark lapses after the hard limit.
    from django.conf import settings

    client = recompute._redis()
    client.zadd(recompute.RUNNING_KEY, {"killed": time.time() - settings.CELERY_TASK_TIME_LIMIT
                                        - 1})
    client.zadd(recompute.RUNNING_KEY, {"alive": time.time()})
    try:
        assert recompute.trajectory_task_in_progress() is True
        client.zrem(recompute.RUNNING_KEY, "alive")
        assert recompute.trajectory_task_in_progress() is False
    finally:
        client.delete(recompute.RUNNING_KEY)


@pytest.mark.django_db
def test_a_run_left_running_by_a_killed_worker_neither_holds_the_page_nor_outlives_the_next(
        small_finance, finance_client):
    import psycopg2
    from django.db import connection
    from django.utils import timezone

    from finance.models import Scenario

    scenario = Scenario.objects.get()
    dead = TrajectoryRun.objects.create(scenario=scenario, fingerprint="x", inputs={},
                                        started_at=timezone.now())
    assert dead.status == TrajectoryRun.Status.RUNNING

    # Nobody holds the scenario's lock: the row is a corpse, the page does not wait on it.
    assert finance_client.get("/finance/trajectory/status/").json()["running"] is False

    # A live computation (another session holding the lock) is reported as running.
    other = psycopg2.connect(**connection.get_connection_params())
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)",
                           [recompute._LOCK_NAMESPACE, scenario.pk])
        assert finance_client.get("/finance/trajectory/status/").json()["running"] is True
    finally:
        other.close()  # its session ends, and the lock with it, as a killed worker's would
    assert finance_client.get("/finance/trajectory/status/").json()["running"] is False

    # The next recompute of the scenario records the corpse as interrupted.
    recompute_trajectory()
    dead.refresh_from_db()
    assert dead.status == TrajectoryRun.Status.FAILED
    assert dead.error == "Interrupted (worker stopped)."
    assert not TrajectoryRun.objects.filter(status=TrajectoryRun.Status.RUNNING).exists()


@pytest.mark.django_db
def test_a_task_retried_after_losing_the_database_keeps_open_pages_waiting(small_finance,
                                                                          finance_client,
                                                                          monkeypatch):
    from django.db import OperationalError

    def database_gone(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(recompute, "trajectory_recompute", database_gone)
    recompute.trajectory_pending_clear()
    with pytest.raises(OperationalError):
        recompute_trajectory()  # in a worker, autoretry queues it again with a backoff

    status = finance_client.get("/finance/trajectory/status/").json()
    assert (status["pending"], status["running"]) == (True, False)


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
def test_ten_edits_are_recomputed_once_by_a_real_worker(small_finance, celery_worker_process,
                                                        monkeypatch):
    from decimal import Decimal

    from finance import services
    from finance.models import Scenario

    monkeypatch.setattr(recompute, "DEBOUNCE_SECONDS", 1)
    recompute.trajectory_pending_clear()
    scenario = Scenario.objects.get()
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
    assert recompute.trajectory_recompute_pending() is False


@pytest.mark.django_db(transaction=True)
def test_two_recomputes_at_once_make_one_run(small_finance, monkeypatch):
    import threading

    from django.db import connection

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
def test_the_trajectory_follows_a_change_made_outside_finance_within_a_minute(small_finance):
    from django.conf import settings

    from finance.tasks import follow_data
    from programme.models import SavingsTarget

    client = recompute._redis()
    client.delete(recompute.FOLLOW_KEY)
    try:
        first = follow_data()
        assert first
        assert TrajectoryRun.objects.get(is_current=True).pk == first[0]
        # Its own run moved the data version: one more look finds nothing to change...
        assert follow_data() == []
        # ...and from then on a look costs one query and computes nothing.
        assert follow_data() is None
        before = TrajectoryRun.objects.get(is_current=True)

        # A programme-level savings target (the programme app, which asks finance for nothing).
        SavingsTarget.objects.create(year=2024, amount_pence=50_000)

        runs = follow_data()
        assert runs
        assert runs != first
        after = TrajectoryRun.objects.get(is_current=True)
        assert after.pk != before.pk
        assert after.inputs["savings_targets"] == {"2024": 50_000}
        assert follow_data() == []  # settled again
        assert follow_data() is None
    finally:
        client.delete(recompute.FOLLOW_KEY)

    entry = settings.CELERY_BEAT_SCHEDULE["trajectory-follow-data"]
    assert (entry["task"], entry["schedule"]) == (follow_data.name, 60.0)
