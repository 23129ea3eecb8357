"""Cohort figures worked by hand: plans, projection inputs, unit cost, timeliness, backlog."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from placements import selectors
from placements.models import Placement
from placements.selectors._sql import month_ends
from tests.placements import builders as b

D = dt.date
pytestmark = pytest.mark.django_db


def test_plans_at_counts_issued_plans_not_yet_ceased_once_per_child():
    a = b.child()
    b.assessment(of=a, requested=D(2023, 9, 1), plan=D(2024, 1, 10))
    later = b.child()
    b.assessment(of=later, requested=D(2023, 12, 1), plan=D(2024, 4, 1))
    ceased = b.child(ceased=D(2024, 3, 31))
    b.assessment(of=ceased, requested=D(2022, 6, 1), plan=D(2023, 1, 1))
    twice = b.child()
    b.assessment(of=twice, requested=D(2020, 1, 1), plan=D(2020, 6, 1))
    b.assessment(of=twice, requested=D(2023, 1, 1), plan=D(2023, 6, 1))
    waiting = b.child()
    b.assessment(of=waiting, requested=D(2024, 1, 1))

    assert selectors.plans_at(on=D(2024, 3, 31)) == 2
    assert selectors.plans_at(on=D(2024, 3, 30)) == 3  # the ceased plan still open the day before
    assert selectors.plans_at(on=D(2024, 4, 1)) == 3


def test_projection_inputs_are_exact_high_needs_shares_of_placements_open_on_the_date():
    kid = b.child()
    inmss = b.provider(provision_type="special_independent")
    b.placement(of=kid, at=inmss, start=D(2023, 9, 1), cost_pence=6_000_000, health="10",
                social="15")
    b.placement(of=kid, at=inmss, start=D(2024, 4, 1), cost_pence=6_500_033, health="12.5")
    b.placement(of=kid, start=D(2022, 9, 1), cost_pence=860_000,
                provision_type="mainstream_la_maintained")
    b.placement(of=kid, start=D(2022, 9, 1), end=D(2024, 4, 1), cost_pence=900_000,
                provision_type="mainstream_academy")
    # Not open on 1 April 2024: ended the day before, starts the day after, cancelled.
    b.placement(of=kid, start=D(2022, 9, 1), end=D(2024, 3, 31), cost_pence=1)
    b.placement(of=kid, start=D(2024, 4, 2), cost_pence=1)
    b.placement(of=kid, start=D(2022, 9, 1), cost_pence=1, status=Placement.Status.CANCELLED)

    inputs = selectors.cohort_projection_inputs(at=D(2024, 4, 1))

    assert inputs == {
        # 6,000,000 × 75% + 6,500,033 × 87.5% = 4,500,000 + 5,687,528.875, not rounded
        "special_independent": {"caseload": 2, "high_needs_cost_pence": Decimal("10187528.875")},
        "mainstream_la_maintained": {"caseload": 1, "high_needs_cost_pence": Decimal("860000")},
        "mainstream_academy": {"caseload": 1, "high_needs_cost_pence": Decimal("900000")},
    }


@pytest.fixture
def small_cohort():
    """Three plans a year ago and four now (worked in the tests below)."""
    school = b.provider(provision_type="special_la_maintained")
    xs = [b.child() for _ in range(4)]
    for x in xs[:3]:
        b.assessment(of=x, requested=D(2023, 1, 2), plan=D(2023, 6, 1))
    b.placement(of=xs[0], at=school, start=D(2023, 6, 1), end=D(2024, 3, 31), cost_pence=1_000_000)
    b.placement(of=xs[0], at=school, start=D(2024, 4, 1), cost_pence=1_100_000)
    b.placement(of=xs[1], at=school, start=D(2023, 6, 1), cost_pence=2_000_000)
    b.placement(of=xs[2], at=b.provider(in_county=False), start=D(2023, 6, 1),
                cost_pence=3_000_000)
    b.assessment(of=xs[3], requested=D(2024, 1, 1), plan=D(2024, 5, 1))  # 121 days
    b.placement(of=xs[3], at=school, start=D(2024, 5, 1), cost_pence=950_000)
    y1 = b.child(ceased=D(2024, 9, 1))
    b.assessment(of=y1, requested=D(2023, 11, 1), plan=D(2024, 6, 1))  # 213 days
    y2 = b.child(ceased=D(2024, 9, 1))
    b.assessment(of=y2, requested=D(2023, 12, 1), plan=D(2024, 8, 1), exception=True)  # 244
    # Requests without a plan on 30 September 2024 (the backlog cut-off is 10 June 2024).
    b.assessment(of=b.child(), requested=D(2024, 6, 9))  # 113 days old: backlog
    b.assessment(of=b.child(), requested=D(2024, 6, 10))  # exactly 16 weeks: not yet
    b.assessment(of=b.child(), requested=D(2024, 1, 15), plan=D(2024, 10, 15))  # backlog
    b.assessment(of=b.child(), requested=D(2024, 2, 1), closed=D(2024, 9, 30))  # closed
    b.assessment(of=b.child(), requested=D(2024, 3, 1), closed=D(2024, 10, 1))  # backlog


def test_cohort_summary_gives_the_hand_worked_figures(small_cohort):
    summary = selectors.cohort_summary(on=D(2024, 9, 30))

    assert summary == {
        "plans": 4,
        "placements_by_provision_type": {
            "special_independent": {"count": 1, "annual_cost_pence": 3_000_000},
            "special_la_maintained": {"count": 3, "annual_cost_pence": 4_050_000},
        },
        # (1,100,000 + 2,000,000 + 3,000,000 + 950,000) / 4 plans
        "avg_cost_per_plan_pence": 1_762_500,
        # a year earlier: (1,000,000 + 2,000,000 + 3,000,000) / 3 = 2,000,000
        "avg_cost_change_pence": -237_500,
        # issued in the year: 121 days (within), 213 and 244 days (not)
        "within_20_weeks_pct": 33.3,
        "backlog_over_16_weeks": 3,
    }


def test_timeliness_without_exceptions_and_average_weeks(small_cohort):
    figures = selectors.timeliness(start=D(2023, 10, 1), end=D(2024, 9, 30))

    assert figures["issued"] == 3
    assert figures["within_20_weeks_pct_ex"] == 50.0  # the exception case leaves the count
    assert figures["avg_weeks"] == 27.5  # (121 + 213 + 244) / 3 / 7 = 27.52


def test_backlog_trend_by_month_matches_the_hand_count(small_cohort):
    points = [D(2024, 6, 30), D(2024, 7, 31), D(2024, 8, 31), D(2024, 9, 30), D(2024, 10, 31)]
    from placements.selectors.series import backlog_by_month

    # June: the 15 Jan, 1 Feb and 1 Mar requests and the one planned 1 Aug; October: 9 and 10 June.
    assert backlog_by_month(points=points) == [4, 4, 3, 3, 2]
    assert [selectors.backlog_over_16_weeks(on=p) for p in points] == [4, 4, 3, 3, 2]


def test_monthly_series_agree_with_the_point_in_time_selectors(small_cohort):
    series = selectors.cohort_series(on=D(2024, 10, 31), months=24)

    for i, point in enumerate(series["points"]):
        by_type = selectors.placements_by_provision_type(on=point)
        assert series["plans"]["total"][i] == selectors.plans_at(on=point), point
        for code in series["placements"]["types"]:
            expected = by_type.get(code, {"count": 0, "annual_cost_pence": 0})
            assert series["placements"]["count"][code][i] == expected["count"], (point, code)
            assert series["placements"]["cost"][code][i] == expected["annual_cost_pence"]
        assert series["backlog"][i] == selectors.backlog_over_16_weeks(on=point)


def test_month_ends_stop_at_the_last_complete_month():
    assert month_ends(D(2024, 9, 15), 3) == [D(2024, 6, 30), D(2024, 7, 31), D(2024, 8, 31)]
    assert month_ends(D(2024, 2, 29), 2) == [D(2024, 1, 31), D(2024, 2, 29)]


def test_in_county_split_and_inmss_share(small_cohort):
    on = D(2024, 9, 30)
    split = selectors.in_county_split(on=on)
    assert split == [
        {"in_county": True, "count": 3, "cost_pence": 4_050_000},
        {"in_county": False, "count": 1, "cost_pence": 3_000_000},
    ]
    share = selectors.inmss_share(selectors.placements_by_provision_type(on=on))
    assert share["count_pct"] == 25.0
    assert share["cost_pct"] == 42.6  # 3,000,000 / 7,050,000
