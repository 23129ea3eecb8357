"""The other apps' selectors, read through one door: an app without data yet reads as None/empty.

finance depends on programme and placements, never the reverse (tests/test_dependencies.py).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from placements import selectors as placements_selectors
from programme import selectors as programme_selectors
from send_tracker.fiscal import FinancialYear


def programme_summary(*, year: FinancialYear, period: int) -> dict | None:
    """programme.selectors.programme_summary, or None when the programme has no data."""
    result = programme_selectors.programme_summary(year=year, period=period)
    if not result or (not result.get("strands") and not result.get("target_pence")):
        return None  # no strands and no target: the programme has not been set up yet
    return result


def programme_targets_by_year() -> dict[int, int]:
    """Start year → the programme's cumulative in-year savings target, in pence."""
    targets = programme_selectors.programme_targets_by_year() or {}
    return {int(year): int(pence) for year, pence in targets.items()}


def programme_years() -> range | None:
    """The start years the programme runs over, or None when it has not been set up."""
    try:
        from programme.selectors import programme_years as years
    except ImportError:
        return None
    return years()


def cohort_projection_inputs(*, at: dt.date) -> dict[str, dict]:
    """Provision type → caseload and exact High Needs cost of the placements open on `at`."""
    return {
        code: {
            "caseload": int(v["caseload"]),
            "high_needs_cost_pence": Decimal(v["high_needs_cost_pence"]),
        }
        for code, v in (placements_selectors.cohort_projection_inputs(at=at) or {}).items()
        if v["caseload"]
    }


def cohort_summary(*, on: dt.date) -> dict | None:
    """placements.selectors.cohort_summary, or None without placements data."""
    result = placements_selectors.cohort_summary(on=on)
    return result if result and result.get("plans") else None


def plans_at(*, on: dt.date) -> int | None:
    """Plans open on a date, or None without placements data."""
    return placements_selectors.plans_at(on=on)


def top_risks(*, limit: int = 5) -> list[dict]:
    return list(programme_selectors.top_risks(limit=limit) or [])
