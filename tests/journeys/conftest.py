"""Browser journeys run against the live stack (tests/live): real Chromium, a real worker."""

from tests.live.fixtures import browser, live_stack, page_as  # noqa: F401
