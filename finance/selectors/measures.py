"""The finance measures of the registry (send_tracker/measures.py), as at a period end.

Two figures that are both right but differ: the gap to the cap after every mitigation identified
(the month's ledger, the Overview and the budget monitoring page) and after the mitigations the
baseline scenario expects to be delivered (its mitigation delivery %, the trajectory pages).
"""

from __future__ import annotations

import datetime as dt

from finance.selectors.budget import latest_period
from finance.selectors.summary import finance_summary as _finance_summary
from finance.selectors.trajectory import trajectory_points
from send_tracker.fiscal import FinancialYear, period_end, period_of

BASELINE = "baseline"


def deficit_after_mitigations_identified(*, on: dt.date,
                                         finance_summary: dict | None = None) -> int | None:
    """The month's in-year deficit less every mitigation identified, against the cap;
    `finance_summary`: that month's, where the caller holds it."""
    summary = finance_summary or _finance_summary(year=FinancialYear.containing(on),
                                                  period=period_of(on))
    return summary["variance_after_mitigations_pence"]


def trajectory_as_at(*, periods: list[tuple[int, int]] | None = None) -> dt.date | None:
    """The period end of the ledger month the current trajectory runs start from (the latest
    loaded); `periods`: ledger_periods(), where the caller holds them."""
    latest = max(periods) if periods else None if periods is not None else latest_period()
    if latest is None:
        return None
    year, period = latest
    return period_end(FinancialYear.parse(year), period)


def deficit_after_expected_mitigation_delivery(
        *, on: dt.date, baseline_trajectory: dict | None = None,
        ledger_periods: list[tuple[int, int]] | None = None) -> int | None:
    """The baseline scenario's variance to the cap for the year of the date, mitigations at its
    expected delivery; None unless its run starts from that month's ledger.
    `baseline_trajectory`, `ledger_periods`: what the caller already holds."""
    if on != trajectory_as_at(periods=ledger_periods):
        return None
    label = FinancialYear.containing(on).label
    points = (baseline_trajectory or trajectory_points(scenario_slug=BASELINE))["points"]
    return next((p["variance_pence"] for p in points if p["year"] == label), None)
