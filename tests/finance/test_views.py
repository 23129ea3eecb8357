"""Finance pages: who may read and write, what they show, query budgets at two data sizes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models.functions import Now

from finance import services
from finance.models import Mitigation, RecomputeRequest, Scenario
from finance.selectors.tasks import TASKS_QUERY_ALLOWANCE
from send_tracker.fiscal import FinancialYear
from tests.finance.conftest import requests_met


def _grow(n_lines: int) -> None:
    """More lines and periods (the larger of the two data sizes)."""
    for i in range(n_lines):
        line = services.budget_line_upsert(code=f"9.{i}", name=f"Line {i}", order=10 + i)
        for period in range(1, 3):
            services.monthly_forecast_set(line=line, year=FinancialYear(2024), period=period,
                                          budget_pence=100,
                                          actual_to_date_pence=10, forecast_outturn_pence=120)
        services.mitigation_create(year=FinancialYear(2024), name=f"M{i}", value_pence=1,
                                   confidence="green",
                                   status="identified")


PAGES = ["/", "/finance/", "/finance/pressures/", "/finance/income/", "/finance/agreement/",
         "/finance/trajectory/",
         "/finance/scenarios/baseline/", "/finance/trajectory/status/"]


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
def test_every_role_reads_the_finance_pages_in_a_fixed_number_of_queries(
        page, small_finance, queued, client_for, make_user, django_assert_max_num_queries):
    services.trajectory_recompute()
    clients = [client_for(make_user(role)) for role in
               ("Programme lead", "Director", "Finance officer")]
    budget = 20 + (TASKS_QUERY_ALLOWANCE if page == "/" else 0)  # the home page's task list
    for client in clients:
        with django_assert_max_num_queries(budget):
            assert client.get(page).status_code == 200
    _grow(15)
    services.trajectory_recompute()
    with django_assert_max_num_queries(budget):
        assert clients[0].get(page).status_code == 200


@pytest.mark.django_db
def test_the_dashboard_shows_month_by_line_with_rag_words_and_movement(small_finance, queued,
                                                                       finance_client):
    html = finance_client.get("/finance/?year=2024-25&period=2").content.decode()

    assert "Budget monitoring: 2024/25 P2 (May)" in html
    assert "£11,000" in html  # 1.2.3's forecast outturn, 1,100,000 pence
    assert "app-rag--red" in html
    assert "up £500" in html  # 1.2.3 moved from 1,050,000 to 1,100,000 pence
    assert "up £400 since last month" in html  # total 1,550,000 → 1,590,000 pence
    assert "£900 above the cap" in html  # 390,000 − 300,000 pence
    assert 'id="bridge-data"' in html
    assert '<option value="2024-25" selected>2024/25</option>' in html  # the year selector
    assert 'id="forecast-by-period-data"' in html


@pytest.mark.django_db
def test_the_charts_download_as_csv_in_exact_pounds(small_finance, queued, director_client):
    response = director_client.get("/finance/?year=2024-25&period=2&csv=bridge")

    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8-sig")
    assert "Step,Kind,Amount (£)" in body
    assert "Forecast in-year deficit,total,3900" in body  # 390,000 pence
    assert "Other movements (balancing item),relative,250" in body  # 25,000 pence


@pytest.mark.django_db
def test_the_overview_composes_the_headlines_and_degrades_without_other_apps_data(
        small_finance, queued, lead_client):
    services.trajectory_recompute()
    html = lead_client.get("/").content.decode()

    assert "Overview: 2024/25 P2 (May)" in html
    assert "£900 above the cap" in html
    assert "At risk" in html  # this year's instalment under the baseline
    assert "no placements data yet" in html
    assert "Savings: no programme data yet" in html
    assert 'href="/finance/trajectory/"' in html


@pytest.mark.django_db
def test_the_overview_says_no_data_yet_before_any_ledger(lead_client):
    html = lead_client.get("/").content.decode()

    assert "No finance data yet" in html


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["Director", "Programme lead"])
def test_directors_and_leads_cannot_change_finance_data(role, small_finance, queued, make_user,
                                                        client_for):
    client = client_for(make_user(role))
    mitigation = Mitigation.objects.get(name="AP")
    before = Scenario.objects.get().version

    assert client.post("/finance/mitigations/add/", {"name": "X", "value_pence": "1",
                                                     "confidence": "red",
                                                     "status": "identified"}).status_code == 403
    assert client.post(f"/finance/mitigations/{mitigation.pk}/",
                       {"name": "X", "value_pence": "1", "confidence": "red",
                        "status": "identified"}).status_code == 403
    assert client.post("/finance/scenarios/baseline/", {"version": before,
                                                        "default_growth_pct": "50"}
                       ).status_code == 403
    assert client.post("/finance/pressures/derive/").status_code == 403
    assert client.get("/finance/agreement/conditions/add/").status_code == 403
    assert Mitigation.objects.count() == 2
    assert Mitigation.objects.get(name="AP").name == "AP"
    assert Scenario.objects.get().version == before


@pytest.mark.django_db
def test_a_finance_officer_changes_a_scenario_and_the_page_waits_for_the_recompute(
        small_finance, finance_client, queued, django_capture_on_commit_callbacks):
    form = {"version": "1", "description": "", "default_growth_pct": "7.5",
            "unit_cost_inflation_pct": "2", "income_growth_pct": "3",
            "savings_delivery_pct": "90", "mitigation_delivery_pct": "50",
            "growth_special_independent": "12"}

    requests_met()
    with django_capture_on_commit_callbacks(execute=True):
        response = finance_client.post("/finance/scenarios/baseline/", form)

    assert response.status_code == 302
    assert response["Location"] == "/finance/scenarios/baseline/?saved=1"
    scenario = Scenario.objects.get()
    assert (scenario.default_growth_pct, scenario.version) == (Decimal("7.5"), 2)
    assert scenario.growth_by_type == {"special_independent": "12"}
    assert len(queued) == 1
    html = finance_client.get(response["Location"]).content.decode()
    assert 'data-waiting="true"' in html
    assert "js/finance-trajectory.js" in html
    assert "A recompute is queued" in html


@pytest.mark.django_db
def test_a_stale_scenario_form_shows_an_error_summary_and_saves_nothing(small_finance, queued,
                                                                        finance_client):
    form = {"version": "0", "default_growth_pct": "7.5", "unit_cost_inflation_pct": "2",
            "income_growth_pct": "3", "savings_delivery_pct": "90",
            "mitigation_delivery_pct": "50"}

    response = finance_client.post("/finance/scenarios/baseline/", form)

    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Someone else saved" in html
    assert Scenario.objects.get().default_growth_pct == Decimal("5")


@pytest.mark.django_db
def test_the_scenario_page_lists_its_changes_with_who_made_them(small_finance, queued,
                                                                 finance_user, finance_client):
    scenario = Scenario.objects.get()
    finance_client.post("/finance/scenarios/baseline/", {
        "version": str(scenario.version), "default_growth_pct": "5",
        "unit_cost_inflation_pct": "2", "income_growth_pct": "3", "savings_delivery_pct": "90",
        "mitigation_delivery_pct": "40"})

    response = finance_client.get("/finance/scenarios/baseline/")

    assert response.status_code == 200
    [newest, *_] = response.context["history"]
    assert "40" in newest["what"]
    assert newest["who"] == (finance_user.get_full_name() or finance_user.get_username())
    # Shared between requests once committed (a test's own transaction bypasses the cache):
    # what it returns must freeze (plain rows, no history records).
    from finance.selectors import scenario_history
    from send_tracker.dataversion import freeze

    freeze(scenario_history.uncached(scenario.pk, limit=10))


@pytest.mark.django_db
def test_the_trajectory_page_says_the_result_is_stale_when_the_broker_is_down(
        small_finance, queued, director_client, monkeypatch):
    services.trajectory_recompute()
    monkeypatch.setattr("send_tracker.health.broker_available", lambda: False)

    html = director_client.get("/finance/trajectory/").content.decode()

    assert "may be stale" in html
    assert "Computed " in html  # the last result is still shown
    assert "At risk" in html


@pytest.mark.django_db
def test_a_finance_officer_adds_a_mitigation_through_the_form(small_finance, queued,
                                                              finance_client):
    response = finance_client.post("/finance/mitigations/add/", {
        "name": "Invoicing changes", "value_pence": "£800,000", "confidence": "amber",
        "status": "identified", "owner": "Finance"})

    assert response.status_code == 302
    assert Mitigation.objects.get(name="Invoicing changes").value_pence == 80_000_000


@pytest.mark.django_db
def test_a_bad_form_shows_the_govuk_error_summary(small_finance, queued, finance_client):
    response = finance_client.post("/finance/mitigations/add/", {"name": "", "value_pence": "x"})

    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html
    assert 'href="#id_value_pence"' in html


@pytest.mark.django_db
def test_a_finance_officer_starts_a_reprofile_and_sees_the_differences(small_finance, queued,
                                                                       finance_client):
    version = small_finance["version"]
    response = finance_client.post(f"/finance/agreement/versions/{version.pk}/reprofile/",
                                   {"name": "Reprofile 1", "reason": "Slippage"})
    assert response.status_code == 302
    reprofile = version.agreement.versions.get(number=1)
    finance_client.post(f"/finance/agreement/versions/{reprofile.pk}/targets/2024/",
                        {"in_year_cap_pence": "4,000", "cumulative_target_pence": "53,000"})

    html = finance_client.get("/finance/agreement/").content.decode()

    assert "Reprofile 1" in html
    assert "up £1,000" in html  # the cap rose from 300,000 to 400,000 pence
    assert "illustrative reconstructions" in html


@pytest.mark.django_db
def test_a_recompute_queued_for_minutes_marks_the_result_stale(small_finance, queued,
                                                               finance_client):
    services.trajectory_recompute()
    RecomputeRequest.objects.update(requested_at=Now() - dt.timedelta(minutes=5))
    html = finance_client.get("/finance/scenarios/baseline/").content.decode()
    status = finance_client.get("/finance/trajectory/status/?scenario=baseline").json()

    assert "no worker has picked it up" in html
    assert status["pending"] is True
    assert status["stuck"] is True
    assert set(status["runs"]) == {"baseline"}


@pytest.mark.django_db
def test_a_finance_officer_enters_income_and_an_outturn_and_a_director_cannot(
        small_finance, queued, finance_client, director_client):
    from finance.models import DeficitOutturn, HighNeedsIncome

    income = finance_client.post("/finance/income/enter/",
                                 {"year": "2025-26", "allocation_pence": "£12,800,000"})
    outturn = finance_client.post("/finance/income/outturn/", {
        "year": "2024/25", "in_year_deficit_pence": "3,000", "cumulative_deficit_pence": "53,000"})
    refused = director_client.post("/finance/income/enter/",
                                   {"year": "2026-27", "allocation_pence": "1"})
    bad_year = finance_client.post("/finance/income/enter/",
                                   {"year": "2026/28", "allocation_pence": "1"})

    assert (income.status_code, outturn.status_code, refused.status_code) == (302, 302, 403)
    assert HighNeedsIncome.objects.get(year=2025).allocation_pence == 1_280_000_000
    assert DeficitOutturn.objects.get(year=2024).cumulative_deficit_pence == 5_300_000
    assert not HighNeedsIncome.objects.filter(year=2026).exists()
    assert bad_year.status_code == 400
    assert "the second year must follow the first" in bad_year.content.decode()
    assert "£12,800,000" in director_client.get("/finance/income/").content.decode()


@pytest.mark.django_db
def test_form_errors_are_linked_to_their_inputs(small_finance, queued, finance_client):
    html = finance_client.post("/finance/income/enter/",
                               {"year": "", "allocation_pence": "x"}).content.decode()

    assert 'aria-describedby="id_year-hint id_year-error"' in html
    assert 'id="id_year-error"' in html
    assert "govuk-input--error" in html


@pytest.mark.django_db
def test_the_trajectory_page_polls_for_the_scenarios_it_shows(small_finance, queued,
                                                              director_client):
    from finance.models import Scenario

    services.scenario_upsert(slug="optimistic", name="Optimistic")
    services.trajectory_recompute()

    html = director_client.get("/finance/trajectory/?scenario=optimistic").content.decode()
    status = director_client.get("/finance/trajectory/status/?scenario=optimistic").json()

    assert 'data-status-url="/finance/trajectory/status/?scenario=optimistic"' in html
    assert set(status["runs"]) == {"optimistic"}
    assert f'data-run-ids="{status["runs"]["optimistic"]["run_id"]}"' in html
    assert Scenario.objects.count() == 2


@pytest.mark.django_db
def test_without_income_the_pages_say_what_is_missing(small_finance, queued, director_client):
    from finance.models import HighNeedsIncome

    HighNeedsIncome.objects.all().delete()

    for page in ("/", "/finance/"):
        html = director_client.get(page).content.decode()
        assert "no High Needs income entered for the year yet" in html


@pytest.mark.django_db
def test_the_scenario_page_shows_who_changed_what_from_old_to_new(small_finance, queued,
                                                                   finance_client, finance_user):
    scenario = Scenario.objects.get()
    services.scenario_update(scenario=scenario, version=1, income_growth_pct=Decimal(9),
                             user=finance_user)

    html = finance_client.get("/finance/scenarios/baseline/").content.decode()

    assert "income growth pct: 3.000 → 9" in html
    assert "finance-officer" in html


@pytest.mark.django_db
def test_figures_computed_before_the_last_edit_are_marked_out_of_date_until_recomputed(
        small_finance, finance_client, director_client, queued,
        django_capture_on_commit_callbacks):
    services.trajectory_recompute()
    page = finance_client.get("/finance/scenarios/baseline/").content.decode()
    assert 'id="outdated"' not in page
    assert "Out of date" not in finance_client.get("/finance/trajectory/").content.decode()

    # An edit whose recompute never ran (Redis was down when it was saved, and has been for
    # minutes, so the sweep could not queue it either).
    scenario = Scenario.objects.get()
    services.scenario_update(scenario=scenario, version=scenario.version,
                             mitigation_delivery_pct=Decimal("10"))
    RecomputeRequest.objects.update(requested_at=Now() - dt.timedelta(minutes=5))

    page = finance_client.get("/finance/scenarios/baseline/").content.decode()
    assert "computed before these assumptions were last changed" in page
    assert "no worker has picked up the recompute" in page
    assert 'name="recompute"' in page
    assert "Out of date" in finance_client.get("/finance/trajectory/").content.decode()
    # A director is told, but has no button and may not post one.
    page = director_client.get("/finance/scenarios/baseline/").content.decode()
    assert "computed before these assumptions were last changed" in page
    assert 'name="recompute"' not in page
    assert director_client.post("/finance/scenarios/baseline/",
                                {"recompute": "1"}).status_code == 403

    queued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = finance_client.post("/finance/scenarios/baseline/", {"recompute": "1"})
    assert response.status_code == 302
    assert response["Location"] == "/finance/scenarios/baseline/?queued=1"
    assert len(queued) == 1  # although the lost request was still outstanding
    assert Scenario.objects.get().version == scenario.version + 1  # the button changes nothing

    services.trajectory_recompute()
    page = finance_client.get("/finance/scenarios/baseline/").content.decode()
    assert 'id="outdated"' not in page
    assert "Out of date" not in finance_client.get("/finance/trajectory/").content.decode()


@pytest.mark.django_db
def test_a_fresh_request_shows_the_wait_not_the_button(small_finance, finance_client,
                                                       queued):
    services.trajectory_recompute()
    scenario = Scenario.objects.get()
    services.scenario_update(scenario=scenario, version=scenario.version,
                             mitigation_delivery_pct=Decimal("10"))

    page = finance_client.get("/finance/scenarios/baseline/").content.decode()
    assert "A recompute is queued" in page
    assert 'name="recompute"' not in page
    assert 'id="outdated"' not in page


@pytest.mark.django_db
def test_a_finance_officer_adds_a_scenario_from_another_and_it_is_computed(
        small_finance, finance_client, director_client, queued,
        django_capture_on_commit_callbacks):
    assert "Add a scenario" in finance_client.get("/finance/trajectory/").content.decode()
    assert "Add a scenario" not in director_client.get("/finance/trajectory/").content.decode()
    assert director_client.get("/finance/scenarios/add/").status_code == 403
    page = finance_client.get("/finance/scenarios/add/").content.decode()
    assert '<option value="baseline" selected>Baseline</option>' in page

    requests_met()
    with django_capture_on_commit_callbacks(execute=True):
        response = finance_client.post("/finance/scenarios/add/", {
            "name": "  High   growth ", "copy_from": "baseline", "description": ""})

    assert response.status_code == 302
    assert response["Location"] == "/finance/scenarios/high-growth/"
    baseline, new = Scenario.objects.get(slug="baseline"), Scenario.objects.get(slug="high-growth")
    assert new.name == "High growth"
    assert new.is_baseline is False
    assert new.created_by.username == "finance-officer"
    for field in ("default_growth_pct", "unit_cost_inflation_pct", "income_growth_pct",
                  "savings_delivery_pct", "mitigation_delivery_pct", "growth_by_type",
                  "description"):
        assert getattr(new, field) == getattr(baseline, field), field
    assert len(queued) == 1  # its trajectory is computed after commit
    services.trajectory_recompute()
    page = finance_client.get("/finance/scenarios/high-growth/").content.decode()
    assert "Scenario: High growth" in page
    assert "Year by year under these assumptions" in page


@pytest.mark.django_db
def test_a_scenario_name_already_used_is_refused_beside_the_field_and_nothing_is_added(
        small_finance, queued, finance_client):
    response = finance_client.post("/finance/scenarios/add/", {
        "name": "BASELINE", "copy_from": "baseline"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert 'href="#id_name"' in html
    assert "A scenario called BASELINE already exists" in html
    assert Scenario.objects.count() == 1
    # An unknown scenario to copy is a form error too, not a 500.
    response = finance_client.post("/finance/scenarios/add/", {"name": "X", "copy_from": "nope"})
    assert response.status_code == 400
    assert Scenario.objects.count() == 1


@pytest.mark.django_db
def test_a_scenario_named_like_a_page_gets_an_address_of_its_own(small_finance, queued,
                                                                 finance_client):
    response = finance_client.post("/finance/scenarios/add/", {"name": "Add",
                                                               "copy_from": "baseline"})
    assert response["Location"] == "/finance/scenarios/add-2/"
    response = finance_client.post("/finance/scenarios/add/", {"name": "Add!",
                                                               "copy_from": "baseline"})
    assert response["Location"] == "/finance/scenarios/add-3/"
    assert finance_client.get("/finance/scenarios/add-3/").status_code == 200


@pytest.mark.django_db
def test_an_instalment_past_its_due_date_is_overdue_as_at_the_reporting_month(
    small_finance, reporting_calendar, finance_client
):
    # Instalments due 31 March 2025 and 31 March 2026, both still "due".
    reporting_calendar(2024, 6)  # as at 30 September 2024 neither has fallen due
    response = finance_client.get("/finance/agreement/")
    assert [i["shown_status"] for i in response.context["instalments"]] == ["Due", "Due"]
    reporting_calendar(2025, 1)  # as at 30 April 2025 the first is overdue
    response = finance_client.get("/finance/agreement/")
    assert [i["shown_status"] for i in response.context["instalments"]] == ["Overdue", "Due"]
    assert "govuk-tag--red\">Overdue" in response.content.decode()


@pytest.mark.django_db
def test_a_stale_mitigation_form_says_so_above_the_form_and_saves_nothing(small_finance, queued,
                                                                          finance_client):
    mitigation = Mitigation.objects.get(name="AP")
    page = finance_client.get(f"/finance/mitigations/{mitigation.pk}/").content.decode()
    assert f'name="read_version" value="{mitigation.version}"' in page
    form = {"name": "AP", "value_pence": "300", "confidence": "amber", "status": "identified",
            "owner": "", "read_version": str(mitigation.version)}
    first = finance_client.post(f"/finance/mitigations/{mitigation.pk}/", {**form,
                                                                          "value_pence": "400"})
    stale = finance_client.post(f"/finance/mitigations/{mitigation.pk}/", {**form,
                                                                          "value_pence": "500"})

    assert first.status_code == 302
    assert stale.status_code == 400
    html = stale.content.decode()
    assert "govuk-error-summary" in html
    assert "Someone else saved" in html
    assert Mitigation.objects.get(name="AP").value_pence == 40_000


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/finance/?year=2024-99", "/finance/?period=13",
                                 "/finance/pressures/?year=x", "/?year=2024-26"])
def test_a_page_asked_for_a_bad_month_says_so_and_shows_the_newest(url, small_finance, queued,
                                                                   finance_client):
    response = finance_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "instead" in html
    assert "2024/25" in html
