"""The queue round trip through a real worker, and /healthz."""

from __future__ import annotations

import pytest
import redis
from django.conf import settings

from send_tracker import health
from send_tracker.tasks import echo

CLOSED_PORT_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def _forget_heartbeat() -> None:
    redis.Redis.from_url(settings.REDIS_URL).delete(health.HEARTBEAT_KEY)


@pytest.mark.worker
def test_a_task_sent_through_a_real_worker_on_redis_comes_back(celery_worker_process):
    result = echo.delay("round trip £15.4m")
    reply = result.get(timeout=30)
    assert reply["value"] == "round trip £15.4m"
    assert isinstance(reply["at"], float)


@pytest.mark.worker
def test_healthz_is_ok_when_the_database_redis_and_a_worker_answer(client, celery_worker_process):
    _forget_heartbeat()  # the worker must answer now, not a heartbeat from an earlier run
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True, "redis": True, "worker": True,
    }


@pytest.mark.django_db
def test_healthz_is_503_when_redis_is_unreachable(client, settings):
    settings.REDIS_URL = CLOSED_PORT_URL
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["redis"]["ok"] is False
    assert body["checks"]["redis"]["detail"] == "ConnectionError"
    assert body["checks"]["worker"]["ok"] is False


@pytest.mark.django_db
def test_healthz_is_503_when_no_worker_answers(client):
    _forget_heartbeat()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == {"ok": False, "detail": "no worker answered"}


@pytest.mark.django_db
def test_a_recent_heartbeat_counts_as_a_live_worker(client):
    health.record_heartbeat()
    try:
        assert client.get("/healthz").json()["checks"]["worker"] == {"ok": True, "detail": "ok"}
    finally:
        _forget_heartbeat()


def test_healthz_needs_no_sign_in_and_is_never_cached(client, db):
    response = client.get("/healthz")
    assert response.status_code in (200, 503)
    assert "no-cache" in response["Cache-Control"]
