"""A director's month in the browser: the home page's task, the Month 6 board summary on one
screen, compared with Month 5, the PDF board pack downloaded, and the draft signed off from the
first screen (1280×800, no scrolling)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.live.fixtures import screenshot

pytestmark = [pytest.mark.slow, pytest.mark.worker]
SCREEN = {"width": 1280, "height": 800}


def on_first_screen(locator) -> bool:
    """Wholly inside the 1280×800 viewport with the page not scrolled."""
    box = locator.bounding_box()
    return (box is not None and box["x"] >= 0 and box["y"] >= 0
            and box["x"] + box["width"] <= SCREEN["width"]
            and box["y"] + box["height"] <= SCREEN["height"])


def test_a_director_reads_compares_downloads_and_signs_off_month_6(page_as, live_stack):
    page = page_as("director")
    page.goto("/")
    tasks = page.locator("#tasks")
    expect(tasks).to_contain_text("Sign off the board summary for P6 2024/25")
    expect(tasks).to_contain_text("reprofile")  # a decision the draft asks for
    screenshot(page, "director-00-home-tasks")
    tasks.get_by_role("link", name="Sign off the board summary for P6 2024/25").click()
    expect(page).to_have_url(re.compile(r".*/board/2024-25/6/$"))
    page.goto("/board/")
    screenshot(page, "director-01-board-list")
    page.goto("/board/2024-25/6/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("2024/25")
    expect(page.locator("#summary-status")).to_contain_text("Draft")
    expect(page.locator("#headline")).to_contain_text("£")
    expect(page.locator("#decisions")).to_contain_text("reprofile")
    screenshot(page, "director-02-month-6")

    page.goto("/board/compare/?a=2024-25-5&b=2024-25-6")
    headline = page.locator("#compare-headline")
    expect(headline).to_contain_text("2024/25 P5")
    expect(headline).to_contain_text("2024/25 P6")
    assert headline.locator("tbody tr").count() >= 5
    screenshot(page, "director-03-compare-5-and-6")

    page.goto("/board/2024-25/6/")
    pdf_link = page.locator("#packs li", has_text="PDF").locator("a").first
    with page.expect_download() as download_info:
        pdf_link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        head = pdf.read(5)
    assert head == b"%PDF-"

    # The month on one screen at 1280×800: status, the six figures, decisions, risks, overdue
    # milestones and both buttons, without scrolling.
    page.set_viewport_size(SCREEN)
    page.goto("/board/2024-25/6/")
    assert page.evaluate("window.scrollY") == 0
    rows = page.locator("#top-figures tbody tr")
    assert rows.count() == 6
    for i in range(6):
        assert on_first_screen(rows.nth(i)), rows.nth(i).inner_text()
    assert rows.locator("[data-measure]").count() == 4  # the registry's, as on the Overview
    sign_off = page.get_by_role("button", name="Sign off version")
    give_back = page.get_by_role("button", name="Return to finance with comments")
    for item in (page.locator("#summary-status"), page.locator("#top-decisions"),
                 page.locator("#top-risks li").first, page.locator("#top-overdue li").first,
                 sign_off, give_back):
        assert on_first_screen(item), item
    expect(page.locator("#top-figures")).to_contain_text(re.compile(r"— (better|worse)"))
    screenshot(page, "director-02b-month-6-first-screen")

    # Sign off from the first screen: the summary is frozen and says who signed it.
    drafts_before = live_stack.db.scalar(
        "SELECT count(*) FROM board_boardsummary WHERE year = 2024 AND period = 6 "
        "AND status = 'draft'")
    assert drafts_before >= 1
    page.get_by_role("button", name="Sign off version").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Signed off")
    expect(page.locator("#summary-status")).to_contain_text("Signed off by")
    screenshot(page, "director-04-signed-off")
    assert live_stack.db.scalar(
        "SELECT count(*) FROM board_boardsummary WHERE year = 2024 AND period = 6 "
        "AND status = 'draft'") == drafts_before - 1
