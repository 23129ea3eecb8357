"""The one advisory-lock helper: one holder at a time across sessions, released on exit or with
the holder's connection."""

from __future__ import annotations

import threading
import time

import psycopg2
import pytest
from django.db import connection

from send_tracker.locks import _key, advisory_lock


def _other_session_holding(name: str):
    other = psycopg2.connect(**connection.get_connection_params())
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [_key(name)])
    return other


@pytest.mark.django_db(transaction=True)
def test_a_lock_held_elsewhere_is_refused_at_once_or_waited_for():
    other = _other_session_holding("test:lock")
    try:
        with advisory_lock("test:lock") as acquired:
            assert acquired is False
        with advisory_lock("test:other") as acquired:  # another name: free
            assert acquired is True

        waited = []

        def wait_for_it() -> None:
            try:
                started = time.monotonic()
                with advisory_lock("test:lock", wait=True) as acquired:
                    waited.append((acquired, time.monotonic() - started))
            finally:
                connection.close()

        thread = threading.Thread(target=wait_for_it)
        thread.start()
        time.sleep(0.5)
        assert waited == []  # still waiting while the other session holds it
    finally:
        other.close()  # its session ends, and the lock with it, as a killed worker's would
    thread.join(timeout=10)
    (acquired, seconds), = waited
    assert acquired is True
    assert seconds >= 0.4

    # Released on exit: taken again at once.
    with advisory_lock("test:lock") as acquired:
        assert acquired is True
    with advisory_lock("test:lock") as acquired:
        assert acquired is True
