"""PostgreSQL advisory locks: one holder at a time across web processes and workers.

The one helper for mutual exclusion (imports, the board's month, a scenario's trajectory). A
session-level advisory lock is released on exit, or when its connection closes, so a worker
killed mid-task (SIGKILL) never leaves a lock behind for the redelivered task.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


def _key(name: str) -> int:
    # A stable signed 32-bit key from the lock's name (crc32 is stable across processes).
    return zlib.crc32(name.encode()) - 2**31


@contextmanager
def advisory_lock(name: str, *, wait: bool = False) -> Iterator[bool]:
    """Take the named lock: yields True once held. Without `wait`, yields False at once if
    another session holds it (the caller then does not do the work)."""
    key = _key(name)
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_lock(%s), true", [key])
        else:
            cursor.execute("SELECT NULL, pg_try_advisory_lock(%s)", [key])
        acquired = bool(cursor.fetchone()[1])
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
