"""The scale data set of DESIGN "Speed and scale", for benchmarks: where it lives and how it loads.

It goes into its own database (`send_scale` on the server of DATABASE_URL unless told
otherwise), never the working one: the command creates the database, migrates it, then loads
the demo data set (users, agreement, three scenarios, KPIs, RAID, board summaries) and tops it
up to county scale with each app's `scale.seed_scale()` (bulk loads, fixed seeds).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

import psycopg2
from django.db import connection, transaction
from psycopg2 import sql

DEFAULT_NAME = "send_scale"


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


def scale_load(*, log: Callable[[str], None]) -> dict[str, float]:
    """Load demo + scale data into the current database; returns seconds by step."""
    from finance import demo as finance_demo
    from finance import scale as finance_scale
    from finance.board import demo as board_demo
    from finance.services.recompute import trajectory_recompute
    from placements import demo as placements_demo
    from placements import scale as placements_scale
    from programme import demo as programme_demo
    from programme import scale as programme_scale
    from send_tracker import demo

    timings: dict[str, float] = {}

    def step(name: str, function: Callable[[], object]) -> None:
        started = time.perf_counter()
        function()
        timings[name] = time.perf_counter() - started
        log(f"{name}: {timings[name]:.1f} s")

    with transaction.atomic():
        demo.seed_core_users()
        step("demo: placements", lambda: placements_demo.seed(log=log))
        step("demo: programme", lambda: programme_demo.seed(log=log))
        step("demo: finance", lambda: finance_demo.seed(log=log))
        step("scale: placements", lambda: placements_scale.seed_scale(log=log))
        step("scale: programme", lambda: programme_scale.seed_scale(log=log))
        step("scale: finance ledger", lambda: finance_scale.seed_scale(log=log))
        step("demo: board summaries", lambda: board_demo.seed(log=log))

    def analyze() -> None:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    step("analyze", analyze)
    step("trajectory recompute", lambda: trajectory_recompute(force=True))
    return timings
