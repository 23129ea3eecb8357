"""The reporting calendar's questions: which period leads report on, which month pages show.

Every app asks these functions, never the wall clock. The calendar is stored
(send_tracker.models.ReportingPeriod): exactly one period is open (the month leads report on),
and the reporting month is the last closed one. Periods move on only when someone closes the
open one (send_tracker.services.reporting_period_close).

An empty calendar (a new database) follows the wall clock until it is first changed: the open
period is last month until its lead deadline passes, then this month (`today` overrides the
clock for that fallback only). Reads never write: the first close or date change stores it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone

from send_tracker.dataversion import cached_selector
from send_tracker.fiscal import (
    FinancialYear,
    add_working_days,
    current_period,
    period_end,
    period_month,
    previous_period,
)
from send_tracker.models import ReportingPeriod

YearPeriod = tuple[FinancialYear, int]


@dataclass(frozen=True)
class PeriodDates:
    """A period's deadlines: stored ones, or the default rule for a period not yet stored."""

    lead_deadline: dt.date
    finance_close: dt.date
    board_date: dt.date


def default_dates(year: FinancialYear, period: int) -> PeriodDates:
    """The default deadlines: working days after the month ends (bank holidays not modelled)."""
    end = period_end(year, period)
    return PeriodDates(
        lead_deadline=add_working_days(end, settings.PROGRESS_UPDATE_DEADLINE_WORKING_DAY),
        finance_close=add_working_days(end, settings.FINANCE_CLOSE_WORKING_DAY),
        board_date=add_working_days(end, settings.BOARD_MEETING_WORKING_DAY),
    )


def next_period(year: FinancialYear, period: int) -> YearPeriod:
    """The period after, crossing into the next year from P12."""
    return (year, period + 1) if period < 12 else (year + 1, 1)


def month_label(year: FinancialYear, period: int) -> str:
    """`P6 2024/25 (September 2024)`."""
    cal_year, month = period_month(year, period)
    return f"P{period} {year.label} ({dt.date(cal_year, month, 1):%B %Y})"


def _wall_clock_open_period(today: dt.date) -> YearPeriod:
    """The rule before the calendar is stored: last month until its deadline, then this month."""
    year, period = current_period(today)
    last_year, last_period = previous_period(year, period)
    if today <= default_dates(last_year, last_period).lead_deadline:
        return last_year, last_period
    return year, period


def derived_open_period(*, today: dt.date | None = None) -> YearPeriod:
    """The open period of a calendar with no open row: the one after the last closed period,
    else (an empty calendar) the wall-clock rule. Stored by the first close or date change."""
    _, closed = _stored()
    if closed is not None:
        return next_period(*closed)
    return _wall_clock_open_period(today or timezone.localdate())


def _stored() -> tuple[YearPeriod | None, YearPeriod | None]:
    """The stored open period and the last closed one: asked once per request (the header and
    the page share it; the calendar's services forget the answer when they change it)."""
    memo = getattr(connection, "_send_calendar_memo", None)
    if memo is not None:
        return memo
    result = _calendar()
    if getattr(connection, "_send_in_request", False):
        connection._send_calendar_memo = result
    return result


@cached_selector(share=True)
def _calendar() -> tuple[YearPeriod | None, YearPeriod | None]:
    """The stored open period and the last closed one, in one query (the calendar moves the
    data version: ReportingPeriod.data_versioned)."""
    rows = list(
        ReportingPeriod.objects.exclude(state=ReportingPeriod.State.UPCOMING)
        .order_by("-year", "-period")
        .values_list("year", "period", "state")[:2]
    )
    open_row = next(((FinancialYear(y), p) for y, p, st in rows
                     if st == ReportingPeriod.State.OPEN), None)
    closed = next(((FinancialYear(y), p) for y, p, st in rows
                   if st == ReportingPeriod.State.CLOSED), None)
    return open_row, closed


def forget() -> None:
    """Drop this request's answer (after the calendar changed, and at each request's start)."""
    connection._send_calendar_memo = None


def open_period(*, today: dt.date | None = None) -> YearPeriod:
    """The one open period: the month leads report on now."""
    open_row, _ = _stored()
    return open_row if open_row is not None else derived_open_period(today=today)


def reporting_month(*, today: dt.date | None = None) -> YearPeriod:
    """The last closed period: the month every page shows unless the user picks another."""
    _, closed = _stored()
    if closed is not None:
        return closed
    return previous_period(*open_period(today=today))


def reporting_month_end(*, today: dt.date | None = None) -> dt.date:
    """The last day of the reporting month: "overdue" and "in the future" are judged as at it."""
    return period_end(*reporting_month(today=today))


def is_closed(year: FinancialYear, period: int) -> bool:
    """A period is closed once the calendar has moved past it (the open one and later are not)."""
    open_year, open_p = open_period()
    return (year.start_year, period) < (open_year.start_year, open_p)


@cached_selector(share=True)
def period_dates(year: FinancialYear, period: int) -> PeriodDates:
    """A period's deadlines as stored (edited for bank holidays), else the default rule."""
    row = (
        ReportingPeriod.objects.filter(year=year.start_year, period=period)
        .only("lead_deadline", "finance_close", "board_date").first()
    )
    if row is None:
        return default_dates(year, period)
    return PeriodDates(row.lead_deadline, row.finance_close, row.board_date)


def calendar_rows(*, upcoming: int = 3) -> list[dict]:
    """Every stored period, newest first, plus the next `upcoming` months not yet stored."""
    open_year, open_p = open_period()
    rows = list(ReportingPeriod.objects.select_related("closed_by").order_by("-year", "-period"))
    stored = {(r.year, r.period) for r in rows}
    extra: list[dict] = []
    year, period = open_year, open_p
    for _ in range(upcoming):
        year, period = next_period(year, period)
        if (year.start_year, period) not in stored:
            dates = default_dates(year, period)
            extra.append({"year": year, "period": period, "state": "upcoming",
                          "state_label": "Upcoming", "stored": False,
                          "lead_deadline": dates.lead_deadline,
                          "finance_close": dates.finance_close, "board_date": dates.board_date,
                          "closed_at": None, "closed_by": None,
                          "label": month_label(year, period)})
    result = [{"year": r.fy, "period": r.period, "state": r.state,
               "state_label": r.get_state_display(), "stored": True,
               "lead_deadline": r.lead_deadline, "finance_close": r.finance_close,
               "board_date": r.board_date, "closed_at": r.closed_at, "closed_by": r.closed_by,
               "label": month_label(r.fy, r.period)} for r in rows]
    return sorted(extra, key=lambda r: (r["year"].start_year, r["period"]), reverse=True) + result


def request_boundary(**kwargs) -> None:
    """At each request's start and end: the calendar is asked afresh (once) per request."""
    forget()
