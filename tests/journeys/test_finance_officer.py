"""A finance officer's month in the browser: a bad ledger file refused with every problem, a good
one loaded by the worker with progress shown, the overspend bridge, and a scenario change whose
recomputed trajectory the page picks up by itself (it polls the status endpoint)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.live.fixtures import screenshot

pytestmark = [pytest.mark.slow, pytest.mark.worker]

HEADER = "year,period,line_code,budget,actual_to_date,forecast_outturn"
# Three rows, four problems: a year that is not one, an unknown line, text for money, and a
# forecast that is negative.
BAD = "\n".join([
    HEADER,
    "2024/26,6,1.2.3,\"£45,000,000\",\"£26,000,000\",\"£53,600,000\"",
    "2024/25,6,9.9.9,\"£1,000\",\"£500\",\"£1,000\"",
    "2024/25,6,1.2.1,lots,\"£500\",\"-£1,000\"",
]) + "\n"


def good_ledger(live_stack, extra_pence: int) -> bytes:
    """This month's ledger as the demo holds it, one line's forecast moved; a notes column of
    padding makes it big enough (over 256 KB) to be loaded by the worker, not while waiting."""
    rows = live_stack.db.query(
        "SELECT l.code, f.budget_pence, f.actual_to_date_pence, f.forecast_outturn_pence "
        "FROM finance_monthlyforecast f JOIN finance_budgetline l ON l.id = f.line_id "
        "WHERE f.year = 2024 AND f.period = 6 ORDER BY l.code")
    assert rows
    lines = [HEADER + ",notes"]
    for i, (code, budget, actual, forecast) in enumerate(rows):
        if i == 0:
            forecast += extra_pence
        lines.append(f"2024/25,6,{code},{budget / 100:.2f},{actual / 100:.2f},"
                     f"{forecast / 100:.2f},{'x' * 30_000}")
    data = ("\n".join(lines) + "\n").encode()
    assert len(data) > 256 * 1024
    return data


def test_a_finance_officer_loads_the_ledger_and_reworks_a_scenario(page_as, live_stack):
    page = page_as("finance")

    # A bad file: nothing loaded, every problem listed by row and column.
    page.goto("/imports/ledger/")
    page.get_by_label("Upload a file").set_input_files(
        {"name": "ledger-bad.csv", "mimeType": "text/csv", "buffer": BAD.encode()})
    page.get_by_role("button", name="Upload and check").click()
    summary = page.locator(".govuk-error-summary")
    # Every upload runs in the worker: the page polls and reloads itself with the outcome.
    expect(summary).to_contain_text("Nothing was loaded", timeout=60_000)
    problems = page.locator("#problems + p + div table tbody tr")
    assert problems.count() >= 4
    table = page.locator("table", has=page.locator("caption", has_text="Every problem"))
    text = table.inner_text()
    for column in ("year", "line_code", "budget", "forecast_outturn"):
        assert column in text, column
    for row in ("2", "3", "4"):
        assert re.search(rf"(^|\n){row}\t", text), row
    screenshot(page, "finance-01-bad-ledger")

    # A good file, large enough for the worker: progress, then the outcome.
    before = live_stack.db.scalar(
        "SELECT sum(forecast_outturn_pence) FROM finance_monthlyforecast "
        "WHERE year = 2024 AND period = 6")
    page.goto("/imports/ledger/")
    page.get_by_label("Upload a file").set_input_files(
        {"name": "ledger-p6.csv", "mimeType": "text/csv",
         "buffer": good_ledger(live_stack, 10_000_000)})
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("ledger-p6.csv")
    screenshot(page, "finance-02-import-progress")
    # The page polls and reloads itself when the worker has finished.
    expect(page.locator(".govuk-panel--confirmation")).to_contain_text("File loaded",
                                                                       timeout=60_000)
    expect(page.locator(".govuk-panel__body")).to_contain_text("1 changed")
    screenshot(page, "finance-03-import-done")
    after = live_stack.db.scalar(
        "SELECT sum(forecast_outturn_pence) FROM finance_monthlyforecast "
        "WHERE year = 2024 AND period = 6")
    assert after == before + 10_000_000

    # The overspend bridge, drawn and with its data table.
    page.goto("/finance/?year=2024-25&period=6")
    bridge = page.locator("figure.app-chart", has_text="ridge").first
    expect(bridge).to_be_visible()
    expect(bridge.locator(".main-svg").first).to_be_visible()
    assert bridge.locator("tbody tr").count() >= 3
    screenshot(page, "finance-04-bridge")

    # A scenario assumption changed: the page says it is recomputing, then shows the new run.
    # First let the recompute the new ledger queued finish, so the row read below is current.
    live_stack.recompute_settle()
    page.goto("/finance/scenarios/baseline/")
    first_row = page.locator("table tbody tr").first
    expect(first_row).to_be_visible()
    old_row = first_row.inner_text()
    field = page.get_by_label("Mitigation delivery (% of value identified)")
    # A real change whatever earlier tests left: a value neither the form (e.g. "0.000") nor the
    # run on show used. Those two differ when an earlier test's edit was saved with Redis down.
    shown_run_pct = Decimal(live_stack.db.scalar(
        "SELECT r.inputs->'scenario'->>'mitigation_delivery' FROM finance_trajectoryrun r "
        "JOIN finance_scenario s ON s.id = r.scenario_id WHERE s.is_baseline AND r.is_current"
    )) * 100
    used = {Decimal(field.input_value() or 0), shown_run_pct}
    field.fill(next(pct for pct in ("0", "100", "50") if Decimal(pct) not in used))
    # The first row moves with mitigation delivery only if that year has mitigations in play.
    assert live_stack.db.scalar(
        "SELECT coalesce(sum(value_pence), 0) FROM finance_mitigation "
        "WHERE status <> 'abandoned' AND year = (SELECT min(p.year) FROM finance_trajectorypoint p "
        "JOIN finance_trajectoryrun r ON r.id = p.run_id JOIN finance_scenario s "
        "ON s.id = r.scenario_id WHERE s.is_baseline AND r.is_current)") > 0
    page.get_by_role("button", name="Save and recompute").click()
    expect(page.locator(".govuk-inset-text", has_text="Assumptions saved")).to_be_visible()
    screenshot(page, "finance-05-scenario-recomputing")
    expect(page.locator("table tbody tr").first).not_to_have_text(old_row, timeout=60_000)
    screenshot(page, "finance-06-scenario-recomputed")
