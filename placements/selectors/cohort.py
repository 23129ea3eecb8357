"""Cohort figures at a date: plans, placements by provision type, unit costs, timeliness, backlog.

Definitions (plans, open requests, open placements) are in placements/models.py.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)

from placements.codes import INMSS
from placements.models import Assessment, Child, Placement
from placements.selectors._sql import (
    BACKLOG_DAYS,
    WITHIN_DAYS,
    DaysBetween,
    month_end,
    one_year_before,
    open_placements,
)
from send_tracker.dataversion import cached_selector
from send_tracker.money import round_half_up
from send_tracker.reporting import reporting_month_end

_HIGH_NEEDS_SHARE_X100 = ExpressionWrapper(
    F("annual_cost_pence") * (100 - F("health_pct") - F("social_care_pct")),
    output_field=DecimalField(max_digits=30, decimal_places=2),
)


def children_with_plan(*, on: dt.date) -> QuerySet[Child]:
    """Children with an issued EHC plan that had not ceased on the date: the one definition of
    "a plan" (placements/models.py) that plans_at and the January census count share."""
    issued = Assessment.objects.filter(child=OuterRef("pk"), final_plan_date__lte=on)
    return Child.objects.filter(Q(plan_ceased_on__isnull=True) | Q(plan_ceased_on__gt=on)).filter(
        Exists(issued)
    )


def plans_at(*, on: dt.date) -> int:
    """Children with an issued EHC plan that had not ceased on the date."""
    return children_with_plan(on=on).count()


def cohort_projection_inputs(*, at: dt.date) -> dict[str, dict]:
    """Caseload and exact High Needs cost (net of health and social care) by provision type."""
    rows = (
        open_placements(at)
        .values("provision_type")
        .annotate(caseload=Count("id"), share_x100=Sum(_HIGH_NEEDS_SHARE_X100))
        .order_by("provision_type")
    )
    return {
        row["provision_type"]: {
            "caseload": row["caseload"],
            "high_needs_cost_pence": Decimal(row["share_x100"]) / 100,
        }
        for row in rows
    }


def placements_by_provision_type(*, on: dt.date) -> dict[str, dict[str, int]]:
    """Open placements on a date by provision type: count and gross annual cost in pence."""
    rows = (
        open_placements(on)
        .values("provision_type")
        .annotate(count=Count("id"), cost=Sum("annual_cost_pence"))
        .order_by("provision_type")
    )
    return {
        row["provision_type"]: {"count": row["count"], "annual_cost_pence": int(row["cost"])}
        for row in rows
    }


def _annual_cost_of_open_placements(on: dt.date) -> int:
    return int(open_placements(on).aggregate(total=Sum("annual_cost_pence"))["total"] or 0)


def avg_cost_per_plan(*, total_pence: int, plans: int) -> int | None:
    """Gross annual cost of open placements per plan, rounded half-up to the penny."""
    if not plans:
        return None
    return int(round_half_up(Decimal(total_pence) / plans))


def with_days_to_issue(assessments: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """Assessments annotated with `days` from request to final plan, which timeliness_counts
    reads."""
    return assessments.annotate(days=DaysBetween("request_date", "final_plan_date"))


def timeliness_counts() -> dict:
    """The counts timeliness_figures needs, as aggregates over assessments with final plans
    (annotated by with_days_to_issue): the 20-week rule, in one place."""
    within = Q(days__lte=WITHIN_DAYS)
    return {
        "issued": Count("id"),
        "within": Count("id", filter=within),
        "issued_ex": Count("id", filter=Q(exception_20wk=False)),
        "within_ex": Count("id", filter=within & Q(exception_20wk=False)),
        "days_sum": Sum("days"),
    }


def timeliness(*, start: dt.date, end: dt.date) -> dict:
    """Plans issued between two dates (inclusive): % within 20 weeks with/without exceptions."""
    issued = Assessment.objects.filter(final_plan_date__gte=start, final_plan_date__lte=end)
    return timeliness_figures(with_days_to_issue(issued).aggregate(**timeliness_counts()))


def timeliness_year_to(*, on: dt.date) -> dict:
    """Timeliness of the plans issued in the year up to and including the date."""
    return timeliness(start=one_year_before(on) + dt.timedelta(days=1), end=on)


def percent(part: int, whole: int) -> float | None:
    """`part` as a percentage of `whole`, rounded half-up to one place (None of nothing)."""
    return float(round_half_up(Decimal(100 * part) / whole, 1)) if whole else None


def timeliness_figures(row: dict) -> dict:
    """Percentages and average weeks from the counts of one period."""

    pct = percent
    issued = row["issued"] or 0
    return {
        "issued": issued,
        "within_20_weeks": row["within"] or 0,
        # DfE's two measures: all plans, and excluding those where an exception applied.
        "within_20_weeks_pct": pct(row["within"] or 0, issued),
        "within_20_weeks_pct_ex": pct(row["within_ex"] or 0, row["issued_ex"] or 0),
        "avg_weeks": float(round_half_up(Decimal(row["days_sum"]) / issued / 7, 1))
        if issued
        else None,
    }


def _in_backlog(on: dt.date) -> Q:
    """Requests open on the date that were made more than 16 weeks (112 days) before it."""
    return (
        Q(request_date__lt=on - dt.timedelta(days=BACKLOG_DAYS))
        & (Q(final_plan_date__isnull=True) | Q(final_plan_date__gt=on))
        & (Q(closed_date__isnull=True) | Q(closed_date__gt=on))
    )


def backlog_over_16_weeks(*, on: dt.date) -> int:
    """Requests open on the date that were made more than 16 weeks (112 days) before it (the
    measure `backlog_over_16_weeks`)."""
    return Assessment.objects.filter(_in_backlog(on)).count()


def backlog_over_16_weeks_series(*, dates: list[dt.date]) -> list[int]:
    """backlog_over_16_weeks at each date, in one query."""
    if not dates:
        return []
    row = Assessment.objects.aggregate(
        **{f"d{i}": Count("id", filter=_in_backlog(day)) for i, day in enumerate(dates)})
    return [row[f"d{i}"] for i in range(len(dates))]


def _rolling_window(on: dt.date) -> Q:
    """Plans issued in the twelve months up to and including the date."""
    return Q(final_plan_date__gt=one_year_before(on), final_plan_date__lte=on)


def within_20_weeks_pct_rolling_12_months(*, on: dt.date) -> float | None:
    """% of the plans issued in the twelve months up to the date issued within 20 weeks (the
    measure `pc_issued_within_20_weeks_rolling_12_months`)."""
    return within_20_weeks_pct_rolling_12_months_series(dates=[on])[0]


def within_20_weeks_pct_rolling_12_months_series(*, dates: list[dt.date]) -> list[float | None]:
    """within_20_weeks_pct_rolling_12_months at each date, in one query."""
    if not dates:
        return []
    issued = Assessment.objects.filter(
        final_plan_date__gt=one_year_before(min(dates)), final_plan_date__lte=max(dates))
    within = Q(days__lte=WITHIN_DAYS)
    counts = {}
    for i, day in enumerate(dates):
        counts[f"i{i}"] = Count("id", filter=_rolling_window(day))
        counts[f"w{i}"] = Count("id", filter=_rolling_window(day) & within)
    row = with_days_to_issue(issued).aggregate(**counts)
    return [percent(row[f"w{i}"], row[f"i{i}"]) for i in range(len(dates))]


@cached_selector  # once per data version, not per page
def cohort_summary(*, on: dt.date) -> dict:
    """The headline cohort figures on a date (exactly the keys of GET /api/v1/cohort/summary/)."""
    before = one_year_before(on)
    plans = plans_at(on=on)
    by_type = placements_by_provision_type(on=on)
    avg = avg_cost_per_plan(
        total_pence=sum(item["annual_cost_pence"] for item in by_type.values()), plans=plans
    )
    avg_before = avg_cost_per_plan(
        total_pence=_annual_cost_of_open_placements(before), plans=plans_at(on=before)
    )
    return {
        "plans": plans,
        "placements_by_provision_type": by_type,
        "avg_cost_per_plan_pence": avg,
        "avg_cost_change_pence": None if avg is None or avg_before is None else avg - avg_before,
        "within_20_weeks_pct": within_20_weeks_pct_rolling_12_months(on=on),
        "backlog_over_16_weeks": backlog_over_16_weeks(on=on),
    }


def in_county_split(*, on: dt.date) -> list[dict]:
    """Open placements on a date in and out of the county: count and annual cost."""
    rows = (
        open_placements(on)
        .values("provider__in_county")
        .annotate(count=Count("id"), cost=Sum("annual_cost_pence"))
        .order_by("-provider__in_county")
    )
    return [
        {
            "in_county": row["provider__in_county"],
            "count": row["count"],
            "cost_pence": int(row["cost"]),
        }
        for row in rows
    ]


def inmss_share(by_type: dict[str, dict[str, int]]) -> dict:
    """Share of open placements and of their cost in INMSS (independent/non-maintained special)."""
    count = sum(v["count"] for k, v in by_type.items() if k in INMSS)
    cost = sum(v["annual_cost_pence"] for k, v in by_type.items() if k in INMSS)
    all_count = sum(v["count"] for v in by_type.values())
    all_cost = sum(v["annual_cost_pence"] for v in by_type.values())

    def pct(part: int, whole: int) -> float | None:
        return float(round_half_up(Decimal(100 * part) / whole, 1)) if whole else None

    return {
        "count": count,
        "cost_pence": cost,
        "count_pct": pct(count, all_count),
        "cost_pct": pct(cost, all_cost),
        "avg_cost_pence": int(round_half_up(Decimal(cost) / count)) if count else None,
    }


def cohort_default_date(*, placements_latest: dt.date | None = None) -> dt.date:
    """The end of the reporting month (the calendar's last closed period): the cohort as the
    pages' month describes it, never a date after it. `placements_latest`: the newest date of
    the placements extract (records.latest_placement_date) when the caller has it already."""
    end = reporting_month_end()
    if placements_latest is None:
        placements_latest = Placement.objects.aggregate(latest=Max("start_date"))["latest"]
    arow = Assessment.objects.aggregate(req=Max("request_date"), plan=Max("final_plan_date"))
    dates = [d for d in (placements_latest, arow["req"], arow["plan"]) if d]
    if not dates:
        return end
    return min(month_end(max(dates)), end)
