"""Small SQL expressions the selectors share (PostgreSQL date arithmetic)."""

from __future__ import annotations

import datetime as dt

from django.db.models import DateField, F, Func, IntegerField, Q, QuerySet

from placements.models import Placement

# Older than 16 weeks: requested more than 112 days before the date.
BACKLOG_DAYS = 16 * 7
WITHIN_DAYS = 20 * 7


class MonthOf(Func):
    """The first day of the month of a date plus `plus_days` (PostgreSQL: date + int is a date)."""

    output_field = DateField()

    def __init__(self, expression, plus_days: int = 0, **extra):
        super().__init__(expression, **extra)
        self.plus_days = int(plus_days)

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(date_trunc('month', ({sql}) + {self.plus_days}))::date", params


class DaysBetween(Func):
    """Whole days from the first date to the second (PostgreSQL date − date is an integer)."""

    output_field = IntegerField()
    template = "(%(expressions)s)"
    arg_joiner = " - "

    def __init__(self, start: str, end: str):
        super().__init__(F(end), F(start))


def open_placements(on: dt.date) -> QuerySet[Placement]:
    """Placements open on a date: started, not ended before it, not cancelled."""
    return Placement.objects.exclude(status=Placement.Status.CANCELLED).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on), start_date__lte=on
    )


def one_year_before(on: dt.date) -> dt.date:
    """The same day a year earlier (29 February falls back to the 28th)."""
    try:
        return on.replace(year=on.year - 1)
    except ValueError:
        return on.replace(year=on.year - 1, day=28)


def month_end(day: dt.date) -> dt.date:
    """The last day of the date's month."""
    first_next = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return first_next - dt.timedelta(days=1)


def month_ends(on: dt.date, months: int) -> list[dt.date]:
    """The last `months` month ends on or before `on` (oldest first)."""
    last = on if month_end(on) == on else on.replace(day=1) - dt.timedelta(days=1)
    ends = [last]
    while len(ends) < months:
        ends.append(ends[-1].replace(day=1) - dt.timedelta(days=1))
    return list(reversed(ends))
