"""The reporting calendar's questions: which period leads report on, which month pages show.

Every app asks these functions, never the wall clock. The calendar is stored
(send_tracker.models.ReportingPeriod): exactly one period is open (the month leads report on),
and the reporting month is the last closed one. Periods move on only when someone closes the
open one (send_tracker.services.reporting_period_close).

An empty calendar (a new database) starts itself from the wall clock on first asking: the open
period is last month until its lead deadline passes, then this month (`today` overrides the
clock for that fallback only).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

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


def _start_calendar(today: dt.date | None) -> YearPeriod:
    """Open the first period of an empty calendar (or the one after the last closed period)."""
    last_closed = (
        ReportingPeriod.objects.filter(state=ReportingPeriod.State.CLOSED)
        .order_by("-year", "-period").first()
    )
    if last_closed is not None:
        year, period = next_period(last_closed.fy, last_closed.period)
    else:
        year, period = _wall_clock_open_period(today or timezone.localdate())
    dates = default_dates(year, period)
    try:
        with transaction.atomic():
            ReportingPeriod.objects.update_or_create(
                year=year.start_year, period=period,
                defaults={"state": ReportingPeriod.State.OPEN},
                create_defaults={"state": ReportingPeriod.State.OPEN,
                                 "lead_deadline": dates.lead_deadline,
                                 "finance_close": dates.finance_close,
                                 "board_date": dates.board_date},
            )
    except IntegrityError:
        # Another request opened a period first: the constraint keeps exactly one open.
        row = ReportingPeriod.objects.get(state=ReportingPeriod.State.OPEN)
        return row.fy, row.period
    return year, period


def _open_and_last_closed() -> tuple[ReportingPeriod | None, ReportingPeriod | None]:
    """The open period and the last closed one, in one query."""
    rows = list(
        ReportingPeriod.objects.exclude(state=ReportingPeriod.State.UPCOMING)
        .order_by("-year", "-period")
        .only("year", "period", "state")[:2]
    )
    open_row = next((r for r in rows if r.state == ReportingPeriod.State.OPEN), None)
    closed = next((r for r in rows if r.state == ReportingPeriod.State.CLOSED), None)
    return open_row, closed


def open_period(*, today: dt.date | None = None) -> YearPeriod:
    """The one open period: the month leads report on now."""
    open_row, _ = _open_and_last_closed()
    if open_row is None:
        return _start_calendar(today)
    return open_row.fy, open_row.period


def reporting_month(*, today: dt.date | None = None) -> YearPeriod:
    """The last closed period: the month every page shows unless the user picks another."""
    open_row, closed = _open_and_last_closed()
    if closed is not None:
        return closed.fy, closed.period
    if open_row is None:
        return previous_period(*_start_calendar(today))
    return previous_period(open_row.fy, open_row.period)


def reporting_month_end(*, today: dt.date | None = None) -> dt.date:
    """The last day of the reporting month: "overdue" and "in the future" are judged as at it."""
    return period_end(*reporting_month(today=today))


def is_closed(year: FinancialYear, period: int) -> bool:
    """A period is closed once the calendar has moved past it (the open one and later are not)."""
    open_year, open_p = open_period()
    return (year.start_year, period) < (open_year.start_year, open_p)


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
