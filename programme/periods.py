"""The monthly update calendar as programme sees it: deadlines, reminders, closed periods.

Every answer comes from the shared reporting calendar (send_tracker.reporting): the period
leads report on is its open period, a period is closed once the calendar has moved past it,
and a period's deadline is the one stored for it (edited for bank holidays).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from send_tracker import reporting
from send_tracker.fiscal import FinancialYear, add_working_days

REMINDER_WORKING_DAYS_BEFORE = 5


def local_today() -> dt.date:
    """Today in the council's time zone (Europe/London): for reminders, never for the period."""
    return timezone.localdate()


def update_deadline(year: FinancialYear, period: int) -> dt.date:
    """Updates for a period are due this day: the calendar's lead deadline for the period."""
    return reporting.period_dates(year, period).lead_deadline


def reminder_date(year: FinancialYear, period: int) -> dt.date:
    """Leads with missing updates are reminded from this day: 5 working days before the deadline."""
    return add_working_days(update_deadline(year, period), -REMINDER_WORKING_DAYS_BEFORE)


def is_period_closed(year: FinancialYear, period: int) -> bool:
    """A period is closed once the reporting calendar has closed it (moved past it).

    Only administrators change a closed period's updates, and they give a reason.
    """
    return reporting.is_closed(year, period)


def reporting_period() -> tuple[FinancialYear, int]:
    """The period leads are reporting on: the calendar's open period."""
    return reporting.open_period()
