"""Querysets for the finance API's lists (no child-level data: every role may read them)."""

from __future__ import annotations

from django.db.models import QuerySet

from finance.models import (
    AgreementTarget,
    AgreementVersion,
    BudgetLine,
    Condition,
    Instalment,
    Mitigation,
    MonitoringReturn,
    MonthlyForecast,
    Pressure,
    Scenario,
)


def budget_lines() -> QuerySet[BudgetLine]:
    """Budget lines, in display order."""
    return BudgetLine.objects.order_by("order", "code")


def forecasts() -> QuerySet[MonthlyForecast]:
    """Forecasts, in display order."""
    return MonthlyForecast.objects.select_related("line").order_by("year", "period", "line__order")


def pressures() -> QuerySet[Pressure]:
    """Pressures, in display order."""
    return Pressure.objects.order_by("year", "kind")


def mitigations() -> QuerySet[Mitigation]:
    """Mitigations, in display order."""
    return Mitigation.objects.order_by("year", "-value_pence", "name")


def agreement_versions() -> QuerySet[AgreementVersion]:
    """Agreement versions, in display order."""
    return AgreementVersion.objects.prefetch_related("targets").order_by("agreement", "number")


def agreement_targets() -> QuerySet[AgreementTarget]:
    """Agreement targets, in display order."""
    return AgreementTarget.objects.order_by("version", "year")


def instalments() -> QuerySet[Instalment]:
    """Instalments, in display order."""
    return Instalment.objects.order_by("agreement", "year")


def conditions() -> QuerySet[Condition]:
    """Conditions, in display order."""
    return Condition.objects.order_by("agreement", "order", "pk")


def monitoring_returns() -> QuerySet[MonitoringReturn]:
    """Monitoring returns, in display order."""
    return MonitoringReturn.objects.order_by("agreement", "due_on")


def scenarios() -> QuerySet[Scenario]:
    """Scenarios, in display order."""
    return Scenario.objects.order_by("-is_baseline", "name")
