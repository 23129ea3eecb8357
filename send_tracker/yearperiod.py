"""The year and period a page shows, read from its query string (`?year=2024-25&period=6`): the
one reader for every page. A malformed value is reported (`chosen.errors`, shown above the page
by templates/components/error_summary.html) and the default shown instead: never a 500."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from django.http import HttpRequest

from send_tracker.fiscal import FinancialYear, parse_period, period_label
from send_tracker.reporting import open_period, reporting_month

Default = Literal["reporting_month", "open"] | tuple[FinancialYear, int]


@dataclass
class ChosenPeriod:
    """The year and period a page shows, and any problem with what was asked for."""

    year: FinancialYear
    period: int
    errors: list[dict[str, str]] = field(default_factory=list)
    period_asked: bool = False  # the query named a (valid) period
    year_only: bool = False  # a page of a whole year: the period is not read

    @property
    def label(self) -> str:
        if self.year_only:
            return self.year.label
        return f"{period_label(self.period)} {self.year.label}"

    @property
    def error_links(self) -> list[dict[str, str]]:
        """The problems as entries of components/error_summary.html, each linked to its field."""
        return [{"href": f"#{e['field']}", "text": f"{e['message']} Showing {self.label} instead."}
                for e in self.errors]

    @property
    def query(self) -> str:
        return f"year={self.year.slug}&period={self.period}"


def year_period_from(request: HttpRequest, *, default: Default = "reporting_month",
                     year_only: bool = False) -> ChosenPeriod:
    """`?year=2024-25&period=6`; a missing or malformed value falls back to the default's.

    `default="reporting_month"`: the reporting calendar's last closed period (what pages show);
    `"open"`: the open period, which leads are reporting on now; or a (year, period) of the
    page's own (the newest ledger month, say). `year_only` for a page of a whole year.
    """
    if default == "open":
        year, period = open_period()
    elif default == "reporting_month":
        year, period = reporting_month()
    else:
        year, period = default
    chosen = ChosenPeriod(year=year, period=period, year_only=year_only)
    year_text = request.GET.get("year")
    period_text = None if year_only else request.GET.get("period")
    if year_text:
        try:
            chosen.year = FinancialYear.parse(year_text)
        except ValueError as exc:
            chosen.errors.append({"field": "year", "message": str(exc)})
    if period_text:
        try:
            chosen.period = parse_period(period_text)
            chosen.period_asked = True
        except ValueError as exc:
            chosen.errors.append({"field": "period", "message": str(exc)})
    return chosen
