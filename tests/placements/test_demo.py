"""The demo cohort reproduces the briefing's figures, and seeding it twice changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Q, Sum

from placements import demo, selectors
from placements.models import (
    Assessment,
    Child,
    Invoice,
    OverpaymentFlag,
    Placement,
    PlacementDecision,
)
from send_tracker.demo import seed_core_users

D = dt.date


@pytest.mark.slow
@pytest.mark.django_db
def test_the_demo_cohort_reproduces_the_briefings_figures():
    seed_core_users()
    demo.seed(log=lambda message: None)

    assert selectors.plans_at(on=D(2024, 3, 31)) == 8_994
    # Growing 10-15% a year: over the year to Month 6 (the records stop at its end).
    growth = selectors.plans_at(on=D(2024, 9, 30)) / selectors.plans_at(on=D(2023, 9, 30)) - 1
    assert 0.10 <= growth <= 0.15
    month_6_end = D(2024, 9, 30)
    assert not Assessment.objects.filter(
        Q(request_date__gt=month_6_end)
        | Q(decision_date__gt=month_6_end)
        | Q(final_plan_date__gt=month_6_end)
        | Q(closed_date__gt=month_6_end)
    ).exists()
    assert not Placement.objects.filter(
        Q(start_date__gt=month_6_end) | Q(end_date__gt=month_6_end)
    ).exists()
    assert not Invoice.objects.filter(
        Q(period_end__gt=month_6_end) | Q(paid_date__gt=month_6_end)
    ).exists()
    assert not Child.objects.filter(plan_ceased_on__gt=month_6_end).exists()
    month6 = selectors.cohort_summary(on=D(2024, 9, 30))
    assert month6["avg_cost_change_pence"] == 66_600  # "+£666 per plan"
    year = selectors.timeliness_year_to(on=D(2024, 3, 31))
    assert year["within_20_weeks_pct"] < 25
    assert 40 <= year["avg_weeks"] <= 48
    assert month6["backlog_over_16_weeks"] > 500
    inmss = selectors.inmss_share(month6["placements_by_provision_type"])
    assert inmss["avg_cost_pence"] >= 6_000_000
    tuesday = PlacementDecision.objects.filter(panel_date=D(2024, 10, 15))
    assert tuesday.count() == 2
    assert tuesday.aggregate(total=Sum("saving_pence"))["total"] == 14_000_000
    rules = set(OverpaymentFlag.objects.values_list("rule", flat=True))
    assert rules == {"after_end", "duplicate", "above_rate"}

    counts = [m.objects.count() for m in (Child, Placement, Invoice, PlacementDecision)]
    demo.seed(log=lambda message: None)
    assert [m.objects.count() for m in (Child, Placement, Invoice, PlacementDecision)] == counts
