"""GET /api/v1/board-summaries/ and /api/v1/board-summaries/<year>/<period>/."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db
LIST = "/api/v1/board-summaries/"
P6 = "/api/v1/board-summaries/2024-25/6/"


def test_the_list_gives_year_period_status_and_version(
    sign_off_summary, build_summary, director_client, django_assert_max_num_queries
):
    sign_off_summary(5)
    build_summary(6)
    with django_assert_max_num_queries(20):
        response = director_client.get(LIST)
    assert response.status_code == 200
    rows = [(r["year"], r["period"], r["status"], r["version"])
            for r in response.json()["results"]]
    assert rows == [("2024/25", 6, "draft", 1), ("2024/25", 5, "signed_off", 1)]


def test_the_list_filters_by_year_period_and_status_and_rejects_unknown_filters(
    sign_off_summary, build_summary, finance_client
):
    sign_off_summary(5)
    build_summary(6)
    assert finance_client.get(LIST, {"period": "5"}).json()["count"] == 1
    assert finance_client.get(LIST, {"year": "2023-24"}).json()["count"] == 0
    assert finance_client.get(LIST, {"status": "draft"}).json()["results"][0]["period"] == 6
    assert finance_client.get(LIST, {"colour": "red"}).status_code == 400


def test_a_month_returns_the_latest_versions_content(
    sign_off_summary, director_user, build_summary, finance_client, django_assert_max_num_queries
):
    sign_off_summary(6)
    build_summary(6, new_version=True, user=director_user)
    with django_assert_max_num_queries(20):
        data = finance_client.get(P6).json()
    assert (data["year"], data["period"], data["version"], data["status"]) == (
        "2024/25", 6, 2, "draft")
    assert data["savings"]["target_pence"] == 1_540_000_000
    assert data["savings"]["forecast_pence"] == 1_100_000_000
    assert data["savings"]["unallocated_pence"] == 40_000_000
    assert [s["slug"] for s in data["strands"]] == ["sufficiency", "pfa"]
    for key in ("finance", "trajectory", "cohort", "top_risks", "kpis", "commentary",
                "signed_off_by", "signed_off_at"):
        assert key in data
    first = finance_client.get(P6, {"version": "1"}).json()
    assert first["status"] == "signed_off"
    assert first["signed_off_by"]
    assert first["signed_off_at"]


def test_leads_read_only_signed_off_summaries(sign_off_summary, build_summary, lead_client):
    sign_off_summary(5)
    build_summary(6)
    assert lead_client.get(P6).status_code == 404
    assert lead_client.get("/api/v1/board-summaries/2024-25/5/").status_code == 200
    rows = lead_client.get(LIST).json()["results"]
    assert [r["status"] for r in rows] == ["signed_off"]


def test_anyone_without_a_role_gets_nothing(build_summary, client_for, make_user):
    build_summary(6)
    assert client_for(make_user()).get(P6).status_code == 403
    assert client_for(None).get(LIST).status_code in (401, 403)
