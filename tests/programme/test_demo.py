"""The demo data set reproduces the briefing's figures for 2024/25 Month 6."""

import pytest

from programme import demo
from programme.models import ProgressUpdate, RaidItem, Strand
from programme.selectors import programme_summary, programme_targets_by_year
from send_tracker.demo import seed_calendar, seed_core_users
from send_tracker.fiscal import FinancialYear


@pytest.fixture
def seeded(db):
    seed_core_users()
    seed_calendar()  # the demo's calendar: P6 2024/25 the reporting month, P7 open
    demo.seed(log=lambda message: None)


def test_demo_summary_endpoint_gives_the_briefing_figures(seeded, director_client):
    body = director_client.get("/api/v1/programme/summary/?year=2024-25&period=6").json()
    assert body["target_pence"] == 1_540_000_000
    assert body["forecast_pence"] == 1_100_000_000
    assert body["unallocated_pence"] == 20_000_000
    assert body["shortfall_pence"] == 440_000_000
    targets = {s["name"]: s["target_pence"] for s in body["strands"]}
    assert targets == {
        "Inclusion and Early Help": 280_000_000,
        "Preparation for Adulthood": 360_000_000,
        "Sufficiency": 470_000_000,
        "Financial Management and Placements": 410_000_000,
        "Multi Agency Pathways / Health": 0,
        "Inclusion and Learning Redesign": 0,
    }


def test_demo_seed_is_idempotent_and_writes_no_new_history(seeded):
    before = (ProgressUpdate.objects.count(), ProgressUpdate.history.count(),
              RaidItem.objects.count(), Strand.history.count())
    demo.seed(log=lambda message: None)
    after = (ProgressUpdate.objects.count(), ProgressUpdate.history.count(),
             RaidItem.objects.count(), Strand.history.count())
    assert after == before
    assert RaidItem.objects.count() >= 12


def test_demo_programme_targets_ramp_up_cumulatively_to_2031(seeded):
    targets = programme_targets_by_year()
    assert targets[2024] == 1_540_000_000
    years = sorted(targets)
    assert years == list(range(2024, 2032))
    assert all(targets[a] < targets[b] for a, b in zip(years, years[1:], strict=False))
    later = programme_summary(year=FinancialYear(2027), period=6)
    assert later["unallocated_pence"] == 0


def test_demo_milestones_at_p6_include_some_due_and_some_overdue(seeded):
    from programme.selectors import milestones_due

    due = milestones_due(year=FinancialYear(2024), period=6)
    assert due["due"]
    assert due["overdue"]
