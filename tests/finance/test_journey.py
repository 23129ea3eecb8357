"""A finance officer's Month 2 (on the small data set): where the overspend is, why, what the
mitigations cover, what it does to the trajectory, and a scenario change recomputed."""

from __future__ import annotations

import re

import pytest

from finance.tasks import recompute_trajectory


@pytest.mark.django_db
def test_a_finance_officer_reads_month_2_and_changes_a_scenario(small_finance, finance_client,
                                                                queued):
    recompute_trajectory()  # what the nightly run (or the worker) did

    page = finance_client.get("/finance/").content.decode()
    # Where: the line overspent, with its RAG word. Why: the bridge. Cover: the mitigations.
    assert "1.2.3 Independent" in page
    assert "Red" in page
    assert "Pressure: backlog clearance" in page
    assert "£900 above the cap" in page
    assert "AP" in page
    # What it does: this year's instalment is at risk under the baseline (m = 0%).
    assert "What this does to the trajectory" in page
    assert "At risk" in page
    before = finance_client.get("/finance/trajectory/status/").json()["runs"]["baseline"]

    response = finance_client.post("/finance/scenarios/baseline/", {
        "version": "1", "default_growth_pct": "5", "unit_cost_inflation_pct": "2",
        "income_growth_pct": "3", "savings_delivery_pct": "100",
        "mitigation_delivery_pct": "100"})
    assert response.status_code == 302
    recompute_trajectory()  # the worker picks the queued recompute up

    after = finance_client.get("/finance/trajectory/status/").json()["runs"]["baseline"]
    assert after["run_id"] != before["run_id"]
    html = finance_client.get("/finance/scenarios/baseline/").content.decode()
    scenario_page = re.sub(r"<[^>]+>", "", html)  # the words as read (figures carry their measure)
    # With every mitigation delivered: A = 1,590,000 − 30,000; deficit 360,000, still £600 over.
    assert "£3,600" in scenario_page
    assert "£600 over" in scenario_page
