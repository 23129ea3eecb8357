"""Loads ledger files (budget monitoring) through send_tracker.imports.

`python manage.py import_file ledger PATH` or the imports page. All-or-nothing, row-level
problems, and idempotent: the natural key is (line, year, period).
"""

from __future__ import annotations

import pandas as pd

from finance.models import Budget, BudgetLine, MonthlyForecast
from send_tracker.fiscal import FinancialYear
from send_tracker.imports import Column, ImportFormat, Problems, WriteResult, register, upsert

# The s251 High Needs lines (DOMAIN.md section 2): code → name.
S251_LINES = {
    "1.0.2": "High needs place funding",
    "1.2.1": "Top-up – maintained schools",
    "1.2.2": "Top-up – academies, free schools and colleges",
    "1.2.3": "Top-up and other funding – non-maintained and independent providers",
    "1.2.4": "Additional high-needs targeted funding for mainstream",
    "1.2.5": "SEN support services",
    "1.2.6": "Hospital education",
    "1.2.7": "Other AP services",
    "1.2.8": "Support for inclusion",
    "1.2.9": "Special schools/PRUs in financial difficulty",
    "1.2.10": "PFI/BSF",
    "1.2.11": "Direct payments (SEN and disability)",
    "1.2.13": "Therapies and other health-related services",
}
LINE_CODES = list(S251_LINES)


@register
class LedgerFormat(ImportFormat):
    kind = "ledger"
    label = "Monthly ledger (budget monitoring)"
    cadence = "monthly"
    description = (
        "One row per High Needs line per period: the budget, spend to date and the "
        "forecast outturn for the year, in pounds."
    )
    columns = [
        Column("year", "year"),
        Column("period", "period"),
        Column("line_code", "code", choices=LINE_CODES),
        Column("budget", "money"),
        Column("actual_to_date", "money"),
        Column("forecast_outturn", "money"),
    ]
    example = {
        "year": "2024/25",
        "period": "6",
        "line_code": "1.2.3",
        "budget": "£45,000,000",
        "actual_to_date": "£26,000,000.00",
        "forecast_outturn": "£53,600,000",
    }

    def check(self, df: pd.DataFrame, problems: Problems) -> None:
        """One row per line, year and period; spend and forecasts are not negative."""
        key = df[["line_code", "year", "period"]]
        problems.where(
            key.notna().all(axis=1) & key.duplicated(keep=False),
            "line_code",
            "appears more than once for the same year and period",
        )
        problems.where(df["actual_to_date"] < 0, "actual_to_date", "is negative")
        problems.where(df["forecast_outturn"] < 0, "forecast_outturn", "is negative")

    def write(self, df: pd.DataFrame, *, user) -> WriteResult:
        """Upsert the forecasts, and each line's approved budget from its latest period."""
        lines = _ensure_lines(set(df["line_code"]), user=user)
        frame = df.assign(line_id=df["line_code"].map(lines))
        result = upsert(
            MonthlyForecast,
            frame,
            key=["line_id", "year", "period"],
            fields={
                "line_id": "line_id",
                "year": "year",
                "period": "period",
                "budget": "budget_pence",
                "actual_to_date": "actual_to_date_pence",
                "forecast_outturn": "forecast_outturn_pence",
            },
            user=user,
        )
        latest = frame.sort_values("period").groupby(["line_id", "year"], as_index=False).last()
        upsert(
            Budget,
            latest,
            key=["line_id", "year"],
            fields={"line_id": "line_id", "year": "year", "budget": "budget_pence"},
            user=user,
        )
        if result.created or result.updated:
            from finance.services import pressures_derive
            from finance.services.recompute import trajectory_recompute_request

            # A new month: the pressures the cohort can give are re-derived for it.
            latest_year = int(frame["year"].max())
            latest_period = int(frame.loc[frame["year"] == latest_year, "period"].max())
            pressures_derive(year=FinancialYear(latest_year), period=latest_period,
                             user=_user(user))
            trajectory_recompute_request()
        return result


def _user(user):
    return user if getattr(user, "is_authenticated", False) else None


def _ensure_lines(codes: set[str], *, user) -> dict[str, int]:
    """Code → line id, creating any s251 line not yet in the database."""
    existing = dict(BudgetLine.objects.filter(code__in=codes).values_list("code", "pk"))
    user = _user(user)
    for code in sorted(codes - set(existing)):
        line = BudgetLine.objects.create(
            code=code,
            name=S251_LINES[code],
            order=LINE_CODES.index(code),
            created_by=user,
            updated_by=user,
        )
        existing[code] = line.pk
    return existing
