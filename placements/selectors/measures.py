"""The placements measures of the registry (send_tracker/measures.py), as at a date.

Each reads its figure through the cohort selectors (the one definition, placements/models.py
and selectors/cohort.py); a page that already holds `cohort_summary(on=…)` for the same date
passes it, so the page reads the cohort once.
"""

from __future__ import annotations

import datetime as dt

from placements.selectors import cohort


def plans(*, on: dt.date, cohort_summary: dict | None = None) -> int:
    """Children with an issued EHC plan that had not ceased on the date."""
    return cohort_summary["plans"] if cohort_summary else cohort.plans_at(on=on)


def backlog_over_16_weeks(*, on: dt.date, cohort_summary: dict | None = None) -> int:
    """Requests open on the date that were made more than 16 weeks before it."""
    if cohort_summary:
        return cohort_summary["backlog_over_16_weeks"]
    return cohort.backlog_over_16_weeks(on=on)


def pc_issued_within_20_weeks_rolling_12_months(
        *, on: dt.date, cohort_summary: dict | None = None) -> float | None:
    """% of the plans issued in the twelve months up to the date issued within 20 weeks."""
    if cohort_summary:
        return cohort_summary["within_20_weeks_pct"]
    return cohort.within_20_weeks_pct_rolling_12_months(on=on)


def avg_cost_per_plan(*, on: dt.date, cohort_summary: dict | None = None) -> int | None:
    """Gross annual cost of the placements open on the date per plan."""
    return (cohort_summary or cohort.cohort_summary(on=on))["avg_cost_per_plan_pence"]
