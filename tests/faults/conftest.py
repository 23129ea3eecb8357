"""Fault tests run against the live stack (tests/live): real processes, killed for real."""

from tests.live.fixtures import browser, live_stack, page_as  # noqa: F401
