"""Fixtures for tests against a running tracker: the seeded stack, Chromium, signed-in pages.

Imported by tests/journeys/conftest.py and tests/faults/conftest.py.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.live.stack import (
    DEMO_PASSWORD,
    ROOT,
    AppProcess,
    LiveDatabase,
    RedisServer,
    run_manage,
    wait_for,
)

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
ARTIFACTS = ROOT / "test-artifacts"


@dataclass
class LiveStack:
    db: LiveDatabase
    redis: RedisServer
    server: AppProcess
    worker: AppProcess

    @property
    def url(self) -> str:
        return self.server.base_url

    def recompute_settle(self, timeout: float = 60) -> None:
        """Wait until no trajectory recompute is queued, counting down or in the session
        worker's hands; then clear the unclaimed requests other tests queued on their private
        Redis servers, gone with them. (In production the minute sweep re-queues a lost request
        after a minute; no sweep runs here, and while a request is outstanding a new write
        does not queue: as far as the tracker knows, its task is already on the way.)"""
        import redis

        client = redis.Redis.from_url(self.redis.url)
        wait_for(lambda: not (
            self.db.scalar("SELECT count(*) FROM finance_recomputerequest "
                           "WHERE claimed_at IS NOT NULL")
            or client.llen("celery") or client.zcard("unacked_index")),
            timeout=timeout, interval=0.5, message="the live stack's recompute never settled")
        self.db.query("UPDATE finance_recomputerequest SET requested_at = NULL "
                      "WHERE claimed_at IS NULL")


@pytest.fixture(scope="session")
def live_stack(django_db_setup, django_db_blocker) -> Iterator[LiveStack]:
    """The demo data set in a database of its own, served on 127.0.0.1 with a Celery worker
    on a private Redis. Seeded once per session: tests compare before and after, never the
    demo's absolute figures another journey may have moved."""
    db = LiveDatabase.beside_test_database("live")
    redis = RedisServer().start()
    server = worker = None
    try:
        db.recreate()
        run_manage(db, redis.url, "migrate", "--no-input", "-v", "0")
        run_manage(db, redis.url, "seed_demo", "--force", "-v", "0")
        server = AppProcess("server", db, redis.url, name="live-web").start()
        worker = AppProcess("worker", db, redis.url, name="live-worker").start()
        yield LiveStack(db=db, redis=redis, server=server, worker=worker)
    finally:
        for proc in (worker, server):
            if proc is not None:
                proc.stop()
        redis.stop()
        db.drop()


def chromium_or_fail() -> str:
    """The browser binary; under CI a missing Chromium fails the run instead of skipping."""
    path = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if path:
        return path
    message = (f"Chromium not found at {CHROMIUM}: `make test` installs it "
               "(apt-get install -y chromium)")
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)
    return ""


@pytest.fixture(scope="session")
def browser():
    executable = chromium_or_fail()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/$"))


@pytest.fixture
def page_as(browser, live_stack):
    """page_as(username, bypass_csp=False): a fresh browser context signed in as the demo user.

    Every page the test opens is checked for console errors and uncaught script errors (a CSP
    block, a failed script or stylesheet, a JavaScript exception, GOV.UK Frontend refusing to
    start its components): any one fails the test at
    teardown. The one exception is the console line Chromium logs for a page the test itself
    opened and the server refused (a 403 or 404 under test is the expected answer there).
    """
    contexts, errors, refused = [], [], set()

    def _console(page, message) -> None:
        # GOV.UK Frontend logs (not errors) a SupportError when it refuses to start.
        if message.type != "error" and "SupportError" not in message.text:
            return
        source = (message.location or {}).get("url", "")
        if message.text.startswith("Failed to load resource") and source in refused:
            return
        errors.append(f"{page.url}: {message.text} ({source})")

    def _response(response) -> None:
        if response.status >= 400 and response.request.is_navigation_request():
            refused.add(response.url)

    def _open(username: str | None, *, bypass_csp: bool = False):
        context = browser.new_context(base_url=live_stack.url, bypass_csp=bypass_csp,
                                      viewport={"width": 1280, "height": 900},
                                      accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.on("console", lambda message: _console(page, message))
        page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
        page.on("response", _response)
        if username:
            sign_in(page, live_stack.url, username)
        return page

    yield _open
    for context in contexts:
        context.close()
    assert not errors, errors


def screenshot(page, name: str) -> Path:
    """A full-page PNG under test-artifacts/ (git-ignored; CI keeps it as an artifact)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 1000
    return path
