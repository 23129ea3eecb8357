"""Liveness of the database, Redis and the Celery workers, for /healthz and page banners."""

from __future__ import annotations

import time

import redis
from django.conf import settings
from django.db import connection

HEARTBEAT_KEY = "send:worker-heartbeat"
HEARTBEAT_MAX_AGE_S = 180


# url → its client: a connection pool, not data (see shared_redis).
_clients: dict[str, redis.Redis] = {}


def _client(url: str) -> redis.Redis:
    if url not in _clients:
        _clients[url] = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
    return _clients[url]


def shared_redis() -> redis.Redis:
    """One client (and connection pool) per process for REDIS_URL: pages that check the broker
    on every request reuse a connection instead of opening one each time."""
    return _client(settings.REDIS_URL)


def _redis() -> redis.Redis:
    return shared_redis()


def record_heartbeat() -> None:
    """Called by a worker: store the time it last ran a task."""
    _redis().set(HEARTBEAT_KEY, str(time.time()), ex=HEARTBEAT_MAX_AGE_S * 4)


def check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True, "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        return False, type(exc).__name__


def check_redis() -> tuple[bool, str]:
    try:
        _redis().ping()
        return True, "ok"
    except Exception as exc:  # noqa: BLE001
        return False, type(exc).__name__


def check_workers() -> tuple[bool, str]:
    """A worker is live if one answers a ping within a second or wrote a recent heartbeat."""
    try:
        value = _redis().get(HEARTBEAT_KEY)
        if value and time.time() - float(value) < HEARTBEAT_MAX_AGE_S:
            return True, "ok"
    except Exception as exc:  # noqa: BLE001
        return False, type(exc).__name__
    try:
        from send_tracker.celery import app

        replies = app.control.ping(timeout=1.0)
        if replies:
            record_heartbeat()
            return True, f"{len(replies)} worker(s)"
        return False, "no worker answered"
    except Exception as exc:  # noqa: BLE001
        return False, type(exc).__name__


def broker_available() -> bool:
    """Cheap check used by pages to say their results may be stale."""
    return check_redis()[0]
