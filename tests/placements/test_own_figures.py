"""The council's own figures on the DfE's definitions, and the demo calibrated to Devon's."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from placements.codes import PROVISION_TYPE_CODES
from placements.models import Assessment
from placements.selectors import (
    SETTING_CATEGORIES,
    census_day,
    council_own_figures,
    council_plans_by_setting,
    plans_at,
)
from tests.placements import builders as b

D = dt.date
RELEASE_IN_SHARED = Path("data") / "dfe-ehcp" / "education-health-and-care-plans_2025.zip"
DEVON = "E10000008"


def own() -> dict:
    return council_own_figures.uncached()


def span(first: dt.date, last: dt.date) -> None:
    """Records that run from `first` to `last` (a request on each), so both ends are covered."""
    b.assessment(of=b.child(), requested=first)
    b.assessment(of=b.child(), requested=last)


def planned(
    *,
    issued: dt.date,
    ceased: dt.date | None = None,
    requested: dt.date | None = None,
    exception: bool = False,
    provision_type: str | None = None,
    placed: tuple[dt.date, dt.date | None] | None = None,
):
    """A child whose plan was issued on a date, optionally placed over a span."""
    kid = b.child(ceased=ceased)
    b.assessment(
        of=kid,
        requested=requested or issued - dt.timedelta(days=100),
        plan=issued,
        exception=exception,
    )
    if provision_type:
        start, end = placed or (issued, None)
        b.placement(
            of=kid,
            at=b.provider(provision_type=provision_type),
            start=start,
            end=end,
            cost_pence=1_000_000,
        )
    return kid


def test_the_census_day_is_the_third_thursday_of_january():
    assert [census_day(y) for y in (2023, 2024, 2025, 2026)] == [
        D(2023, 1, 19),
        D(2024, 1, 18),
        D(2025, 1, 16),
        D(2026, 1, 15),
    ]


def test_every_provision_type_falls_in_exactly_one_release_category():
    mapped = [code for category in SETTING_CATEGORIES for code in category.provision_types]

    assert sorted(mapped) == sorted(PROVISION_TYPE_CODES)
    assert all(category.label and category.release_columns for category in SETTING_CATEGORIES)
    assert {c.measure for c in SETTING_CATEGORIES if c.measure} == {
        "pc_mainstream",
        "pc_special_maintained",
        "pc_special_independent",
    }
    independent = next(c for c in SETTING_CATEGORIES if c.code == "special_independent")
    assert independent.provision_labels == [
        "Independent special school",
        "Non-maintained special school",
    ]


@pytest.mark.django_db
def test_plans_are_counted_on_the_census_day_as_plans_at_counts_them():
    day = census_day(2024)
    span(D(2023, 6, 1), D(2024, 6, 1))
    planned(issued=day)  # issued on the day: counts
    planned(issued=day + dt.timedelta(days=1))  # the day after: not yet
    planned(issued=D(2023, 9, 1), ceased=day)  # ceased on the day: no longer a plan
    planned(issued=D(2023, 9, 1), ceased=day + dt.timedelta(days=1))  # ceased after: counts

    figures = own()

    assert figures["plans_january"] == {"202324": 2}
    assert figures["plans_january"]["202324"] == plans_at(on=day)


@pytest.mark.django_db
def test_the_setting_mix_reads_the_placement_open_on_the_census_day():
    day = census_day(2024)
    span(D(2023, 6, 1), D(2024, 6, 1))
    planned(issued=D(2023, 9, 1), provision_type="mainstream_academy")
    planned(issued=D(2023, 9, 1), provision_type="resourced_provision")
    planned(issued=D(2023, 9, 1), provision_type="special_academy_free")
    planned(issued=D(2023, 9, 1), provision_type="special_non_maintained")
    # Its placement ended the day before the census: placement not recorded on the day.
    planned(
        issued=D(2023, 9, 1),
        provision_type="special_independent",
        placed=(D(2023, 9, 1), day - dt.timedelta(days=1)),
    )
    # Moved on the census day itself: the new placement is the one open.
    moved = planned(
        issued=D(2023, 9, 1),
        provision_type="mainstream_la_maintained",
        placed=(D(2023, 9, 1), day - dt.timedelta(days=1)),
    )
    b.placement(
        of=moved, at=b.provider(provision_type="special_independent"), start=day, cost_pence=1
    )
    # A placement that is not a plan's (no plan yet) counts for nothing.
    b.placement(
        of=b.child(), at=b.provider(provision_type="ap_pru"), start=D(2023, 9, 1), cost_pence=1
    )

    figures = own()

    assert figures["plans_january"]["202324"] == 6
    assert figures["pc_mainstream"]["202324"] == Decimal("33.3")  # 2 of 6
    assert figures["pc_special_maintained"]["202324"] == Decimal("16.7")
    assert figures["pc_special_independent"]["202324"] == Decimal("33.3")  # NMSS + the move
    assert council_plans_by_setting(january_year=2024) == {
        "mainstream": 2,
        "special_maintained": 1,
        "special_independent": 2,
        "not_recorded": 1,
    }


@pytest.mark.django_db
def test_growth_compares_each_census_day_with_the_one_a_year_before():
    span(D(2022, 6, 1), D(2024, 6, 1))
    for _ in range(4):
        planned(issued=D(2022, 9, 1))
    planned(issued=D(2023, 9, 1))

    figures = own()

    assert figures["plans_january"] == {"202223": 4, "202324": 5}
    assert figures["plans_growth_pct"] == {"202324": Decimal("25.0")}


@pytest.mark.django_db
def test_requests_and_decisions_to_assess_count_by_the_calendar_year_of_the_request():
    span(D(2022, 12, 31), D(2024, 1, 1))
    kid = b.child()
    b.assessment(of=kid, requested=D(2023, 1, 1), plan=D(2023, 6, 1))  # assessed: a plan
    Assessment.objects.create(
        child=b.child(), request_date=D(2023, 3, 1), decision_date=D(2023, 4, 1)
    )  # decided to assess, ongoing
    Assessment.objects.create(
        child=b.child(),
        request_date=D(2023, 3, 1),
        decision_date=D(2023, 4, 1),
        closed_date=D(2023, 8, 1),
    )  # assessed, no plan issued
    Assessment.objects.create(
        child=b.child(),
        request_date=D(2023, 5, 1),
        decision_date=D(2023, 6, 1),
        closed_date=D(2023, 6, 1),
    )  # refused to assess
    b.assessment(of=b.child(), requested=D(2023, 12, 31))  # no decision yet

    figures = own()

    # The two span requests fall on 31 Dec 2022 and 1 Jan 2024, outside 2023.
    assert figures["requests"] == {"2023": 5}
    assert figures["pc_decided_to_assess"] == {"2023": Decimal("60.0")}


@pytest.mark.django_db
def test_new_plans_and_the_20_week_rate_count_by_the_calendar_year_of_issue_with_and_without_exceptions():  # noqa: E501
    span(D(2022, 12, 1), D(2024, 1, 2))
    issued = D(2023, 7, 1)
    planned(issued=issued, requested=issued - dt.timedelta(days=140))  # 20 weeks to the day
    planned(issued=issued, requested=issued - dt.timedelta(days=141))  # a day late
    planned(issued=issued, requested=issued - dt.timedelta(days=100))
    planned(issued=issued, requested=issued - dt.timedelta(days=200), exception=True)
    planned(issued=D(2024, 1, 1), requested=D(2023, 1, 2))  # issued in 2024: not 2023's

    figures = own()

    assert figures["new_plans"]["2023"] == 4
    assert figures["pc_20wk_incl_exceptions"]["2023"] == Decimal("50.0")  # 2 of all 4
    assert figures["pc_20wk_excl_exceptions"]["2023"] == Decimal("66.7")  # 2 of the other 3
    assert "2024" not in figures["new_plans"]  # the records stop on 2 January 2024


@pytest.mark.django_db
def test_a_calendar_year_the_records_only_partly_cover_has_no_figure():
    span(D(2022, 6, 1), D(2024, 9, 30))
    planned(issued=D(2024, 3, 1))

    figures = own()

    assert set(figures["requests"]) == {"2023"}  # not 2022 (from June), not 2024 (to September)
    assert "2024" not in figures["new_plans"]
    assert set(figures["plans_january"]) == {"202223", "202324"}


@pytest.mark.django_db
def test_records_past_the_latest_release_give_the_years_not_yet_published():
    # The 2025 release ends at January 2025 and calendar 2024; these records run to March 2026.
    span(D(2024, 12, 1), D(2026, 3, 1))
    planned(issued=D(2025, 1, 10), requested=D(2024, 10, 2), provision_type="special_independent")
    planned(issued=D(2025, 11, 1), requested=D(2025, 5, 1), provision_type="mainstream_academy")

    figures = own()

    assert figures["plans_january"] == {"202425": 1, "202526": 2}
    assert figures["plans_growth_pct"]["202526"] == Decimal("100.0")
    assert figures["pc_special_independent"]["202526"] == Decimal("50.0")
    assert figures["requests"] == {"2025": 1}  # the first was requested in October 2024
    assert figures["new_plans"] == {"2025": 2}
    assert figures["pc_20wk_incl_exceptions"] == {"2025": Decimal("50.0")}  # 14 weeks; 26


@pytest.mark.django_db
def test_no_records_no_figures():
    assert all(values == {} for values in own().values())


def _records(years: range, per_year: int) -> None:
    for year in years:
        for i in range(per_year):
            planned(
                issued=D(year, 3, 1 + i),
                provision_type=PROVISION_TYPE_CODES[i % 13],
                exception=i % 3 == 0,
            )
            b.assessment(of=b.child(), requested=D(year, 5, 1 + i))


@pytest.mark.django_db
def test_the_query_count_is_fixed_whatever_the_number_of_records_and_years():
    _records(range(2022, 2024), 2)
    with CaptureQueriesContext(connection) as small:
        few = own()
    _records(range(2016, 2022), 12)
    _records(range(2024, 2027), 12)
    with CaptureQueriesContext(connection) as large:
        many = own()

    assert len(few["plans_january"]) < len(many["plans_january"])
    # Two for the span, the census UNION with its JIT switch (and savepoint), two by year.
    assert len(small.captured_queries) == len(large.captured_queries) <= 9


# -- the demo, calibrated to Devon's published figures ------------------------------------------


def release_zip() -> Path:
    """The shared release, in `shared/` beside the checkout (BASE_DIR's parent; from a worktree
    one level further down, the nearest ancestor's)."""
    for parent in Path(settings.BASE_DIR).resolve().parents:
        if (parent / "shared" / RELEASE_IN_SHARED).exists():
            return parent / "shared" / RELEASE_IN_SHARED
    raise AssertionError(f"shared/{RELEASE_IN_SHARED} not found above {settings.BASE_DIR}")


def release_row(name: str, **match: str) -> dict[str, str]:
    """The one row of a file of the shared release zip that matches every column given."""
    with zipfile.ZipFile(release_zip()) as release:
        with release.open(f"data/{name}") as raw:
            reader = csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8-sig"))
            rows = [r for r in reader if all(r[k] == v for k, v in match.items())]
    assert len(rows) == 1, (name, match, len(rows))
    return rows[0]


@pytest.mark.slow
@pytest.mark.django_db
def test_the_demo_matches_devons_published_plans_setting_mix_and_20_week_rate():
    from placements import demo
    from send_tracker.demo import seed_core_users

    seed_core_users()
    demo.seed(log=lambda message: None)
    caseload = release_row(
        "caseload.csv",
        time_period="202324",
        new_la_code=DEVON,
        breakdown_topic="All EHC plans",
        breakdown="All EHC plans",
    )
    timeliness = release_row(
        "timeliness_20_week.csv",
        time_period="2023",
        new_la_code=DEVON,
        breakdown="All EHC plans issued",
    )

    figures = council_own_figures()
    mix = council_plans_by_setting(january_year=2024)

    published_plans = int(caseload["ehcplans"])
    plans = figures["plans_january"]["202324"]
    assert abs(plans - published_plans) <= published_plans * Decimal("0.05")
    for category in SETTING_CATEGORIES:
        published = sum(int(caseload[column]) for column in category.release_columns)
        share, published_share = mix.get(category.code, 0) / plans, published / published_plans
        if published_share >= 0.05:  # the big categories: the count within 5%
            assert abs(mix.get(category.code, 0) - published) <= published * 0.05, category.code
        else:  # the small ones (AP, early years, not recorded): within a point of the share
            assert abs(share - published_share) <= 0.01, category.code
    for category in SETTING_CATEGORIES:
        if category.measure:
            published_pc = round(
                Decimal(100 * sum(int(caseload[c]) for c in category.release_columns))
                / published_plans,
                1,
            )
            assert abs(figures[category.measure]["202324"] - published_pc) <= published_pc / 20
    rate = figures["pc_20wk_incl_exceptions"]["2023"]
    assert abs(rate - Decimal(timeliness["pc_plans_issued_within_20_weeks"])) <= 3
