"""PostgreSQL advisory locks: one holder at a time across web processes and workers.

A session-level advisory lock is released when its connection closes, so a worker killed
mid-task (SIGKILL) never leaves a lock behind for the redelivered task.
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
def advisory_lock(name: str) -> Iterator[bool]:
    """Try to take the named lock; yields True if this process holds it, False if another does."""
    key = _key(name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        acquired = bool(cursor.fetchone()[0])
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
