"""The registry of measures: one definition for each figure that more than one page shows.

Each measure has a code (the `data-measure` attribute in the HTML), a name, a one-sentence
definition, its source (which data), its unit and the selector that computes it as at a date
(`selector(on=date)`; the date is a period end). Pages draw these figures from the selector and
mark them with `{% measure 'code' value as_at %}` (send_tracker/templatetags/tracker.py), so a
test can check that a measure shows one value per date wherever it appears.

The registry lives in send_tracker because every app's pages and the template tag read it;
send_tracker imports no app, so each selector is named by its dotted path and imported only when
it is first asked for. Two figures that are both right but differ (mitigations identified
against their expected delivery; a rolling twelve months against the DfE's calendar year, which
placements/benchmarks.py defines under its own codes) are separate measures with separate names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable

from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Measure:
    """A figure's code, name, definition, source, unit and the selector that computes it."""

    code: str
    name: str
    definition: str
    source: str
    unit: str  # "count", "percent" or "pence"
    selector_path: str
    # Optional: the same measure at several dates in one query (`series(dates=[...])`).
    series_path: str = ""
    # Optional: the summary a page may already hold for the same date, which the selector then
    # reads instead of the database (`cohort_summary`, `finance_summary`, `programme_summary`,
    # `baseline_trajectory`, `ledger_periods`).
    reuses: tuple[str, ...] = ()

    @property
    def selector(self) -> Callable[..., Any]:
        """The selector, imported when used (send_tracker may not import apps at load)."""
        return import_string(self.selector_path)

    def value(self, *, on: dt.date, **given: Any) -> Any:
        """The measure as at a date (a period end); `given`: summaries the page already holds
        for that date, passed on only to a selector that reuses one."""
        reused = {name: given[name] for name in self.reuses if given.get(name) is not None}
        return self.selector(on=on, **reused)

    def series(self, *, dates: list[dt.date]) -> list[Any]:
        """The measure at each date: its series selector where it has one, else one by one."""
        if self.series_path:
            return import_string(self.series_path)(dates=dates)
        return [self.selector(on=day) for day in dates]


MEASURES: dict[str, Measure] = {m.code: m for m in (
    Measure(
        "plans", "EHC plans",
        "Children and young people with an issued EHC plan that had not ceased on the date.",
        "Assessments with a final plan date and children's plan end dates (placements).",
        "count", "placements.selectors.measures.plans", reuses=("cohort_summary",),
    ),
    Measure(
        "backlog_over_16_weeks", "Assessment requests open more than 16 weeks",
        "Requests for an EHC needs assessment open on the date (no final plan and not closed) "
        "that were made more than 16 weeks (112 days) before it.",
        "Assessment requests, their final plan and closed dates (placements).",
        "count", "placements.selectors.measures.backlog_over_16_weeks",
        "placements.selectors.backlog_over_16_weeks_series", reuses=("cohort_summary",),
    ),
    Measure(
        "pc_issued_within_20_weeks_rolling_12_months",
        "EHC plans issued within 20 weeks (rolling 12 months)",
        "Of the EHC plans issued in the twelve months up to and including the date, the "
        "percentage issued within 20 weeks of the request, exceptions included; the DfE's "
        "calendar-year rate on the Benchmarking page is a different measure.",
        "Assessments with a final plan date in the twelve months (placements).",
        "percent",
        "placements.selectors.measures.pc_issued_within_20_weeks_rolling_12_months",
        "placements.selectors.within_20_weeks_pct_rolling_12_months_series",
        reuses=("cohort_summary",),
    ),
    Measure(
        "avg_cost_per_plan", "Average annual cost per plan",
        "The gross annual cost of the placements open on the date divided by the EHC plans on "
        "that date.",
        "Open placements' annual costs and issued, open EHC plans (placements).",
        "pence", "placements.selectors.measures.avg_cost_per_plan", reuses=("cohort_summary",),
    ),
    Measure(
        "savings_forecast", "Savings forecast",
        "The sum of each project's latest submitted forecast saving for the financial year, as "
        "reported for the month.",
        "Leads' monthly progress updates (programme).",
        "pence", "programme.selectors.savings_forecast_at", reuses=("programme_summary",),
    ),
    Measure(
        "deficit_after_mitigations_identified",
        "Over the cap after mitigations identified",
        "The forecast in-year deficit less every in-year mitigation identified, against the "
        "Safety Valve cap (over the cap when positive).",
        "The month's ledger forecast outturn, High Needs income, the agreement's cap and the "
        "mitigations identified for the year (finance).",
        "pence", "finance.selectors.measures.deficit_after_mitigations_identified",
        reuses=("finance_summary",),
    ),
    Measure(
        "deficit_after_expected_mitigation_delivery",
        "Over the cap after expected mitigation delivery",
        "The baseline scenario's in-year deficit, counting only the share of mitigations it "
        "expects to be delivered, against the Safety Valve cap (over the cap when positive).",
        "The newest trajectory run of the baseline scenario, computed from the latest ledger "
        "month (finance).",
        "pence", "finance.selectors.measures.deficit_after_expected_mitigation_delivery",
        reuses=("baseline_trajectory", "ledger_periods"),
    ),
)}


def get(code: str) -> Measure:
    """The measure with this code (a KeyError names an unknown code)."""
    return MEASURES[code]


def value(code: str, *, on: dt.date, **given: Any) -> Any:
    """A measure's value as at a date, from its registered selector."""
    return MEASURES[code].value(on=on, **given)


def values(codes: list[str], *, on: dt.date, **given: Any) -> dict[str, Any]:
    """Several measures as at one date, by code (what a page passes to its template); `given`:
    the summaries the page already holds for that date (`cohort_summary=…`), read once."""
    return {code: value(code, on=on, **given) for code in codes}


def series(code: str, *, dates: list[dt.date]) -> list[Any]:
    """A measure at each of several dates (a KPI's history), from its registered selector."""
    return MEASURES[code].series(dates=dates)
