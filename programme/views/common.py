"""What the programme pages share: reading the year and period from the query string."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpRequest

from send_tracker.fiscal import FinancialYear, parse_period, period_label
from send_tracker.reporting import open_period, reporting_month


@dataclass
class YearPeriod:
    """The year and period a page shows, and any problem with what was asked for."""

    year: FinancialYear
    period: int
    errors: list[dict[str, str]] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{period_label(self.period)} {self.year.label}"

    @property
    def error_links(self) -> list[dict[str, str]]:
        """The problems as entries of components/error_summary.html, each linked to its field."""
        return [{"href": f"#{e['field']}", "text": f"{e['message']} Showing {self.label} instead."}
                for e in self.errors]

    @property
    def query(self) -> str:
        return f"year={self.year.slug}&period={self.period}"


def year_period_from(request: HttpRequest, *, default: str = "reporting_month") -> YearPeriod:
    """`?year=2024-25&period=6`; missing or malformed values fall back to the default period.

    `default="reporting_month"`: the reporting calendar's last closed period (what pages show);
    `"open"`: the open period, which leads are reporting on now.
    """
    year_text, period_text = request.GET.get("year"), request.GET.get("period")
    year, period = open_period() if default == "open" else reporting_month()
    errors: list[dict[str, str]] = []
    if year_text:
        try:
            year = FinancialYear.parse(year_text)
        except ValueError as exc:
            errors.append({"field": "year", "message": str(exc)})
    if period_text:
        try:
            period = parse_period(period_text)
        except ValueError as exc:
            errors.append({"field": "period", "message": str(exc)})
    return YearPeriod(year=year, period=period, errors=errors)


def period_choices() -> list[tuple[int, str]]:
    return [(p, period_label(p)) for p in range(1, 13)]
