"""How recent each source of data is, beside the month a page shows: "Latest ledger: P5 2024/25".

One list of sources (the ledger, the placements extract, invoices, KPI actuals), each with the
selector that gives its newest month by dotted path (this module knows no app, as
`measures.py`). `{% data_month "ledger" %}` asks `lag()` and shows the notice only when the
source is older than the month the page shows: the month chosen in the query
(`?year=…&period=…`), else the reporting month.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.module_loading import import_string

from send_tracker.fiscal import FinancialYear, period_of
from send_tracker.reporting import YearPeriod, reporting_month


@dataclass(frozen=True)
class Source:
    code: str
    label: str  # "Latest ledger"
    what: str  # what loading it means, for the notice: "the monthly ledger"
    selector: str  # dotted path: () -> (start_year, period) | date | None


SOURCES: dict[str, Source] = {s.code: s for s in (
    Source("ledger", "Latest ledger", "the monthly ledger",
           "finance.selectors.budget.latest_period"),
    Source("placements", "Latest placements extract", "the placements extract",
           "placements.selectors.records.latest_placement_date"),
    Source("invoices", "Latest invoices", "the invoices extract",
           "placements.selectors.records.latest_invoice_date"),
    Source("kpi", "Latest KPI actuals", "the KPI actuals",
           "programme.selectors.raid.latest_kpi_actual_date"),
)}


def _as_month(value) -> YearPeriod | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return FinancialYear.containing(value), period_of(value)
    year, period = value
    return FinancialYear.parse(year), int(period)


def latest_month(code: str) -> YearPeriod | None:
    """The newest month the source holds data for (None when it holds none)."""
    return _as_month(import_string(SOURCES[code].selector)())


def month_text(year: FinancialYear, period: int) -> str:
    """`P5 2024/25`."""
    return f"P{period} {year.label}"


def lag(code: str, *, shown: YearPeriod | None = None, latest=None) -> dict | None:
    """What the notice says when the source's newest month is before the month shown (by
    default the reporting month); None when it is up to date or holds nothing yet. `latest`:
    the source's newest month when the page has read it already (its selector's answer)."""
    latest = _as_month(latest) if latest is not None else latest_month(code)
    shown = shown or reporting_month()
    if latest is None or (latest[0].start_year, latest[1]) >= (shown[0].start_year, shown[1]):
        return None
    source = SOURCES[code]
    return {"code": code, "label": source.label, "what": source.what,
            "latest": month_text(*latest), "shown": month_text(*shown)}
