"""Month-by-month cohort series, computed from a few aggregated queries.

A count "open at each month end" is the running sum of arrivals minus departures bucketed by
month: SQL groups the events, pandas does the running sum. So each series costs one query,
whatever the number of placements or months.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
from django.db import connection
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Least

from placements.models import Assessment, Child, Placement
from placements.selectors._sql import BACKLOG_DAYS, DaysBetween, MonthOf, month_ends
from placements.selectors.cohort import (
    timeliness_counts,
    timeliness_figures,
    with_days_to_issue,
)
from send_tracker.dataversion import cached_selector
from send_tracker.money import round_half_up


def _running_totals(rows: list[dict], points: list[dt.date], key: str | None) -> pd.DataFrame:
    """Running sums of signed `n` (and `cost`) by bucket month, read at each month end."""
    months = [point.replace(day=1) for point in points]
    if not rows:
        return pd.DataFrame(index=months)
    frame = pd.DataFrame.from_records(rows)
    columns = [key] if key else None
    values = ["n", "cost"] if "cost" in frame.columns else ["n"]
    if key is None:
        frame["_all"] = "all"
        columns = ["_all"]
    table = frame.pivot_table(
        index="m", columns=columns, values=values, aggfunc="sum", fill_value=0
    )
    table = table.sort_index().cumsum()
    # Months without events carry the previous total forward.
    table = table.reindex(table.index.union(months)).ffill().fillna(0)
    return table.loc[months].astype("int64")


def placements_by_month(*, points: list[dt.date]) -> dict:
    """Open placements at each month end, by provision type: counts and gross annual cost."""
    live = Placement.objects.exclude(status=Placement.Status.CANCELLED)
    starts = live.values(m=MonthOf(F("start_date")), k=F("provision_type")).annotate(
        n=Count("id"), cost=Sum("annual_cost_pence")
    )
    # A placement ending on day d is still open on d, so it leaves in the month of d + 1.
    ends = (
        live.filter(end_date__isnull=False)
        .values(m=MonthOf(F("end_date"), plus_days=1), k=F("provision_type"))
        .annotate(n=Count("id") * -1, cost=Sum("annual_cost_pence") * -1)
    )
    rows = list(starts.order_by().union(ends.order_by(), all=True))
    table = _running_totals(rows, points, "k")
    types = sorted({row["k"] for row in rows})
    return {
        "points": points,
        "types": types,
        "count": {t: [int(v) for v in table[("n", t)]] if rows else [] for t in types},
        "cost": {t: [int(v) for v in table[("cost", t)]] if rows else [] for t in types},
    }


_PLANS_SQL = """
WITH first_plan AS (
    SELECT child_id, min(final_plan_date) AS issued
    FROM {assessment} WHERE final_plan_date IS NOT NULL GROUP BY child_id
)
SELECT date_trunc('month', f.issued)::date AS m, c.primary_need AS k, count(*) AS n
FROM first_plan f JOIN {child} c ON c.id = f.child_id
GROUP BY 1, 2
UNION ALL
SELECT date_trunc('month', c.plan_ceased_on)::date, c.primary_need, -count(*)
FROM first_plan f JOIN {child} c ON c.id = f.child_id
WHERE c.plan_ceased_on >= f.issued
GROUP BY 1, 2
"""


def plans_by_month(*, points: list[dt.date]) -> dict:
    """Children with an open plan at each month end, by primary need."""
    # A child's plan starts at their first final plan; one ceasing on day d is no longer open
    # on d (plans_at counts ceased_on > date), so it leaves in the month of d. Raw SQL: the ORM
    # cannot group by a month of a per-child minimum without a slow correlated subquery.
    quote = connection.ops.quote_name
    sql = _PLANS_SQL.format(
        assessment=quote(Assessment._meta.db_table), child=quote(Child._meta.db_table)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)  # noqa: S608 - only our own table names are formatted in
        rows = [{"m": m, "k": k, "n": n} for m, k, n in cursor.fetchall()]
    table = _running_totals(rows, points, "k")
    needs = sorted({row["k"] for row in rows})
    by_need = {k: [int(v) for v in table[("n", k)]] for k in needs} if rows else {}
    total = [sum(by_need[k][i] for k in needs) for i in range(len(points))]
    return {"points": points, "needs": needs, "count": by_need, "total": total}


def backlog_by_month(*, points: list[dt.date]) -> list[int]:
    """Open requests older than 16 weeks at each month end."""
    # A request joins the backlog 113 days after it was made and leaves when it is closed.
    closed = Least(F("final_plan_date"), F("closed_date"))
    eligible = (
        Assessment.objects.annotate(closed_on=closed)
        .annotate(wait=DaysBetween("request_date", "closed_on"))
        .filter(Q(closed_on__isnull=True) | Q(wait__gt=BACKLOG_DAYS + 1))
    )
    joins = eligible.values(m=MonthOf(F("request_date"), plus_days=BACKLOG_DAYS + 1)).annotate(
        n=Count("id")
    )
    leaves = (
        eligible.filter(closed_on__isnull=False)
        .values(m=MonthOf(F("closed_on")))
        .annotate(n=Count("id") * -1)
    )
    rows = list(joins.order_by().union(leaves.order_by(), all=True))
    table = _running_totals(rows, points, None)
    return [int(v) for v in table[("n", "all")]] if rows else [0] * len(points)


def timeliness_by_month(*, points: list[dt.date]) -> list[dict]:
    """Plans issued each month: % within 20 weeks (with, without exceptions), average weeks."""
    first = points[0].replace(day=1)
    issued = Assessment.objects.filter(final_plan_date__gte=first, final_plan_date__lte=points[-1])
    rows = (
        with_days_to_issue(issued)
        .values(m=MonthOf(F("final_plan_date")))
        .annotate(**timeliness_counts())
        .order_by("m")
    )
    by_month = {row["m"]: row for row in rows}
    empty = {"issued": 0, "within": 0, "issued_ex": 0, "within_ex": 0, "days_sum": 0}
    return [
        {"month": point, **timeliness_figures(by_month.get(point.replace(day=1), empty))}
        for point in points
    ]


def cohort_series(*, on: dt.date, months: int = 36) -> dict:
    """Every monthly series of the cohort page for the `months` month ends up to `on`."""
    points = month_ends(on, months)
    placements = placements_by_month(points=points)
    plans = plans_by_month(points=points)
    total_cost = [
        sum(placements["cost"][t][i] for t in placements["types"]) for i in range(len(points))
    ]
    avg_cost = [
        int(round_half_up(Decimal(cost) / count)) if count else None
        for cost, count in zip(total_cost, plans["total"], strict=True)
    ]
    return {
        "points": points,
        "placements": placements,
        "plans": plans,
        "avg_cost_per_plan": avg_cost,
        "backlog": backlog_by_month(points=points),
        "timeliness": timeliness_by_month(points=points),
    }


def projection_rows(inputs: dict[str, dict]) -> list[dict]:
    """The trajectory's inputs as table rows: caseload, High Needs cost and unit cost u(p)."""
    rows = [
        {
            "code": code,
            "caseload": item["caseload"],
            "cost_pence": int(round_half_up(item["high_needs_cost_pence"])),
            "unit_pence": int(round_half_up(item["high_needs_cost_pence"] / item["caseload"])),
        }
        for code, item in inputs.items()
        if item["caseload"]
    ]
    return sorted(rows, key=lambda row: -row["cost_pence"])


@cached_selector(share=True)  # once per data version and date, not per page
def cohort_overview(*, on: dt.date) -> dict:
    """Everything the cohort page shows on a date."""
    from placements.selectors.cohort import (
        cohort_projection_inputs,
        cohort_summary,
        in_county_split,
        inmss_share,
        timeliness_year_to,
    )

    summary = cohort_summary(on=on)
    by_type = summary["placements_by_provision_type"]
    return {
        "summary": summary,
        "series": cohort_series(on=on),
        "inmss": inmss_share(by_type),
        "county": in_county_split(on=on),
        "issued": timeliness_year_to(on=on),
        "projection": projection_rows(cohort_projection_inputs(at=on)),
    }
