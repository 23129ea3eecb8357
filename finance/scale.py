"""The finance part of the scale data set (DESIGN "Speed and scale"), for benchmarks only.

20 High Needs lines × 60 periods of ledger: the demo's lines plus scale lines, from 2019/20
P7 to 2024/25 P6 (so the tracker's 'current' month stays the demo's Month 6). Rows the demo
already has are kept. Bulk inserts with a fixed seed: no change history for these rows.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from finance.models import Budget, BudgetLine, MonthlyForecast

LAST = (2024, 6)
M = 100_000_000  # pence in £1m


def _periods(count: int) -> list[tuple[int, int]]:
    year, period = LAST
    out = []
    for _ in range(count):
        out.append((year, period))
        year, period = (year, period - 1) if period > 1 else (year - 1, 12)
    return sorted(out)


def seed_scale(
    *, lines: int = 20, periods: int = 60, seed: int = 20240630,
    log: Callable[[str], None] = lambda message: None,
) -> int:
    """Create the scale lines and fill the ledger to lines × periods once; returns rows added."""
    if BudgetLine.objects.filter(code__startswith="9.").exists():
        log("finance scale data already present")
        return 0
    rng = random.Random(seed)  # noqa: S311 - synthetic benchmark data, not security
    start = BudgetLine.objects.count()
    BudgetLine.objects.bulk_create(
        BudgetLine(code=f"9.{n + 1}", name=f"Scale line {n + 1}", order=100 + n)
        for n in range(max(lines - start, 0))
    )
    all_lines = list(BudgetLine.objects.order_by("order", "code")[:lines])
    slots = _periods(periods)
    years = sorted({year for year, _ in slots})
    budgets: dict[tuple[int, int], int] = {
        (line_id, year): pence for line_id, year, pence in Budget.objects.values_list(
            "line_id", "year", "budget_pence")
    }
    new_budgets = []
    for line in all_lines:
        for year in years:
            if (line.pk, year) not in budgets:
                budgets[line.pk, year] = rng.randint(5, 300) * M // 10
                new_budgets.append(
                    Budget(line=line, year=year, budget_pence=budgets[line.pk, year]))
    Budget.objects.bulk_create(new_budgets, batch_size=2000)
    rows = []
    for line in all_lines:
        for year, period in slots:
            budget = budgets[line.pk, year]
            outturn = budget + budget * rng.randint(-5, 15) // 100
            rows.append(MonthlyForecast(
                line=line, year=year, period=period, budget_pence=budget,
                actual_to_date_pence=outturn * period // 12, forecast_outturn_pence=outturn,
            ))
    made = MonthlyForecast.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    log(f"finance scale data: {len(all_lines)} lines × {len(slots)} periods of ledger "
        f"({len(made)} rows tried, the demo's rows kept)")
    return len(made)
