"""A director's month in the browser: the Month 6 board summary, compared with Month 5, the PDF
board pack downloaded, and the draft signed off."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.live.fixtures import screenshot

pytestmark = [pytest.mark.slow, pytest.mark.worker]


def test_a_director_reads_compares_downloads_and_signs_off_month_6(page_as, live_stack):
    page = page_as("director")
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

    # Sign off: the summary is frozen and says who signed it.
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
