"""Security tests that need the seeded live stack (tests/live) reuse its fixtures."""

from tests.live.fixtures import browser, live_stack, page_as  # noqa: F401
