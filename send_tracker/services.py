"""Writes of the shared reporting calendar: closing the open period, editing a period's dates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from send_tracker import reporting
from send_tracker.fiscal import FinancialYear, period_end
from send_tracker.models import ReportingPeriod
from send_tracker.permissions import can
from send_tracker.reporting import default_dates, month_label, next_period


@transaction.atomic
def reporting_calendar_start(*, user: Any = None) -> ReportingPeriod:
    """Store the open period of a calendar that has none yet (a new database): the period the
    wall-clock rule, or the last closed period, gives. Returns the open period's row."""
    existing = ReportingPeriod.objects.filter(state=ReportingPeriod.State.OPEN).first()
    if existing is not None:
        return existing
    # One starter at a time: the lock is on the table, held to commit, and only ever taken
    # when the calendar has no open period, i.e. once in a database's life.
    with connection.cursor() as cursor:
        cursor.execute("LOCK TABLE send_tracker_reportingperiod IN SHARE ROW EXCLUSIVE MODE")
    existing = ReportingPeriod.objects.filter(state=ReportingPeriod.State.OPEN).first()
    if existing is not None:
        return existing
    reporting.forget()
    year, period = reporting.derived_open_period()
    row = ReportingPeriod.objects.filter(year=year.start_year, period=period).first()
    if row is None:
        dates = default_dates(year, period)
        row = ReportingPeriod(year=year.start_year, period=period, created_by=user,
                              lead_deadline=dates.lead_deadline,
                              finance_close=dates.finance_close, board_date=dates.board_date)
    row.state = ReportingPeriod.State.OPEN
    row.updated_by = user
    row.full_clean()
    row.save()
    reporting.forget()
    return row


@transaction.atomic
def reporting_period_close(*, user: Any, year: FinancialYear, period: int) -> ReportingPeriod:
    """Close the open period (the one the user confirmed) and open the next.

    The user names the period they confirmed, so a double click or two officers closing at once
    can never close two months: exactly one close wins, the other is told it is already closed.
    """
    if not can(user, "close_period"):
        raise PermissionDenied("Only a programme manager, finance officer or administrator can "
                               "close a reporting period.")
    reporting_calendar_start(user=user)
    label = month_label(year, period)
    month_end = period_end(year, period)
    if timezone.localdate() <= month_end:
        # The one wall-clock rule of the calendar: a month cannot be reported before it ends.
        raise ValidationError(f"{label} cannot be closed before the month ends "
                              f"({month_end:%-d %B %Y}).")
    # The row lock serialises two closes of the same period: the second waits, then reads the
    # row as the first left it (closed) and is refused.
    closed = ReportingPeriod.objects.select_for_update().filter(
        year=year.start_year, period=period
    ).first()
    if closed is None or closed.state != ReportingPeriod.State.OPEN:
        if closed is not None and closed.state == ReportingPeriod.State.CLOSED:
            raise ValidationError(f"{label} is already closed.")
        raise ValidationError(f"{label} is not the open period, so it cannot be closed.")
    closed.state = ReportingPeriod.State.CLOSED
    closed.closed_at = timezone.now()
    closed.closed_by = user
    closed.updated_by = user
    closed.full_clean()
    closed._change_reason = "Closed"
    closed.save()
    next_year, next_p = next_period(year, period)
    following = ReportingPeriod.objects.select_for_update().filter(
        year=next_year.start_year, period=next_p
    ).first()
    if following is None:
        dates = default_dates(next_year, next_p)
        following = ReportingPeriod(
            year=next_year.start_year, period=next_p, lead_deadline=dates.lead_deadline,
            finance_close=dates.finance_close, board_date=dates.board_date, created_by=user,
        )
    following.state = ReportingPeriod.State.OPEN
    following.updated_by = user
    following.full_clean()
    following.save()
    reporting.forget()
    return closed


@transaction.atomic
def reporting_period_dates_set(
    *,
    user: Any,
    year: FinancialYear,
    period: int,
    lead_deadline: dt.date,
    finance_close: dt.date,
    board_date: dt.date,
) -> ReportingPeriod:
    """Set a period's lead deadline, finance close and board date (e.g. for a bank holiday)."""
    if not can(user, "close_period"):
        raise PermissionDenied("Only a programme manager, finance officer or administrator can "
                               "change the reporting calendar.")
    reporting_calendar_start(user=user)
    label = month_label(year, period)
    row = ReportingPeriod.objects.select_for_update().filter(
        year=year.start_year, period=period
    ).first()
    if row is not None and row.state == ReportingPeriod.State.CLOSED:
        raise ValidationError(f"{label} is closed: its dates can no longer change.")
    end = period_end(year, period)
    errors: dict[str, str] = {}
    for field, value, name in (("lead_deadline", lead_deadline, "The lead deadline"),
                               ("finance_close", finance_close, "The finance close"),
                               ("board_date", board_date, "The board date")):
        if value <= end:
            errors[field] = f"{name} must be after the month ends ({end:%-d %B %Y})."
    if "board_date" not in errors and board_date < finance_close:
        errors["board_date"] = "The board date cannot be before the finance close."
    if errors:
        raise ValidationError(errors)
    if row is None:
        row = ReportingPeriod(year=year.start_year, period=period, created_by=user)
    row.lead_deadline = lead_deadline
    row.finance_close = finance_close
    row.board_date = board_date
    row.updated_by = user
    row.full_clean()
    row.save()
    reporting.forget()
    return row
