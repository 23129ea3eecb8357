"""Budget monitoring reads: the ledger by line for a period, movements, RAG on variance."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Sum

from finance.models import Budget, HighNeedsIncome, MonthlyForecast
from send_tracker.dataversion import cached_selector
from send_tracker.fiscal import FinancialYear, previous_period
from send_tracker.money import round_half_up


@cached_selector  # once per data version, not per page
def ledger_periods() -> list[tuple[int, int]]:
    """Every (year, period) with ledger rows, oldest first."""
    return list(
        MonthlyForecast.objects.order_by("year", "period").values_list("year", "period").distinct()
    )


@cached_selector  # asked by several pages' month and the "Latest ledger" notice
def latest_period() -> tuple[int, int] | None:
    """The newest (year, period) loaded: the 'current' year and month of the tracker."""
    row = MonthlyForecast.objects.order_by("-year", "-period").values_list("year", "period").first()
    return tuple(row) if row else None


def variance_rag(*, variance_pence: int, budget_pence: int) -> str:
    """Red when the overspend reaches BUDGET_RAG_RED_PCT of budget or BUDGET_RAG_RED_PENCE,
    whichever is lower; amber from BUDGET_RAG_AMBER_PCT; green otherwise (underspends too)."""
    if variance_pence <= 0:
        return "green"
    budget = Decimal(abs(budget_pence))
    red_at = min(
        budget * Decimal(str(settings.BUDGET_RAG_RED_PCT)) / 100,
        Decimal(settings.BUDGET_RAG_RED_PENCE),
    )
    if variance_pence >= red_at:
        return "red"
    if variance_pence >= budget * Decimal(str(settings.BUDGET_RAG_AMBER_PCT)) / 100:
        return "amber"
    return "green"


def variance_pct(variance_pence: int, budget_pence: int) -> Decimal | None:
    """Variance as % of budget to one decimal place (None where the budget is nil)."""
    if not budget_pence:
        return None
    return round_half_up(Decimal(variance_pence) * 100 / Decimal(budget_pence), 1)


@cached_selector  # once per data version, not per page
def budget_monitoring(*, year: FinancialYear, period: int) -> dict:
    """Budget vs forecast outturn vs actual by line at a period, with movement since the last."""
    rows = list(
        MonthlyForecast.objects.filter(year=year.start_year, period=period)
        .select_related("line")
        .order_by("line__order", "line__code")
    )
    prev_year, prev_period = previous_period(year, period)
    previous = (
        dict(
            MonthlyForecast.objects.filter(
                year=prev_year.start_year, period=prev_period
            ).values_list("line_id", "forecast_outturn_pence")
        )
        if period > 1
        else {}
    )
    lines = []
    totals = {
        "budget_pence": 0,
        "actual_to_date_pence": 0,
        "forecast_outturn_pence": 0,
        "movement_pence": 0,
    }
    for row in rows:
        variance = row.forecast_outturn_pence - row.budget_pence
        before = previous.get(row.line_id)
        movement = row.forecast_outturn_pence - before if before is not None else None
        lines.append(
            {
                "code": row.line.code,
                "name": row.line.name,
                "budget_pence": row.budget_pence,
                "actual_to_date_pence": row.actual_to_date_pence,
                "forecast_outturn_pence": row.forecast_outturn_pence,
                "variance_pence": variance,
                "variance_pct": variance_pct(variance, row.budget_pence),
                "rag": variance_rag(variance_pence=variance, budget_pence=row.budget_pence),
                "movement_pence": movement,
            }
        )
        totals["budget_pence"] += row.budget_pence
        totals["actual_to_date_pence"] += row.actual_to_date_pence
        totals["forecast_outturn_pence"] += row.forecast_outturn_pence
        totals["movement_pence"] += movement or 0
    totals["variance_pence"] = totals["forecast_outturn_pence"] - totals["budget_pence"]
    totals["variance_pct"] = variance_pct(totals["variance_pence"], totals["budget_pence"])
    totals["rag"] = variance_rag(
        variance_pence=totals["variance_pence"], budget_pence=totals["budget_pence"]
    )
    if not previous:
        totals["movement_pence"] = None
    return {"year": year.start_year, "period": period, "lines": lines, "totals": totals}


@cached_selector  # once per data version, not per page
def forecast_by_period(*, year: FinancialYear) -> list[dict]:
    """Total forecast outturn, budget and actual to date at each period of a year."""
    return list(
        MonthlyForecast.objects.filter(year=year.start_year)
        .values("period")
        .annotate(
            forecast_outturn_pence=Sum("forecast_outturn_pence"),
            budget_pence=Sum("budget_pence"),
            actual_to_date_pence=Sum("actual_to_date_pence"),
        )
        .order_by("period")
    )


def ledger_totals(*, year: FinancialYear, period: int) -> dict:
    """Σ budget (approved, else as reported) and Σ forecast outturn at a period, and income.

    One query: these are read on every dashboard and the Overview.
    """
    sql = f"""
        SELECT (SELECT SUM(forecast_outturn_pence) FROM {MonthlyForecast._meta.db_table}
                 WHERE year = %(year)s AND period = %(period)s),
               (SELECT SUM(budget_pence) FROM {MonthlyForecast._meta.db_table}
                 WHERE year = %(year)s AND period = %(period)s),
               (SELECT SUM(budget_pence) FROM {Budget._meta.db_table} WHERE year = %(year)s),
               (SELECT allocation_pence FROM {HighNeedsIncome._meta.db_table}
                 WHERE year = %(year)s)
    """  # noqa: S608 - table names from model metadata; values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, {"year": year.start_year, "period": period})
        forecast, reported, approved, income = cursor.fetchone()
    return {
        "budget_pence": int(approved) if approved is not None else int(reported or 0),
        "forecast_outturn_pence": int(forecast or 0),
        "income_pence": int(income) if income is not None else None,
    }
