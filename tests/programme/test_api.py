"""The programme API: summary, filters, and writes that obey the same rules as the pages."""

import pytest

from programme.models import ProgressUpdate, RaidItem
from programme.selectors import programme_summary
from send_tracker.fiscal import FinancialYear
from tests.programme import builders as build

K = 100_000


@pytest.fixture
def programme(lead_user):
    a, b = build.strand("Alpha", lead=lead_user), build.strand("Beta")
    build.target(200 * K, strand=a)
    build.target(250 * K, strand=b)
    build.target(500 * K)
    a1, b1 = build.project(a, "Alpha one"), build.project(b, "Beta one")
    build.update(a1, 6, 80 * K, 30 * K)
    build.update(b1, 6, 240 * K, 100 * K)
    return {"a": a, "b": b, "a1": a1, "b1": b1}


def test_the_summary_endpoint_is_exactly_the_selector(programme, director_client):
    body = director_client.get("/api/v1/programme/summary/?year=2024-25&period=6").json()
    assert body == programme_summary(year=FinancialYear(2024), period=6)
    assert body["unallocated_pence"] == 50 * K
    assert body["strands"][0] == {"name": "Alpha", "slug": programme["a"].slug,
                                  "target_pence": 200 * K, "forecast_pence": 80 * K,
                                  "delivered_pence": 30 * K, "shortfall_pence": 120 * K,
                                  "rag": "red"}


def test_the_summary_matches_the_overview_page(programme, director_client):
    body = director_client.get("/api/v1/programme/summary/?year=2024/25&period=P6").json()
    page = director_client.get("/programme/?year=2024-25&period=6")
    assert page.context["summary"]["forecast_pence"] == body["forecast_pence"]
    assert page.context["summary"]["strands"] == body["strands"]


@pytest.mark.parametrize(
    ("query", "field"),
    [("year=2024-26&period=6", "year"), ("year=2024-25&period=13", "period"),
     ("period=6", "year"), ("year=banana&period=x", "period")],
)
def test_a_malformed_year_or_period_is_a_400_with_a_message(programme, director_client, query,
                                                            field):
    response = director_client.get(f"/api/v1/programme/summary/?{query}")
    assert response.status_code == 400
    assert response.json()[field][0]


def test_the_summary_query_count_does_not_grow_with_projects(
    programme, director_client, django_assert_max_num_queries
):
    url = "/api/v1/programme/summary/?year=2024-25&period=6"
    with django_assert_max_num_queries(8) as small:
        director_client.get(url)
    for n in range(40):
        p = build.project(programme["b"], f"more {n}")
        build.update(p, 5, 1 * K, 0)
        build.update(p, 6, 2 * K, 0)
    with django_assert_max_num_queries(8) as large:
        body = director_client.get(url).json()
    assert len(large.captured_queries) == len(small.captured_queries)
    assert body["strands"][1]["forecast_pence"] == 320 * K  # 240k + 40 × 2k


@pytest.mark.parametrize("endpoint", ["strands", "projects", "savings-targets",
                                      "progress-updates", "milestones", "raid-items", "kpis"])
def test_every_list_endpoint_is_paginated_with_bounded_queries(
    programme, director_client, django_assert_max_num_queries, endpoint
):
    for n in range(15):
        p = build.project(programme["a"], f"p{n}")
        build.update(p, 6, K, 0)
        RaidItem.objects.create(strand=programme["a"], kind="risk", title=f"r{n}", likelihood=2,
                                impact=3)
    with django_assert_max_num_queries(8):
        response = director_client.get(f"/api/v1/{endpoint}/")
    assert response.status_code == 200
    assert "results" in response.json()


def test_progress_updates_filter_by_year_period_and_strand(programme, director_client):
    build.update(programme["a1"], 5, 70 * K, 20 * K)
    slug = programme["a"].slug
    body = director_client.get(
        f"/api/v1/progress-updates/?year=2024-25&period=6&strand={slug}").json()
    assert [(r["project"], r["period"], r["forecast_pence"]) for r in body["results"]] == [
        (programme["a1"].pk, 6, 80 * K)]
    assert director_client.get("/api/v1/progress-updates/?year=bad").status_code == 400
    assert director_client.get("/api/v1/progress-updates/?colour=red").status_code == 400


def _body(project, **extra):
    return {"project": project.pk, "year": "2024/25", "period": 6, "forecast_pence": 90 * K,
            "delivered_pence": 35 * K, "confidence": "amber", "commentary": "api", **extra}


def test_a_lead_patches_their_own_update_with_the_version_read(in_october_2024, programme,
                                                               lead_client):
    update = ProgressUpdate.objects.get(project=programme["a1"])
    response = lead_client.patch(f"/api/v1/progress-updates/{update.pk}/",
                                 {"version": 1, "forecast_pence": 95 * K},
                                 content_type="application/json")
    assert response.status_code == 200
    assert (response.json()["forecast_pence"], response.json()["version"]) == (95 * K, 2)


def test_a_patch_without_a_version_is_refused(in_october_2024, programme, lead_client):
    update = ProgressUpdate.objects.get(project=programme["a1"])
    response = lead_client.patch(f"/api/v1/progress-updates/{update.pk}/",
                                 {"forecast_pence": 1}, content_type="application/json")
    assert response.status_code == 400
    assert "version" in response.json()


def test_a_stale_patch_is_a_409_showing_what_changed(in_october_2024, programme, lead_client):
    update = ProgressUpdate.objects.get(project=programme["a1"])
    url = f"/api/v1/progress-updates/{update.pk}/"
    lead_client.patch(url, {"version": 1, "forecast_pence": 85 * K},
                      content_type="application/json")
    response = lead_client.patch(url, {"version": 1, "forecast_pence": 70 * K},
                                 content_type="application/json")
    assert response.status_code == 409
    assert "Forecast: £80,000 → £85,000" in response.json()["detail"]
    assert response.json()["current_version"] == 2
    assert ProgressUpdate.objects.get(pk=update.pk).forecast_pence == 85 * K


def test_a_lead_writing_another_strand_gets_403_and_nothing_changes(in_october_2024, programme,
                                                                    lead_client):
    theirs = ProgressUpdate.objects.get(project=programme["b1"])
    before = list(ProgressUpdate.objects.values_list("pk", "forecast_pence", "version"))
    patch = lead_client.patch(f"/api/v1/progress-updates/{theirs.pk}/",
                              {"version": 1, "forecast_pence": 1}, content_type="application/json")
    post = lead_client.post("/api/v1/progress-updates/", _body(programme["b1"], period=5),
                            content_type="application/json")
    assert (patch.status_code, post.status_code) == (403, 403)
    assert list(ProgressUpdate.objects.values_list("pk", "forecast_pence", "version")) == before


def test_a_lead_posts_a_new_update_for_their_project(in_october_2024, programme, lead_client):
    project = build.project(programme["a"], "New one")
    response = lead_client.post("/api/v1/progress-updates/", _body(project, submit=True),
                                content_type="application/json")
    assert response.status_code == 201
    assert response.json()["status"] == "submitted"
    assert ProgressUpdate.objects.get(project=project).forecast_pence == 90 * K


def test_a_director_reads_but_cannot_write_updates(in_october_2024, programme, director_client):
    assert director_client.get("/api/v1/progress-updates/").status_code == 200
    response = director_client.post("/api/v1/progress-updates/", _body(programme["a1"]),
                                    content_type="application/json")
    assert response.status_code == 403
    update = ProgressUpdate.objects.get(project=programme["a1"])
    assert director_client.patch(f"/api/v1/progress-updates/{update.pk}/", {"version": 1},
                                 content_type="application/json").status_code == 403


def test_the_api_schema_documents_the_summary(admin_client_role):
    response = admin_client_role.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json() if response["Content-Type"].startswith("application/json") else None
    text = response.content.decode()
    assert "/api/v1/programme/summary/" in text
    assert "unallocated_pence" in text
    assert schema is None or "/api/v1/progress-updates/{id}/" in schema["paths"]


def test_a_lead_moves_their_milestone_but_not_another_strands(programme, lead_client):
    import datetime as dt

    from programme.models import Milestone

    own = Milestone.objects.create(project=programme["a1"], name="Own",
                                   baseline_date=dt.date(2024, 9, 1),
                                   forecast_date=dt.date(2024, 9, 1))
    theirs = Milestone.objects.create(project=programme["b1"], name="Theirs",
                                      baseline_date=dt.date(2024, 9, 1),
                                      forecast_date=dt.date(2024, 9, 1))
    ok = lead_client.patch(f"/api/v1/milestones/{own.pk}/", {"forecast_date": "2024-11-30"},
                           content_type="application/json")
    assert ok.status_code == 200
    assert ok.json()["forecast_date"] == "2024-11-30"
    assert ok.json()["baseline_date"] == "2024-09-01"  # the baseline never moves
    refused = lead_client.patch(f"/api/v1/milestones/{theirs.pk}/",
                                {"forecast_date": "2025-01-31"}, content_type="application/json")
    assert refused.status_code == 403
    assert Milestone.objects.get(pk=theirs.pk).forecast_date == dt.date(2024, 9, 1)
    incomplete = lead_client.patch(f"/api/v1/milestones/{own.pk}/", {"status": "complete"},
                                   content_type="application/json")
    assert incomplete.status_code == 400
    assert "actual_date" in incomplete.json()


def test_a_lead_adds_a_raid_item_to_their_strand_only(programme, lead_client):
    body = {"kind": "risk", "title": "Tribunal costs rise", "likelihood": 4, "impact": 3,
            "residual_likelihood": 2, "residual_impact": 3, "mitigation": "Mediation first"}
    created = lead_client.post("/api/v1/raid-items/", {**body, "strand": programme["a"].slug},
                               content_type="application/json")
    assert created.status_code == 201
    assert (created.json()["score"], created.json()["residual_score"]) == (12, 6)
    refused = lead_client.post("/api/v1/raid-items/", {**body, "strand": programme["b"].slug},
                               content_type="application/json")
    assert refused.status_code == 403
    assert RaidItem.objects.count() == 1
    item_id = created.json()["id"]
    converted = lead_client.post(f"/api/v1/raid-items/{item_id}/convert-to-issue/")
    assert converted.status_code == 200
    assert (converted.json()["kind"], converted.json()["score"]) == ("issue", 15)


def test_a_negative_amount_is_a_400_not_a_server_error(in_october_2024, programme, lead_client):
    project = build.project(programme["a"], "Negative")
    response = lead_client.post("/api/v1/progress-updates/",
                                _body(project, forecast_pence=-1),
                                content_type="application/json")
    assert response.status_code == 400
    assert "forecast_pence" in response.json()
    assert not ProgressUpdate.objects.filter(project=project).exists()
