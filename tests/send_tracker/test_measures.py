"""One definition per measure: the registry (send_tracker/measures.py), its selectors, the
`measure` tag, and every page from the URL resolver showing one value per measure and date."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.template import Context, Template
from django.test import RequestFactory

from send_tracker import measures
from send_tracker.measures import MEASURES, Measure
from send_tracker.permissions import ADMIN, DIRECTOR, FINANCE
from tests.placements.test_selectors import small_cohort  # noqa: F401 (a fixture)
from tests.send_tracker.test_access import URLS

D = dt.date
MARK = re.compile(
    r'data-measure="(?P<code>[^"]+)" data-as-at="(?P<as_at>[^"]*)" data-value="(?P<value>[^"]*)"')
# The figures the issue names as shown in more than one place.
REQUIRED = {"plans", "backlog_over_16_weeks", "pc_issued_within_20_weeks_rolling_12_months",
            "avg_cost_per_plan", "deficit_after_mitigations_identified",
            "deficit_after_expected_mitigation_delivery", "savings_forecast"}


def marks(html: str) -> list[tuple[str, str, str]]:
    """(measure, as-at date, value) of every figure the page marks."""
    return [(m["code"], m["as_at"], m["value"]) for m in MARK.finditer(html)]


def test_the_registry_holds_each_measure_once_with_a_definition_source_and_unit():
    assert REQUIRED <= set(MEASURES)
    for code, found in MEASURES.items():
        assert found.code == code
        assert found.name
        assert found.source
        assert found.definition.endswith("."), code
        assert found.definition.count(". ") == 0, code  # one sentence
        assert found.unit in {"count", "percent", "pence"}


def test_the_rolling_twelve_months_rate_is_not_the_dfe_calendar_year_measure():
    from placements import benchmarks

    assert "pc_issued_within_20_weeks_rolling_12_months" in MEASURES
    assert "pc_20wk_incl_exceptions" in benchmarks.BY_CODE  # the DfE's, on the Benchmarking page
    assert not set(benchmarks.BY_CODE) & set(MEASURES)


def test_mitigations_identified_and_their_expected_delivery_are_separate_measures():
    identified = MEASURES["deficit_after_mitigations_identified"]
    expected = MEASURES["deficit_after_expected_mitigation_delivery"]
    assert identified.name != expected.name
    assert identified.selector is not expected.selector


def test_each_measure_resolves_to_the_selector_its_app_exposes():
    from finance import selectors as finance
    from placements.selectors import measures as placements
    from programme import selectors as programme

    assert MEASURES["plans"].selector is placements.plans
    assert MEASURES["backlog_over_16_weeks"].selector is placements.backlog_over_16_weeks
    assert (MEASURES["pc_issued_within_20_weeks_rolling_12_months"].selector
            is placements.pc_issued_within_20_weeks_rolling_12_months)
    assert MEASURES["avg_cost_per_plan"].selector is placements.avg_cost_per_plan
    assert MEASURES["savings_forecast"].selector is programme.savings_forecast_at
    assert (MEASURES["deficit_after_mitigations_identified"].selector
            is finance.deficit_after_mitigations_identified)
    assert (MEASURES["deficit_after_expected_mitigation_delivery"].selector
            is finance.deficit_after_expected_mitigation_delivery)


@pytest.mark.django_db
def test_the_cohort_summary_gives_the_registry_values(small_cohort):  # noqa: F811
    from placements.selectors import cohort_summary

    on = D(2024, 9, 30)
    summary = cohort_summary(on=on)
    values = measures.values(["plans", "backlog_over_16_weeks", "avg_cost_per_plan",
                              "pc_issued_within_20_weeks_rolling_12_months"], on=on)
    # The hand-worked figures of tests/placements/test_selectors.py, from both.
    assert values == {"plans": 4, "backlog_over_16_weeks": 3, "avg_cost_per_plan": 1_762_500,
                      "pc_issued_within_20_weeks_rolling_12_months": 33.3}
    given = measures.values(list(values), on=on, cohort_summary=summary)
    assert given == values
    assert values == {"plans": summary["plans"],
                      "backlog_over_16_weeks": summary["backlog_over_16_weeks"],
                      "avg_cost_per_plan": summary["avg_cost_per_plan_pence"],
                      "pc_issued_within_20_weeks_rolling_12_months":
                          summary["within_20_weeks_pct"]}


@pytest.mark.django_db
def test_a_series_gives_the_values_of_the_selector_at_each_date(small_cohort):  # noqa: F811
    from placements.selectors import timeliness_year_to

    days = [D(2024, 3, 31), D(2024, 6, 30), D(2024, 9, 30), D(2024, 10, 31)]
    for code in ("backlog_over_16_weeks", "pc_issued_within_20_weeks_rolling_12_months"):
        assert measures.series(code, dates=days) == [
            MEASURES[code].value(on=day) for day in days]
    assert measures.series("pc_issued_within_20_weeks_rolling_12_months", dates=days) == [
        timeliness_year_to(on=day)["within_20_weeks_pct"] for day in days]


def test_the_measure_tag_marks_the_figure_and_the_page_defines_it():
    request = RequestFactory().get("/")
    html = Template(
        "{% load tracker %}{% measure 'backlog_over_16_weeks' 1234 on %}"
        "{% measure 'avg_cost_per_plan' 2712345 on fmt='pounds' %}{% measure_definitions %}"
    ).render(Context({"request": request, "on": D(2024, 9, 30)}))

    assert marks(html) == [("backlog_over_16_weeks", "2024-09-30", "1234"),
                           ("avg_cost_per_plan", "2024-09-30", "2712345")]
    assert ">1,234</span>" in html
    assert ">£27,123</span>" in html
    assert MEASURES["backlog_over_16_weeks"].definition in html
    assert MEASURES["backlog_over_16_weeks"].source in html
    assert 'id="measure-backlog_over_16_weeks"' in html  # what aria-describedby points at
    assert "As at 30 September 2024." in html


@pytest.mark.django_db
def test_a_held_kpi_shows_the_computed_value_not_a_typed_reading(small_cohort):  # noqa: F811
    from programme.models import Kpi, KpiReading
    from programme.selectors import kpi_latest

    kpi = Kpi.objects.create(name="Backlog", slug="backlog", measure=Kpi.Measure.BACKLOG,
                             unit="number",
                             higher_is_better=False, baseline_value=1400,
                             baseline_date=D(2023, 10, 31), target_value=150,
                             target_date=D(2025, 3, 31))
    KpiReading.objects.create(kpi=kpi, date=D(2024, 9, 30), value=Decimal("520"))

    row = kpi_latest(on=D(2024, 9, 30))[0]

    assert row["measure"] == "backlog_over_16_weeks"
    assert (row["latest_date"], row["latest_value"]) == (D(2024, 9, 30), Decimal(3))


@pytest.mark.django_db
def test_pages_draw_the_figure_from_the_registry_selector(monkeypatch, director_client,
                                                          small_cohort):  # noqa: F811
    monkeypatch.setitem(MEASURES, "backlog_over_16_weeks", Measure(
        "backlog_over_16_weeks", "Backlog", "A test.", "A test.", "count",
        "tests.send_tracker.test_measures.fake_backlog"))

    html = director_client.get("/placements/").content.decode()

    assert [value for code, _, value in marks(html) if code == "backlog_over_16_weeks"] == ["4242"]
    assert 'aria-describedby="measure-backlog_over_16_weeks">4,242</span>' in html


def fake_backlog(*, on: dt.date) -> int:
    return 4242


@pytest.mark.slow
@pytest.mark.django_db
def test_every_page_shows_one_value_per_measure_and_date(client_for, make_user):
    from finance.board.models import BoardSummary

    call_command("seed_demo", "--force", verbosity=0)
    paths = [u.path for u in URLS
             if not u.path.startswith(("/admin/", "/api/")) and u.name != "logout"]
    paths += [f"/board/{s.year}-{(s.year + 1) % 100:02d}/{s.period}/"
              for s in BoardSummary.objects.all()]
    seen: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for user in (make_user(ADMIN, is_staff=True, is_superuser=True), make_user(FINANCE),
                 make_user(DIRECTOR)):
        client = client_for(user)
        for path in paths:
            response = client.get(path)
            assert response.status_code != 500, path
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                continue
            for code, as_at, value in marks(response.content.decode()):
                assert code in MEASURES, (path, code)
                assert as_at, (path, code)
                seen[(code, as_at)][value].append(path)

    disagree = {key: dict(values) for key, values in seen.items() if len(values) > 1}
    assert not disagree
    assert {code for code, _ in seen} == REQUIRED
    pages = defaultdict(set)
    for (code, _), values in seen.items():
        for where in values.values():
            pages[code] |= set(where)
    shown_once = {code for code, where in pages.items() if len(where) < 2}
    assert not shown_once
    # The demo's headline figures (DESIGN.md) are what the registry gives.
    at = dt.date(2024, 9, 30).isoformat()
    assert set(seen[("savings_forecast", at)]) == {"1100000000"}
    assert set(seen[("deficit_after_mitigations_identified", at)]) == {"1000000000"}
