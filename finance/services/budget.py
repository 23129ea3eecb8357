"""Writes of budget monitoring: lines, budgets, ledger, income, outturns, pressures, mitigations."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from finance.models import (
    Budget,
    BudgetLine,
    DeficitOutturn,
    HighNeedsIncome,
    Mitigation,
    MonthlyForecast,
    Pressure,
)
from finance.services.common import save_audited, update_audited
from send_tracker.fiscal import FinancialYear


def _upsert(
    model, *, key: dict[str, Any], values: dict[str, Any], user: Any, recompute: bool = True
):
    """Create the row with this natural key, or change its values (saved only if they differ)."""
    row = model.objects.select_for_update().filter(**key).first()
    if row is None:
        return save_audited(model(**key, **values), user=user, recompute=recompute)
    if all(getattr(row, name) == value for name, value in values.items()):
        return row
    for name, value in values.items():
        setattr(row, name, value)
    return save_audited(row, user=user, recompute=recompute)


@transaction.atomic
def budget_line_upsert(*, code: str, name: str, order: int, user: Any = None) -> BudgetLine:
    """Create or rename a High Needs line."""
    return _upsert(
        BudgetLine,
        key={"code": code},
        values={"name": name, "order": order},
        user=user,
        recompute=False,
    )


@transaction.atomic
def budget_set(
    *, line: BudgetLine, year: FinancialYear, budget_pence: int, user: Any = None
) -> Budget:
    """Set a line's approved budget for a year."""
    return _upsert(Budget, key={"line": line, "year": year.start_year},
                   values={"budget_pence": budget_pence}, user=user)


@transaction.atomic
def monthly_forecast_set(
    *,
    line: BudgetLine,
    year: FinancialYear,
    period: int,
    budget_pence: int,
    actual_to_date_pence: int,
    forecast_outturn_pence: int,
    user: Any = None,
) -> MonthlyForecast:
    """Record one line's ledger figures for a period (the import does the same in bulk)."""
    return _upsert(
        MonthlyForecast,
        key={"line": line, "year": year.start_year, "period": period},
        values={
            "budget_pence": budget_pence,
            "actual_to_date_pence": actual_to_date_pence,
            "forecast_outturn_pence": forecast_outturn_pence,
        },
        user=user,
    )


@transaction.atomic
def high_needs_income_set(
    *, year: FinancialYear, allocation_pence: int, user: Any = None
) -> HighNeedsIncome:
    """Enter the High Needs Block allocation for a year."""
    return _upsert(
        HighNeedsIncome,
        key={"year": year.start_year},
        values={"allocation_pence": allocation_pence},
        user=user,
    )


@transaction.atomic
def deficit_outturn_set(
    *, year: FinancialYear, in_year_deficit_pence: int, cumulative_deficit_pence: int,
    user: Any = None,
) -> DeficitOutturn:
    """Enter a year's actual in-year and cumulative DSG deficit from the accounts."""
    return _upsert(
        DeficitOutturn,
        key={"year": year.start_year},
        values={
            "in_year_deficit_pence": in_year_deficit_pence,
            "cumulative_deficit_pence": cumulative_deficit_pence,
        },
        user=user,
    )


@transaction.atomic
def pressure_set(
    *,
    year: FinancialYear,
    kind: str,
    amount_pence: int,
    basis: str = "",
    derived: bool = False,
    user: Any = None,
) -> Pressure:
    """Enter (or derive) a year's pressure of one kind."""
    return _upsert(
        Pressure,
        key={"year": year.start_year, "kind": kind},
        values={"amount_pence": amount_pence, "basis": basis, "derived": derived},
        user=user,
        recompute=False,
    )


@transaction.atomic
def pressures_derive(*, year: FinancialYear, period: int, user: Any = None) -> list[Pressure]:
    """Recompute the pressures the placements data can give (inflation, demand)."""
    from finance.selectors.summary import derived_pressures

    return [
        pressure_set(
            year=year,
            kind=kind,
            amount_pence=value["amount_pence"],
            basis=value["basis"],
            derived=True,
            user=user,
        )
        for kind, value in derived_pressures(year=year, period=period).items()
    ]


@transaction.atomic
def mitigation_create(
    *,
    year: FinancialYear,
    name: str,
    value_pence: int,
    confidence: str,
    status: str,
    owner: str = "",
    user: Any = None,
) -> Mitigation:
    """Add an in-year mitigation."""
    return save_audited(
        Mitigation(
            year=year.start_year,
            name=name,
            value_pence=value_pence,
            confidence=confidence,
            status=status,
            owner=owner,
        ),
        user=user,
    )


@transaction.atomic
def mitigation_update(
    *,
    mitigation: Mitigation,
    fields: dict[str, Any],
    read_version: int | None = None,
    user: Any = None,
) -> Mitigation:
    """Change a mitigation; refused if someone saved it since the form was read."""
    return update_audited(mitigation, fields=fields, read_version=read_version, user=user)

