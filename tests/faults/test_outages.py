"""Redis stopped and database connections dropped under a running tracker: pages keep working
(last results, marked stale), /healthz says so, nothing is a 500, and nothing is lost."""

from __future__ import annotations

import pytest

from tests.live.stack import AppProcess, LiveClient, RedisServer, run_manage, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.worker]

# Every main page, as the role that uses it.
PAGES = {
    "finance": ["/", "/programme/", "/programme/raid/", "/programme/kpis/", "/finance/",
                "/finance/pressures/", "/finance/income/", "/finance/agreement/",
                "/finance/trajectory/", "/finance/trajectory/status/",
                "/finance/scenarios/baseline/", "/placements/", "/placements/decisions/",
                "/placements/overpayments/", "/imports/", "/imports/ledger/", "/board/",
                "/board/2024-25/6/", "/board/compare/?a=2024-25-4&b=2024-25-5",
                "/api/v1/programme/summary/?year=2024-25&period=6", "/api/v1/trajectory/"],
    "lead-sufficiency": ["/programme/update/", "/programme/strands/sufficiency/"],
    "director": ["/", "/board/", "/programme/compliance/"],
}


def baseline_run(db) -> int | None:
    rows = db.query("SELECT r.id FROM finance_trajectoryrun r JOIN finance_scenario s "
                    "ON s.id = r.scenario_id WHERE s.is_baseline AND r.is_current")
    return rows[0][0] if rows else None


def change_baseline(client: LiveClient, pct: str) -> int:
    fields = client.form("/finance/scenarios/baseline/")
    fields["mitigation_delivery_pct"] = pct
    status, _ = client.post("/finance/scenarios/baseline/", fields)
    return status


def test_with_redis_stopped_every_page_renders_and_queued_work_runs_when_it_returns(
        live_stack, tmp_path):
    db = live_stack.db
    # The session's worker shares the data: nothing of its in hand, and no request left
    # outstanding by another test's private Redis (the write below must queue its own task).
    live_stack.recompute_settle()
    redis = RedisServer(persist_dir=tmp_path).start()
    web = AppProcess("server", db, redis.url, name="fault-redis-web").start()
    worker = None
    try:
        clients = {who: LiveClient(web.base_url).sign_in(who) for who in PAGES}
        before = baseline_run(db)
        # Queued while Redis is up but no worker is running (the worker is down too).
        assert change_baseline(clients["finance"], "41") == 200  # followed the redirect

        redis.stop()  # SIGKILL
        failures = []
        for who, paths in PAGES.items():
            for path in paths:
                status, body = clients[who].get(path)
                if status != 200:
                    failures.append((who, path, status))
        assert not failures
        status, body = clients["finance"].get("/finance/trajectory/")
        assert "may be stale" in body
        status, body = LiveClient(web.base_url).get("/healthz")
        assert status == 503
        assert '"redis": {"ok": false' in body
        # A write while Redis is down is saved; its recompute is caught up later.
        assert change_baseline(clients["finance"], "42") == 200
        assert db.scalar("SELECT mitigation_delivery_pct FROM finance_scenario "
                         "WHERE is_baseline") == 42

        # Redis returns with the queue it had; a worker starts and the queued recompute runs,
        # with the inputs as they are now.
        redis.start()
        worker = AppProcess("worker", db, redis.url, name="fault-redis-worker").start()
        new_run = wait_for(lambda: (baseline_run(db) or 0) > (before or 0) and baseline_run(db),
                           timeout=60, message="the queued recompute never ran")
        inputs = db.scalar("SELECT inputs::text FROM finance_trajectoryrun WHERE id = %s",
                           [new_run])
        assert "42" in inputs
        status, body = clients["finance"].get("/finance/trajectory/")
        assert status == 200
        assert "may be stale" not in body
        wait_for(lambda: LiveClient(web.base_url).get("/healthz")[0] == 200, timeout=30,
                 message="/healthz did not recover")
    finally:
        for proc in (worker, web):
            if proc is not None:
                proc.stop()
        redis.stop()


def test_dropped_database_connections_are_replaced_on_the_next_request(live_stack):
    db = live_stack.db
    # gunicorn with one sync worker keeps its connection between requests (CONN_MAX_AGE). Its
    # own Redis: it runs on the real clock, and its queued recomputes (due "now", years after
    # the live stack's travelled clock) must not wait in the live worker's queue.
    redis = RedisServer().start()
    web = AppProcess("gunicorn", db, redis.url, name="fault-db-web").start()
    try:
        client = LiveClient(web.base_url).sign_in("finance")
        assert change_baseline(client, "43") == 200
        assert db.scalar("SELECT count(*) FROM pg_stat_activity "
                         "WHERE application_name = 'fault-db-web'") >= 1

        def drop() -> int:
            return len(db.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                "WHERE application_name = 'fault-db-web'"))

        assert drop() >= 1
        # The first request after the drop is a write: it is saved, not a 500.
        assert change_baseline(client, "44") == 200
        assert db.scalar("SELECT mitigation_delivery_pct FROM finance_scenario "
                         "WHERE is_baseline") == 44
        assert drop() >= 1
        status, body = client.get("/finance/")
        assert status == 200  # still signed in: the session survived in the database
        assert "Budget monitoring" in body
        # Nothing lost: the scenario's history has both edits.
        changes = db.scalar("SELECT count(*) FROM finance_historicalscenario h JOIN "
                            "finance_scenario s ON s.id = h.id WHERE s.is_baseline AND "
                            "h.mitigation_delivery_pct IN (43, 44)")
        assert changes == 2
    finally:
        web.stop()
        redis.stop()
        # Its requests' tasks went with its private queue: met here, so the live stack's next
        # edits are not taken for ones already being seen to.
        run_manage(db, live_stack.redis.url, "recompute_trajectory", "--wait")
