"""Seeding the demo and the scale data sets: the composition of every app's seeder, so it lives
at the top of the dependency chain (finance may import programme and placements; send_tracker
knows no app). `manage.py seed_demo` and `seed_scale` call it.

`SEEDERS` is the one ordered list: placements <- programme <- finance, then the board, which
summarises the others. The scale data set goes into its own database (`send_scale` on the server
of DATABASE_URL unless told otherwise), never the working one: the command creates it, migrates
it, loads the demo data set and tops it up to county scale with each app's `seed_scale()` (bulk
loads, fixed seeds).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from urllib.parse import urlsplit, urlunsplit

import psycopg2
from django.db import connection, transaction
from psycopg2 import sql

DEFAULT_NAME = "send_scale"
Log = Callable[[str], None]


@dataclass(frozen=True)
class Seeder:
    """One app's part of the data sets: its `demo` module (`seed(*, log)`, idempotent, and an
    optional `after_commit(*, log)` for queued work) and, if it has one, its county-scale
    top-up `scale(*, log)`. A seeder without a scale top-up summarises the others (the board),
    so in the scale data set it runs after every top-up."""

    name: str
    demo: ModuleType
    scale: Callable[..., object] | None = None


def seeders() -> tuple[Seeder, ...]:
    """The apps' seeders in dependency order (imported here: the demo modules import models)."""
    from finance import demo as finance_demo
    from finance import scale as finance_scale
    from finance.board import demo as board_demo
    from placements import demo as placements_demo
    from placements import scale as placements_scale
    from programme import demo as programme_demo
    from programme import scale as programme_scale

    return (
        Seeder("placements", placements_demo, placements_scale.seed_scale),
        Seeder("programme", programme_demo, programme_scale.seed_scale),
        Seeder("finance", finance_demo, finance_scale.seed_scale),
        Seeder("board", board_demo),
    )


def demo_load(*, log: Log, announce: Log) -> None:
    """Demo users and the reporting calendar, then each app's demo data in order, atomically."""
    from send_tracker import demo

    with transaction.atomic():
        demo.seed_core_users()
        demo.seed_calendar(log=log)  # P6 2024/25 the reporting month, P7 open
        for seeder in seeders():
            announce(f"Seeding {seeder.name}…")
            seeder.demo.seed(log=log)
            # Fresh statistics for the tables just filled, before the next app reads them:
            # without them the planner takes the new tables for empty, and the census-day
            # counts the later seeders make (a subquery per child per day) run for minutes.
            # ANALYZE counts the rows this transaction inserted.
            _analyze()


def _analyze() -> None:
    """Refresh the planner's statistics of every table (autovacuum would, a minute later)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def demo_after_commit(*, log: Log) -> None:
    """After the commit: whatever the apps queue (trajectory, board builds) runs in Celery."""
    for seeder in seeders():
        after = getattr(seeder.demo, "after_commit", None)
        if after is not None:
            after(log=log)


def scale_database_url(base_url: str, name: str = DEFAULT_NAME) -> str:
    """The URL of database `name` on the same server (and credentials) as `base_url`."""
    parts = urlsplit(base_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def database_create(url: str) -> bool:
    """Create the database of `url` if it does not exist; True if it was created."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
    conn = psycopg2.connect(server.replace("postgres://", "postgresql://", 1))
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone():
                return False
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return True
    finally:
        conn.close()


def scale_present() -> bool:
    """True when the scale data set is loaded in the current database."""
    from programme.models import Strand

    return Strand.objects.filter(slug__startswith="scale-").exists()


def scale_load(*, log: Log) -> dict[str, float]:
    """Load demo + scale data into the current database; returns seconds by step."""
    from finance.services.recompute import trajectory_recompute
    from send_tracker import demo

    timings: dict[str, float] = {}

    def step(name: str, function: Callable[[], object]) -> None:
        started = time.perf_counter()
        function()
        timings[name] = time.perf_counter() - started
        log(f"{name}: {timings[name]:.1f} s")

    data = [seeder for seeder in seeders() if seeder.scale is not None]
    summaries = [seeder for seeder in seeders() if seeder.scale is None]
    with transaction.atomic():
        demo.seed_core_users()
        for seeder in data:
            step(f"demo: {seeder.name}", lambda seeder=seeder: seeder.demo.seed(log=log))
        for seeder in data:
            step(f"scale: {seeder.name}", lambda seeder=seeder: seeder.scale(log=log))
        for seeder in summaries:
            step(f"demo: {seeder.name}", lambda seeder=seeder: seeder.demo.seed(log=log))

    step("analyze", _analyze)
    step("trajectory recompute", lambda: trajectory_recompute(force=True))
    return timings
