"""The monthly update calendar: when a period's updates are due, and when a period closes."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from send_tracker.fiscal import (
    FinancialYear,
    add_working_days,
    current_period,
    period_end,
    previous_period,
)

REMINDER_WORKING_DAYS_BEFORE = 5


def local_today() -> dt.date:
    """Today in the council's time zone (Europe/London)."""
    return timezone.localdate()


def update_deadline(year: FinancialYear, period: int) -> dt.date:
    """Updates for a period are due this day: N working days after the period ends."""
    return add_working_days(period_end(year, period), settings.PROGRESS_UPDATE_DEADLINE_WORKING_DAY)


def reminder_date(year: FinancialYear, period: int) -> dt.date:
    """Leads with missing updates are reminded from this day: 5 working days before the deadline."""
    return add_working_days(update_deadline(year, period), -REMINDER_WORKING_DAYS_BEFORE)


def is_period_closed(year: FinancialYear, period: int, *, today: dt.date | None = None) -> bool:
    """A period is closed once it is before the current one and its update deadline has passed.

    Only administrators change a closed period's updates, and they give a reason.
    """
    today = today or local_today()
    now_year, now_period = current_period(today)
    if (year.start_year, period) >= (now_year.start_year, now_period):
        return False
    return today > update_deadline(year, period)


def reporting_period(*, today: dt.date | None = None) -> tuple[FinancialYear, int]:
    """The period leads are reporting on: last month until its deadline passes, then this month."""
    today = today or local_today()
    year, period = current_period(today)
    last_year, last_period = previous_period(year, period)
    if not is_period_closed(last_year, last_period, today=today):
        return last_year, last_period
    return year, period
