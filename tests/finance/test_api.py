"""The finance API: the summary and trajectory contracts, lists, and who may write."""

from __future__ import annotations

import pytest

from finance import services
from finance.models import Mitigation, Pressure, Scenario


@pytest.mark.django_db
def test_the_finance_summary_endpoint_returns_the_contract_keys(small_finance, lead_client):
    body = lead_client.get("/api/v1/finance/summary/?year=2024-25&period=2").json()

    assert {"budget_pence", "forecast_outturn_pence", "in_year_deficit_pence", "sv_cap_pence",
            "variance_to_cap_pence", "pressures", "mitigations_pence",
            "savings_shortfall_pence", "bridge"} <= set(body)
    assert body["variance_to_cap_pence"] == 90_000
    assert body["pressures"] == {"backlog": 40_000, "slippage": 25_000}
    assert body["bridge"][-1] == {"label": "Deficit after mitigations", "pence": 360_000,
                                  "measure": "total"}


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["?year=2024-25", "?year=2024/26&period=2",
                                   "?year=2024-25&period=13", "?year=2024-25&period=2&x=1"])
def test_a_bad_summary_query_is_a_400_naming_the_parameter(query, director_client):
    response = director_client.get(f"/api/v1/finance/summary/{query}")

    assert response.status_code == 400


@pytest.mark.django_db
def test_the_trajectory_endpoint_returns_the_newest_run_per_year(small_finance, queued,
                                                                director_client,
                                                                django_assert_max_num_queries):
    services.trajectory_recompute()

    with django_assert_max_num_queries(10):
        body = director_client.get("/api/v1/trajectory/?scenario=baseline").json()

    assert body["run_finished_at"] is not None
    first = body["points"][0]
    assert first["year"] == "2024/25"
    assert {"unmitigated_spend_pence", "mitigated_spend_pence", "income_pence",
            "in_year_deficit_pence", "cumulative_deficit_pence", "cap_pence", "variance_pence",
            "instalment_at_risk"} <= set(first)
    assert (first["mitigated_spend_pence"], first["variance_pence"]) == (1_590_000, 90_000)
    assert first["instalment_at_risk"] is True
    assert director_client.get("/api/v1/trajectory/?scenario=nope").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/budget-lines/", "/api/v1/forecasts/?year=2024-25",
                                 "/api/v1/pressures/", "/api/v1/mitigations/?year=2024/25",
                                 "/api/v1/agreement/versions/", "/api/v1/agreement/targets/",
                                 "/api/v1/agreement/instalments/", "/api/v1/agreement/conditions/",
                                 "/api/v1/agreement/returns/", "/api/v1/scenarios/"])
def test_every_finance_list_is_paginated_and_read_in_few_queries(
        url, small_finance, lead_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        body = lead_client.get(url).json()

    assert {"count", "results"} <= set(body)
    assert body["count"] >= 1 or url.endswith(("conditions/", "returns/"))


@pytest.mark.django_db
def test_forecasts_filter_by_year_period_and_line(small_finance, lead_client):
    body = lead_client.get("/api/v1/forecasts/?year=2024-25&period=2&line=1.2.3").json()

    assert body["count"] == 1
    assert body["results"][0]["variance_pence"] == 100_000
    assert lead_client.get("/api/v1/forecasts/?colour=red").status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["Director", "Programme lead"])
def test_only_finance_officers_write_through_the_api(role, small_finance, queued, make_user,
                                                     client_for):
    client = client_for(make_user(role))
    mitigation = Mitigation.objects.get(name="AP")
    writes = [
        client.post("/api/v1/mitigations/", {"year": "2024/25", "name": "X", "value_pence": 1,
                                              "confidence": "red", "status": "identified"}),
        client.patch(f"/api/v1/mitigations/{mitigation.pk}/", {"value_pence": 5},
                     content_type="application/json"),
        client.post("/api/v1/pressures/", {"year": "2024/25", "kind": "other",
                                            "amount_pence": 1}),
        client.patch("/api/v1/scenarios/baseline/", {"version": 1, "income_growth_pct": "9"},
                     content_type="application/json"),
    ]

    assert [r.status_code for r in writes] == [403, 403, 403, 403]
    assert Mitigation.objects.get(name="AP").value_pence == 30_000
    assert not Pressure.objects.filter(kind="other").exists()
    assert Scenario.objects.get().version == 1


@pytest.mark.django_db
def test_a_finance_officer_writes_through_services(small_finance, queued, finance_client):
    created = finance_client.post("/api/v1/mitigations/", {
        "year": "2024-25", "name": "Health clawback", "value_pence": 150_000_000,
        "confidence": "amber", "status": "identified"})
    scenario = finance_client.patch("/api/v1/scenarios/baseline/",
                                    {"version": 1, "income_growth_pct": "4.5"},
                                    content_type="application/json")
    stale = finance_client.patch("/api/v1/scenarios/baseline/",
                                 {"version": 1, "income_growth_pct": "1"},
                                 content_type="application/json")

    assert created.status_code == 201
    assert created.json()["year"] == "2024/25"
    assert Mitigation.objects.get(name="Health clawback").created_by.username == "finance-officer"
    assert scenario.status_code == 200
    assert scenario.json()["version"] == 2
    assert stale.status_code == 400
    assert Scenario.objects.get().income_growth_pct == 4.5


@pytest.mark.django_db
def test_a_reprofile_is_started_through_the_api(small_finance, queued, finance_client):
    version = small_finance["version"]

    response = finance_client.post(f"/api/v1/agreement/versions/{version.pk}/reprofile/",
                                   {"name": "Reprofile 1", "reason": "slippage"})

    assert response.status_code == 201
    assert response.json()["status"] == "draft"
    assert len(response.json()["targets"]) == 2


@pytest.mark.django_db
def test_a_stale_mitigation_write_through_the_api_is_refused(small_finance, queued,
                                                              finance_client):
    mitigation = Mitigation.objects.get(name="AP")
    url = f"/api/v1/mitigations/{mitigation.pk}/"
    read = finance_client.get(url).json()["version"]
    first = finance_client.patch(url, {"version": read, "value_pence": 1},
                                 content_type="application/json")
    stale = finance_client.patch(url, {"version": read, "value_pence": 2},
                                 content_type="application/json")

    assert first.status_code == 200
    assert first.json()["version"] == read + 1
    assert stale.status_code == 400
    assert Mitigation.objects.get(name="AP").value_pence == 1
