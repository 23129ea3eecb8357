"""Workers killed with SIGKILL mid-task: the task is redelivered to a new worker (acks_late, a
short visibility timeout for the test) and completes; nothing half-written is ever shown.

Each test has its own Redis server, so its queue and unacknowledged messages are its own.
"""

from __future__ import annotations

import pytest

from tests.live.stack import AppProcess, RedisServer, run_manage, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.worker]

POINT_COLUMNS = (
    "year, placement_spend_pence, unmitigated_spend_pence, savings_pence, mitigations_pence, "
    "mitigated_spend_pence, income_pence, in_year_deficit_pence, cumulative_deficit_pence, "
    "cumulative_deficit_at_risk_pence, cap_pence, cumulative_target_pence, variance_pence, "
    "instalment_pence, instalment_at_risk")
VISIBILITY_S = "4"


@pytest.fixture
def private_redis():
    server = RedisServer().start()
    yield server
    server.stop()


def points(db, run_id: int) -> list[tuple]:
    return db.query(f"SELECT {POINT_COLUMNS} FROM finance_trajectorypoint "  # noqa: S608
                    "WHERE run_id = %s ORDER BY year", [run_id])


def in_transaction_with_writes(db, app_name: str) -> bool:
    """The named process holds an open transaction that has written something."""
    return bool(db.query("SELECT 1 FROM pg_stat_activity WHERE application_name = %s AND "
                         "backend_xid IS NOT NULL", [app_name]))


def test_a_trajectory_recompute_killed_mid_run_is_redelivered_and_completes(live_stack,
                                                                            private_redis):
    db = live_stack.db
    live_stack.recompute_settle()
    scenario_id, old_pct = db.query(
        "SELECT id, mitigation_delivery_pct FROM finance_scenario WHERE is_baseline")[0]
    old_run = db.scalar("SELECT id FROM finance_trajectoryrun WHERE scenario_id = %s "
                        "AND is_current", [scenario_id])
    old_points = points(db, old_run)
    # New inputs, so the recompute has real work to do.
    db.query("UPDATE finance_scenario SET mitigation_delivery_pct = %s WHERE id = %s",
             [37 if old_pct != 37 else 38, scenario_id])

    # A worker whose computation takes 10 s: the kill lands in the middle of it.
    slow = AppProcess("worker", db, private_redis.url, name="fault-slow-worker",
                      SEND_TEST_SLOW="finance.trajectory.compute=10",
                      CELERY_VISIBILITY_TIMEOUT=VISIBILITY_S).start()
    try:
        run_manage(db, private_redis.url, "shell", "-c",
                   "from finance.tasks import recompute_trajectory; "
                   f"recompute_trajectory.delay(scenario_id={scenario_id}, force=True)")
        killed_run = wait_for(lambda: db.query(
            "SELECT id FROM finance_trajectoryrun WHERE scenario_id = %s AND id > %s "
            "AND status = 'running'", [scenario_id, old_run]), timeout=30,
            message="the slow worker never started the run")[0][0]
        slow.kill()
    finally:
        slow.kill()

    # Killed mid-run: the previous result is still the one shown, whole; the killed run
    # wrote no points and is not current.
    assert db.scalar("SELECT id FROM finance_trajectoryrun WHERE scenario_id = %s "
                     "AND is_current", [scenario_id]) == old_run
    assert points(db, old_run) == old_points
    assert points(db, killed_run) == []

    # A new worker: after the visibility timeout the unacknowledged task is delivered again.
    fresh = AppProcess("worker", db, private_redis.url, name="fault-fresh-worker",
                       CELERY_VISIBILITY_TIMEOUT=VISIBILITY_S).start()
    try:
        new_run = wait_for(lambda: db.query(
            "SELECT id FROM finance_trajectoryrun WHERE scenario_id = %s AND is_current "
            "AND id > %s AND status = 'finished'", [scenario_id, killed_run]), timeout=60,
            message="the task was not redelivered to the new worker")[0][0]
    finally:
        fresh.stop()
    redelivered = points(db, new_run)
    # The redelivered task, holding the scenario's lock, recorded the killed run as interrupted
    # (left 'running', it would have kept every open page waiting).
    assert db.query("SELECT status, error FROM finance_trajectoryrun WHERE id = %s",
                    [killed_run]) == [("failed", "Interrupted (worker stopped).")]
    assert len(redelivered) == len(old_points)
    assert redelivered != old_points  # the new inputs were used

    # A clean run of the same inputs gives exactly the same figures.
    run_manage(db, private_redis.url, "recompute_trajectory", "--scenario", "baseline",
               "--force", "--wait")
    clean_run = db.scalar("SELECT id FROM finance_trajectoryrun WHERE scenario_id = %s "
                          "AND is_current", [scenario_id])
    assert clean_run > new_run
    assert points(db, clean_run) == redelivered
    # The one current run per scenario is always a finished one.
    assert db.scalar("SELECT count(*) FROM finance_trajectoryrun WHERE is_current "
                     "AND status <> 'finished'") == 0


LEDGER_HEADER = "year,period,line_code,budget,actual_to_date,forecast_outturn,notes"


def test_an_import_killed_mid_write_leaves_nothing_half_imported_and_runs_again(live_stack,
                                                                               private_redis,
                                                                               tmp_path):
    db = live_stack.db
    rows = db.query(
        "SELECT l.code, f.budget_pence, f.actual_to_date_pence, f.forecast_outturn_pence "
        "FROM finance_monthlyforecast f JOIN finance_budgetline l ON l.id = f.line_id "
        "WHERE f.year = 2024 AND f.period = 5 ORDER BY l.code")
    before = {code: forecast for code, _, _, forecast in rows}
    lines = [LEDGER_HEADER]
    for code, budget, actual, forecast in rows:  # every line's P5 forecast up £1,000
        lines.append(f"2024/25,5,{code},{budget / 100:.2f},{actual / 100:.2f},"
                     f"{(forecast + 100_000) / 100:.2f},{'y' * 30_000}")
    path = tmp_path / "ledger-p5.csv"
    path.write_text("\n".join(lines) + "\n")

    # The ledger writes forecasts, then budgets: sleeping before each write means the kill
    # lands while the forecasts are written inside the still-open transaction.
    slow = AppProcess("worker", db, private_redis.url, name="fault-import-worker",
                      SEND_TEST_SLOW="finance.imports.upsert=6",
                      CELERY_VISIBILITY_TIMEOUT=VISIBILITY_S).start()
    try:
        out = run_manage(db, private_redis.url, "shell", "-c",
                         "from pathlib import Path; from django.db import transaction; "
                         "from send_tracker.imports.service import import_start; "
                         f"data = Path({str(path)!r}).read_bytes(); "
                         "r = import_start(kind='ledger', data=data, file_name='ledger-p5.csv', "
                         "user=None); print(r.pk, r.status)")
        record_id = int(out.strip().splitlines()[-1].split()[0])  # after the shell banner
        wait_for(lambda: in_transaction_with_writes(db, "fault-import-worker"), timeout=30,
                 message="the import never started writing")
        slow.kill()
    finally:
        slow.kill()

    # Nothing half-imported: the forecasts are as they were.
    after_kill = dict(db.query(
        "SELECT l.code, f.forecast_outturn_pence FROM finance_monthlyforecast f "
        "JOIN finance_budgetline l ON l.id = f.line_id WHERE f.year = 2024 AND f.period = 5"))
    assert after_kill == before
    assert db.scalar("SELECT status FROM send_tracker_importrecord WHERE id = %s",
                     [record_id]) in ("queued", "running")

    # Redelivered to a new worker, the import runs again from its stored file, once.
    fresh = AppProcess("worker", db, private_redis.url, name="fault-import-fresh",
                       CELERY_VISIBILITY_TIMEOUT=VISIBILITY_S).start()
    try:
        wait_for(lambda: db.scalar("SELECT status FROM send_tracker_importrecord WHERE id = %s",
                                   [record_id]) == "succeeded", timeout=60,
                 message="the interrupted import was not run again")
    finally:
        fresh.stop()
    final = dict(db.query(
        "SELECT l.code, f.forecast_outturn_pence FROM finance_monthlyforecast f "
        "JOIN finance_budgetline l ON l.id = f.line_id WHERE f.year = 2024 AND f.period = 5"))
    assert final == {code: value + 100_000 for code, value in before.items()}


def test_an_import_whose_worker_is_killed_twice_ends_failed_and_writes_nothing(live_stack,
                                                                              private_redis,
                                                                              tmp_path):
    db = live_stack.db
    rows = db.query(
        "SELECT l.code, f.budget_pence, f.actual_to_date_pence, f.forecast_outturn_pence "
        "FROM finance_monthlyforecast f JOIN finance_budgetline l ON l.id = f.line_id "
        "WHERE f.year = 2024 AND f.period = 4 ORDER BY l.code")
    before = {code: forecast for code, _, _, forecast in rows}
    lines = [LEDGER_HEADER]
    for code, budget, actual, forecast in rows:  # every line's P4 forecast up £2,000
        lines.append(f"2024/25,4,{code},{budget / 100:.2f},{actual / 100:.2f},"
                     f"{(forecast + 200_000) / 100:.2f},")
    path = tmp_path / "ledger-p4.csv"
    path.write_text("\n".join(lines) + "\n")

    def p4_forecasts() -> dict[str, int]:
        return dict(db.query(
            "SELECT l.code, f.forecast_outturn_pence FROM finance_monthlyforecast f "
            "JOIN finance_budgetline l ON l.id = f.line_id WHERE f.year = 2024 AND f.period = 4"))

    def record() -> tuple:
        return db.query("SELECT status, attempts, problems::text FROM "
                        "send_tracker_importrecord WHERE id = %s", [record_id])[0]

    # Two slow workers in turn, each killed while the import writes inside its transaction.
    record_id = None
    for attempt in (1, 2):
        name = f"fault-import-kill-{attempt}"
        slow = AppProcess("worker", db, private_redis.url, name=name,
                          SEND_TEST_SLOW="finance.imports.upsert=6",
                          CELERY_VISIBILITY_TIMEOUT=VISIBILITY_S).start()
        try:
            if record_id is None:
                out = run_manage(db, private_redis.url, "shell", "-c",
                                 "from pathlib import Path; "
                                 "from send_tracker.imports.service import import_start; "
                                 f"data = Path({str(path)!r}).read_bytes(); "
                                 "r = import_start(kind='ledger', data=data, "
                                 "file_name='ledger-p4.csv', user=None); print(r.pk, r.status)")
                record_id = int(out.strip().splitlines()[-1].split()[0])
            wait_for(lambda name=name: in_transaction_with_writes(db, name), timeout=60,
                     message=f"delivery {attempt} never started writing")
            assert record()[:2] == ("running", attempt)
            slow.kill()
        finally:
            slow.kill()
        assert p4_forecasts() == before  # nothing half-imported

    # Delivered a third time, the import is written off instead of being run again.
    fresh = AppProcess("worker", db, private_redis.url, name="fault-import-kill-3",
                       CELERY_VISIBILITY_TIMEOUT=VISIBILITY_S).start()
    try:
        wait_for(lambda: record()[0] == "failed", timeout=60,
                 message="the import killed twice was left running")
    finally:
        fresh.stop()
    status, attempts, problems = record()
    assert (status, attempts) == ("failed", 2)
    assert "the worker running it stopped twice" in problems
    assert p4_forecasts() == before
    assert db.scalar("SELECT finished_at IS NOT NULL FROM send_tracker_importrecord "
                     "WHERE id = %s", [record_id])
