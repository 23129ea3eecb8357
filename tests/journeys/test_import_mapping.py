"""A finance officer loads a placements extract from the council's own case management system:
its column names are not ours, so they are matched once (suggested, previewed, saved under a
name) and the file imported; next month's extract, with the same header, is matched by itself
and the import says which mapping it used. No page under /admin/ is opened on the way."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.journeys.test_accessibility import axe_violations
from tests.live.fixtures import screenshot

pytestmark = [pytest.mark.slow, pytest.mark.worker]

HEADER = ("Placement ID,Child Ref,Provider Code,Setting Type,Start,End,Annual Cost (£),"
          "Health %,Social Care %")
NAME = "Placements extract from the case management system"


def extract(live_stack, month: str, rows: list[tuple[str, str]]) -> dict:
    """A CSV in the system's own layout, for demo children and providers that exist."""
    child, provider = live_stack.db.query(
        "SELECT (SELECT min(ref) FROM placements_child), (SELECT min(ref) FROM "
        "placements_provider)")[0]
    lines = [HEADER] + [f'{ref},{child},{provider},special_independent,01/{month}/2024,,'
                        f'"{cost}",10,15' for ref, cost in rows]
    return {"name": f"cms-placements-{month}.csv", "mimeType": "text/csv",
            "buffer": ("\n".join(lines) + "\n").encode("utf-8")}


def test_a_finance_officer_maps_a_foreign_extract_once_and_next_month_it_maps_itself(
        page_as, live_stack):
    page = page_as("finance", bypass_csp=False)
    opened: list[str] = []
    page.on("request", lambda request: opened.append(request.url)
            if request.resource_type == "document" else None)

    # This month's extract: its columns are not ours, so the mapping step.
    page.goto("/imports/placements/")
    page.get_by_label("Upload a file").set_input_files(
        extract(live_stack, "10", [("JRN-MAP-1", "£64,500.00"), ("JRN-MAP-2", "£12,000")]))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Match your columns")
    # Every column suggested from its name.
    for ours, theirs in (("placement_ref", "placement id"), ("provider_ref", "provider code"),
                         ("provision_type", "setting type"), ("start_date", "start"),
                         ("annual_cost", "annual cost (£)"), ("social_care_pct", "social care %")):
        expect(page.get_by_label(f"Your column for {ours}")).to_have_value(theirs)
    # The preview reads the rows as the import will: pounds and dates parsed.
    preview = page.locator("table", has=page.locator("caption", has_text="as they will be read"))
    expect(preview).to_contain_text("£64,500.00")
    expect(preview).to_contain_text("1 Oct 2024")
    screenshot(page, "mapping-01-step")

    # A wrong choice, previewed: the problem shows beside the values, nothing is saved.
    page.get_by_label("Your column for end_date").select_option("start")
    page.get_by_role("button", name="Preview with these columns").click()
    page.get_by_role("button", name="Save the mapping and import").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a name for the mapping")
    expect(summary).to_contain_text("is chosen for start_date and end_date")
    screenshot(page, "mapping-02-refused")
    violations = axe_violations_in_a_scan_context(page, submit="Save the mapping and import")
    assert not violations, json.dumps(violations, indent=1)

    # Corrected, named, saved: the file is imported through the mapping.
    page.get_by_label("Your column for end_date").select_option("end")
    page.get_by_label("Name this mapping").fill(NAME)
    page.get_by_role("button", name="Save the mapping and import").click()
    expect(page.locator(".govuk-panel--confirmation")).to_contain_text("File loaded",
                                                                       timeout=60_000)
    expect(page.locator(".govuk-panel__body")).to_contain_text("2 new")
    expect(page.locator("#column-mapping")).to_contain_text(NAME)
    screenshot(page, "mapping-03-imported")
    assert live_stack.db.scalar(
        "SELECT annual_cost_pence FROM placements_placement WHERE ref = 'JRN-MAP-1'") == 6_450_000

    # Next month: the same header, new rows; no mapping step, and it says which mapping.
    page.goto("/imports/placements/")
    before_upload = len(opened)
    page.get_by_label("Upload a file").set_input_files(
        extract(live_stack, "11", [("JRN-MAP-1", "£64,500.00"), ("JRN-MAP-3", "£9,999.99")]))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.locator(".govuk-panel--confirmation")).to_contain_text("File loaded",
                                                                       timeout=60_000)
    expect(page.locator(".govuk-panel__body")).to_contain_text("1 new")
    expect(page.locator("#column-mapping")).to_contain_text(NAME)
    screenshot(page, "mapping-04-next-month")

    assert not any("/mappings/map/" in url for url in opened[before_upload:])

    # The saved mappings: the one used, with its two imports, and the list; both pass axe.
    page.locator("#column-mapping").get_by_role("link", name=NAME).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(NAME)
    expect(page.locator(".govuk-summary-list__row", has_text="Imports through it")
           ).to_contain_text("2")
    assert not axe_violations_in_a_scan_context(page)
    page.goto("/imports/mappings/")
    expect(page.locator("table")).to_contain_text(NAME)
    assert not axe_violations_in_a_scan_context(page)
    screenshot(page, "mapping-05-list")

    assert opened
    assert not [url for url in opened if "/admin/" in url], opened


def axe_violations_in_a_scan_context(page, *, submit: str | None = None) -> list[dict]:
    """axe on the page's URL in the same session (a pending upload lives in it), through a
    context that bypasses the CSP for the scan alone; `submit` clicks a button first."""
    context = page.context.browser.new_context(bypass_csp=True,
                                               storage_state=page.context.storage_state())
    scan = context.new_page()
    try:
        scan.goto(page.url)
        if submit:
            scan.get_by_role("button", name=submit).click()
            scan.wait_for_load_state()
        return axe_violations(scan)
    finally:
        context.close()
