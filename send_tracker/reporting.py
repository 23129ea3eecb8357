"""The reporting calendar's two questions: which period leads report on, and which month pages show.

Every app asks these two functions, never the wall clock. (Until the calendar's periods are kept
in the database, both follow the update deadline in programme.periods' rule: the open period is
last month until its deadline passes, then this month; the reporting month is the one before it.)
"""

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


def open_period(*, today: dt.date | None = None) -> tuple[FinancialYear, int]:
    """The one open period: the month leads report on now."""
    today = today or timezone.localdate()
    year, period = current_period(today)
    last_year, last_period = previous_period(year, period)
    deadline = add_working_days(
        period_end(last_year, last_period), settings.PROGRESS_UPDATE_DEADLINE_WORKING_DAY
    )
    if today <= deadline:
        return last_year, last_period
    return year, period


def reporting_month(*, today: dt.date | None = None) -> tuple[FinancialYear, int]:
    """The last closed period: the month every page shows unless the user picks another."""
    return previous_period(*open_period(today=today))
