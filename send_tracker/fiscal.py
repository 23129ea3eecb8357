"""The fiscal calendar: financial years April–March labelled `2024/25`, periods P1 (April)–P12.

"Month 6" is P6, September. Every date-to-period rule lives here.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

_YEAR_RE = re.compile(r"^\s*(\d{4})\s*[/-]\s*(\d{2}|\d{4})\s*$")
# The dates anyone may enter (pages, API, imports): the programme's plausible span, with room.
# Outside it, date arithmetic (a year later, the financial year after) could overflow.
EARLIEST_DATE = dt.date(2000, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
DATE_RANGE_TEXT = "between 2000 and 2100"


def date_out_of_range(day: dt.date | None) -> str | None:
    """Why a date a user gave is outside the range every date must be in, or None."""
    if day is not None and not (EARLIEST_DATE <= day <= LATEST_DATE):
        return f"must be a date {DATE_RANGE_TEXT}"
    return None


@dataclass(frozen=True, order=True)
class FinancialYear:
    """A financial year, identified by the calendar year in which it starts (2024 → 2024/25)."""

    start_year: int

    @classmethod
    def parse(cls, text: str | int | FinancialYear) -> FinancialYear:
        """Read `2024/25`, `2024-25` or `2024-2025`; raises ValueError with a plain message."""
        if isinstance(text, FinancialYear):
            return text
        if isinstance(text, int):
            return cls(text)
        match = _YEAR_RE.match(str(text))
        if not match:
            raise ValueError(f"'{text}' is not a financial year: write it as 2024/25 or 2024-25.")
        start = int(match.group(1))
        end = match.group(2)
        expected_end = start + 1
        if (len(end) == 2 and int(end) != expected_end % 100) or (
            len(end) == 4 and int(end) != expected_end
        ):
            raise ValueError(
                f"'{text}' is not a financial year: the second year must follow the first "
                f"({start}/{expected_end % 100:02d})."
            )
        if not 2000 <= start <= 2099:
            raise ValueError(
                f"'{text}' is outside the years the tracker accepts (2000/01–2099/00)."
            )
        return cls(start)

    @classmethod
    def containing(cls, day: dt.date) -> FinancialYear:
        """The financial year a date falls in (1 April starts a new one)."""
        return cls(day.year if day.month >= 4 else day.year - 1)

    @property
    def label(self) -> str:
        """`2024/25`."""
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    @property
    def slug(self) -> str:
        """`2024-25`, for URLs and query strings."""
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"

    @property
    def start(self) -> dt.date:
        return dt.date(self.start_year, 4, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.start_year + 1, 3, 31)

    def __add__(self, years: int) -> FinancialYear:
        return FinancialYear(self.start_year + years)

    def __sub__(self, other: int | FinancialYear) -> FinancialYear | int:
        if isinstance(other, FinancialYear):
            return self.start_year - other.start_year
        return FinancialYear(self.start_year - other)

    def __str__(self) -> str:
        return self.label


PERIODS = range(1, 13)  # P1 is April, P12 is March
# The database CHECK every table with a period column keeps to.
PERIOD_RANGE = Q(period__gte=PERIODS[0]) & Q(period__lte=PERIODS[-1])


def period_choices(*, short: bool = False) -> list[tuple[int, str]]:
    """The twelve periods for a select: `P6 (September)`, or `P6` when short."""
    return [(p, f"P{p}" if short else period_label(p)) for p in PERIODS]


def parse_period(value: str | int) -> int:
    """Read a period `6`, `P6` or `p06`; raises ValueError unless it is 1–12."""
    text = str(value).strip().upper().removeprefix("P").removeprefix("M")
    if not text.isascii() or not text.isdigit() or int(text) not in PERIODS:
        raise ValueError(f"'{value}' is not a period: use a number from 1 (April) to 12 (March).")
    return int(text)


def period_of(day: dt.date) -> int:
    """The period a date falls in: April is P1, March is P12."""
    return (day.month - 4) % 12 + 1


def period_month(year: FinancialYear, period: int) -> tuple[int, int]:
    """(calendar year, month) of a period."""
    month = (period + 2) % 12 + 1
    return (year.start_year if month >= 4 else year.start_year + 1, month)


def period_start(year: FinancialYear, period: int) -> dt.date:
    cal_year, month = period_month(year, period)
    return dt.date(cal_year, month, 1)


def period_end(year: FinancialYear, period: int) -> dt.date:
    cal_year, month = period_month(year, period)
    return dt.date(cal_year, month, calendar.monthrange(cal_year, month)[1])


def period_label(period: int) -> str:
    """`P6 (September)`."""
    return f"P{period} ({calendar.month_name[period_month(FinancialYear(2000), period)[1]]})"


def current_period(today: dt.date | None = None) -> tuple[FinancialYear, int]:
    """The financial year and period containing today."""
    today = today or timezone.localdate()
    return FinancialYear.containing(today), period_of(today)


def previous_period(year: FinancialYear, period: int) -> tuple[FinancialYear, int]:
    """The period before, crossing into the previous year from P1."""
    return (year, period - 1) if period > 1 else (year - 1, 12)


def add_working_days(day: dt.date, days: int) -> dt.date:
    """The date `days` working days (Monday–Friday) after `day`; bank holidays are not modelled."""
    step = 1 if days >= 0 else -1
    remaining = abs(days)
    while remaining:
        day += dt.timedelta(days=step)
        if day.weekday() < 5:
            remaining -= 1
    return day
