"""Fixtures every test module shares: users by role, signed-in clients, a real Celery worker."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from send_tracker.permissions import ADMIN, DIRECTOR, FINANCE, LEAD

# The seeded live stack and Chromium (tests/live): defined once here, so the session-scoped
# stack is started once for the journeys, fault and security tests together.
from tests.live.fixtures import browser, live_stack, page_as  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def make_user(db) -> Callable:
    """make_user(role=None, username=None): a user holding the role (or none)."""
    counter = {"n": 0}

    def _make(role: str | None = None, username: str | None = None, **fields):
        counter["n"] += 1
        name = username or f"user{counter['n']}-{(role or 'none').split()[0].lower()}"
        user = get_user_model().objects.create_user(
            username=name, password="a-long-test-password", email=f"{name}@example.org", **fields
        )
        if role:
            user.groups.add(Group.objects.get_or_create(name=role)[0])
        return user

    return _make


@pytest.fixture
def lead_user(make_user):
    return make_user(LEAD, username="lead")


@pytest.fixture
def finance_user(make_user):
    return make_user(FINANCE, username="finance-officer")


@pytest.fixture
def director_user(make_user):
    return make_user(DIRECTOR, username="director-user")


@pytest.fixture
def admin_user(make_user):
    return make_user(ADMIN, username="administrator")


@pytest.fixture
def client_for(db) -> Callable[..., Client]:
    """client_for(user): a test client signed in as that user (None: anonymous)."""

    def _client(user=None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return _client


@pytest.fixture
def lead_client(client_for, lead_user) -> Client:
    return client_for(lead_user)


@pytest.fixture
def finance_client(client_for, finance_user) -> Client:
    return client_for(finance_user)


@pytest.fixture
def director_client(client_for, director_user) -> Client:
    return client_for(director_user)


@pytest.fixture
def admin_client_role(client_for, admin_user) -> Client:
    return client_for(admin_user)


@pytest.fixture
def run_imports(monkeypatch, django_capture_on_commit_callbacks, settings, tmp_path):
    """`with run_imports():` queued imports run when their transaction commits, in this process
    (as the worker would run them: send_tracker.imports.service.import_record_run)."""
    from contextlib import contextmanager

    from send_tracker import tasks
    from send_tracker.imports.service import import_record_run

    settings.MEDIA_ROOT = str(tmp_path / "media")
    monkeypatch.setattr(tasks.run_import_task, "delay",
                        lambda record_id: import_record_run(record_id=record_id))

    @contextmanager
    def runner():
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return runner


@pytest.fixture
def reporting_calendar(db) -> Callable[..., None]:
    """reporting_calendar(2024, 6): store a calendar with P1 to P6 2024/25 closed (P6 the
    reporting month) and P7 open, whatever the wall clock says."""
    from send_tracker.fiscal import FinancialYear
    from send_tracker.models import ReportingPeriod
    from send_tracker.reporting import default_dates, next_period

    def store(start_year: int, period: int) -> None:
        year = FinancialYear(start_year)
        ReportingPeriod.objects.all().delete()
        open_year, open_p = next_period(year, period)
        for p in range(1, period + 1):
            dates = default_dates(year, p)
            ReportingPeriod.objects.create(
                year=start_year, period=p, state="closed", lead_deadline=dates.lead_deadline,
                finance_close=dates.finance_close, board_date=dates.board_date)
        dates = default_dates(open_year, open_p)
        ReportingPeriod.objects.create(
            year=open_year.start_year, period=open_p, state="open",
            lead_deadline=dates.lead_deadline, finance_close=dates.finance_close,
            board_date=dates.board_date)

    return store


def _test_database_url() -> str:
    db = settings.DATABASES["default"]
    return (
        f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db.get('HOST') or '127.0.0.1'}:"
        f"{db.get('PORT') or 5432}/{db['NAME']}"
    )


@pytest.fixture
def celery_worker_process(transactional_db) -> Iterator[subprocess.Popen]:
    """A real Celery worker (separate process) on the test Redis, using the test database.

    Tests using it must commit their data (transactional_db), since the worker has its own
    connection. The queue is purged first so another run's leftovers never interfere.
    """
    from send_tracker.celery import app

    app.control.purge()
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="send_tracker.settings.test",
        DATABASE_URL=_test_database_url(),
        REDIS_URL=settings.REDIS_URL,
    )
    log_path = ROOT / ".data" / f"test-worker-{os.getpid()}.log"
    log_path.parent.mkdir(exist_ok=True)
    log = open(log_path, "w")  # noqa: SIM115 - closed in teardown
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "send_tracker", "worker", "--pool=solo",
         "--loglevel=INFO", f"--hostname=test-{os.getpid()}@%h", "--without-gossip",
         "--without-mingle"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    try:
        while time.monotonic() < deadline:
            replies = app.control.ping(destination=[f"test-{os.getpid()}@{os.uname().nodename}"],
                                       timeout=0.5)
            if replies:
                break
            if proc.poll() is not None:
                raise RuntimeError(f"Celery worker exited early; see {log_path}")
        else:
            raise RuntimeError(f"Celery worker did not start in 30 s; see {log_path}")
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
