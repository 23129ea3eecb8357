"""A programme lead's month in the browser: the update form (for the open period, P7 2024/25 in
the demo), a mistake, the error summary, the correction, check your answers, the confirmation
panel, and the overview's totals and strand chart moving; a month with nothing to change,
submitted in two clicks; then the same form by keyboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.live.fixtures import ARTIFACTS, screenshot

pytestmark = [pytest.mark.slow, pytest.mark.worker]

LEAD = "lead-sufficiency"
OVERVIEW = "/programme/?year=2024-25&period=7"  # the open period the lead reports on


def pounds(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text.split(".")[0]))


def strand_forecast(page, strand: str) -> int:
    row = page.locator("#strand-table tbody tr", has=page.get_by_role("link", name=strand))
    return pounds(row.locator("td").nth(1).inner_text())


def chart_table_value(page, strand: str) -> str:
    """The strand's forecast in the first chart's data table (the chart's text alternative)."""
    figure = page.locator("figure.app-chart").first
    return figure.locator("tbody tr", has=page.locator(f"th:text-is('{strand}')")).locator(
        "td").nth(1).text_content()


def test_a_lead_corrects_a_mistake_and_sees_the_totals_and_chart_change(page_as):
    page = page_as(LEAD)
    page.goto(OVERVIEW)
    total_before = pounds(page.locator("#strand-table tfoot td").nth(1).inner_text())
    strand_before = strand_forecast(page, "Sufficiency")
    chart_before = chart_table_value(page, "Sufficiency")
    expect(page.locator(".app-chart__plot .main-svg").first).to_be_visible()  # plotly drew
    screenshot(page, "lead-01-overview-before")

    page.goto("/programme/update/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile(r"P7 .*2024/25"))
    # Beside the fields: the project's target and last month's submitted figures.
    expect(page.locator("#id_updates-0-forecast-hint")).to_contain_text("Last submitted, P6")
    forecast = page.locator("#id_updates-0-forecast")
    old = float(forecast.input_value())
    forecast.fill("twelve thousand")  # not a number
    page.get_by_role("button", name="Check and submit all", exact=True).click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There is a problem")
    expect(page).to_have_title(re.compile(r"^Error: "))
    link = summary.locator("a").first
    expect(link).to_have_attribute("href", "#id_updates-0-forecast")
    screenshot(page, "lead-02-error-summary")
    link.click()  # the summary's link takes the user to the field
    expect(page.locator("#id_updates-0-forecast")).to_be_focused()
    page.locator("#id_updates-0-forecast").fill(f"{old + 250_000:.2f}")
    page.get_by_role("button", name="Check and submit all", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before submitting")
    screenshot(page, "lead-03-check-answers")
    page.get_by_role("button", name=re.compile(r"^Submit \d+ updates$")).click()
    expect(page.locator(".govuk-panel--confirmation")).to_contain_text("updates submitted")
    screenshot(page, "lead-03-submitted")

    page.goto(OVERVIEW)
    assert strand_forecast(page, "Sufficiency") == strand_before + 250_000
    assert pounds(page.locator("#strand-table tfoot td").nth(1).inner_text()) == (
        total_before + 250_000)
    assert chart_table_value(page, "Sufficiency") != chart_before
    expect(page.locator(".app-chart__plot .main-svg").first).to_be_visible()
    screenshot(page, "lead-04-overview-after")


def test_a_lead_with_nothing_to_change_submits_the_month_in_two_clicks(page_as):
    """The form is pre-filled from the last submitted update: no typing, two interactions."""
    page = page_as(LEAD)
    page.goto("/programme/update/")
    interactions = 0

    def click(locator) -> None:
        nonlocal interactions
        interactions += 1
        locator.click()

    click(page.get_by_role("button", name="Check and submit all", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before submitting")
    click(page.get_by_role("button", name=re.compile(r"^Submit \d+ updates$")))
    expect(page.locator(".govuk-panel--confirmation")).to_contain_text("5 updates submitted")
    screenshot(page, "lead-05-nothing-to-change-submitted")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "lead-interactions.txt").write_text(
        f"Interactions to submit an unchanged month: {interactions} clicks, no typing\n")
    assert interactions == 2


def test_the_update_form_can_be_completed_with_the_keyboard_alone(page_as):
    page = page_as(LEAD)
    page.goto(OVERVIEW)
    before = strand_forecast(page, "Sufficiency")
    page.goto("/programme/update/")
    page.locator("body").focus()

    def tab_to(selector: str, limit: int = 200) -> None:
        target = page.locator(selector)
        for _ in range(limit):
            page.keyboard.press("Tab")
            if target.evaluate("el => el === document.activeElement"):
                return
        raise AssertionError(f"Tab never reached {selector}")

    # The first Tab lands on the skip link, which is visible when focused.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    tab_to("#id_updates-1-forecast")
    field = page.locator("#id_updates-1-forecast")
    # Focus is visible: GOV.UK's focus style draws a yellow outline or box shadow.
    style = field.evaluate("el => { const s = getComputedStyle(el);"
                           " return s.outlineStyle + ' ' + s.boxShadow; }")
    assert "solid" in style or "rgb" in style, style
    value = float(field.input_value())
    page.keyboard.press("Control+A")
    page.keyboard.type(f"{value + 10_000:.2f}")
    # The radios are one stop in the tab order: the chosen one (pre-filled) takes the focus.
    tab_to("input[name='updates-1-confidence']:checked")
    screenshot(page, "keyboard-01-field-focused")
    # This project alone: its own "Check and submit" button.
    own = page.locator("#project-1 button[value^=check-]")
    tab_to("#project-1 button[value^=check-]")
    expect(own).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before submitting")
    submit = page.get_by_role("button", name="Submit update", exact=True)
    tab_to("button.govuk-button[type=submit]:not([value])")
    expect(submit).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-panel--confirmation")).to_contain_text("Update submitted")
    screenshot(page, "keyboard-02-submitted")
    page.goto(OVERVIEW)
    assert strand_forecast(page, "Sufficiency") == before + 10_000
