"""Published statistics, with the DfE's real release: import, neighbours, page, API, board panel.

The release is imported once for the module (it is committed to the test database, and removed
again at the end); each test then runs in its own rolled-back transaction on top of it. The
expected figures are read from the release's own CSV cells here, never typed.
"""

from __future__ import annotations

import csv
import functools
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from placements.benchmarks import ATTRIBUTION
from placements.models import (
    ComparatorMember,
    PublishedFigure,
    PublishedRelease,
    StatisticalNeighbour,
)
from placements.selectors import benchmark_board_panel, benchmark_overview, comparator_group
from send_tracker.imports import run_import
from send_tracker.models import ImportRecord

# ../shared beside the checkout (CI, /work/main); a worktree one level deeper looks one further up.
DATA = next(
    (path for path in (Path(settings.BASE_DIR).parent / "shared" / "data" / "dfe-ehcp",
                       Path(settings.BASE_DIR).parent.parent / "shared" / "data" / "dfe-ehcp")
     if path.exists()),
    Path(settings.BASE_DIR).parent / "shared" / "data" / "dfe-ehcp",
)
RELEASE = DATA / "education-health-and-care-plans_2025.zip"
NEIGHBOURS = DATA / "statistical-neighbours.csv"
DEVON = "E10000008"



@functools.lru_cache(maxsize=8)
def release_rows(name: str) -> list[dict[str, str]]:
    """A CSV of the real release, as dicts (header as published, BOM removed)."""
    with zipfile.ZipFile(RELEASE) as archive:
        member = next(n for n in archive.namelist() if n.endswith(f"/{name}") or n == name)
        text = archive.read(member).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def headline(rows: list[dict], topic: str) -> list[dict]:
    return [r for r in rows if r["breakdown_topic"] == topic]


def cell(name: str, topic: str, period: str, column: str, la: str = DEVON) -> str:
    rows = headline(release_rows(name), topic)
    return next(r[column] for r in rows if r["time_period"] == period and r["new_la_code"] == la)


def figure(measure: str, period: str, area: str = DEVON) -> PublishedFigure:
    return PublishedFigure.objects.get(measure=measure, time_period=period, area_code=area)


@pytest.fixture(scope="module")
def release(django_db_setup, django_db_blocker):
    """The real release and neighbours imported once (committed), removed after the module."""
    with django_db_blocker.unblock():
        first = [
            run_import(kind="statistical_neighbours", data=NEIGHBOURS.read_bytes(),
                       file_name=NEIGHBOURS.name),
            run_import(kind="ehcp_statistics", data=RELEASE.read_bytes(),
                       file_name=RELEASE.name),
        ]
        assert [r.status for r in first] == ["succeeded", "succeeded"], [r.problems for r in first]
        yield first[1]
        PublishedFigure.objects.all().delete()
        PublishedRelease.objects.all().delete()
        StatisticalNeighbour.objects.all().delete()
        ImportRecord.objects.filter(pk__in=[r.pk for r in first]).delete()
        # Deleting writes history rows too: remove them last, or the audit trail of a later
        # test in the same database starts with this module's deletions.
        for model in (PublishedFigure, PublishedRelease, StatisticalNeighbour):
            if hasattr(model, "history"):
                model.history.all().delete()
        if hasattr(ImportRecord, "history"):
            ImportRecord.history.filter(id__in=[r.pk for r in first]).delete()


@pytest.fixture
def figures(release, db):
    return release


def test_devons_published_figures_equal_the_release_cells(figures):
    plans = cell("caseload.csv", "All EHC plans", "202425", "ehcplans")
    within = cell("timeliness_20_week.csv", "All EHC plans issued", "2024",
                  "pc_plans_issued_within_20_weeks")
    requests = cell("requests.csv", "All requests for EHC needs assessments", "2024",
                    "requests_received_in_year")
    assert figure("plans_january", "202425").value == Decimal(plans)
    assert figure("pc_20wk_incl_exceptions", "2024").value == Decimal(within)
    assert figure("requests", "2024").value == Decimal(requests)
    # Periods are kept as the release codes them, with the area's level, name and release.
    devon = figure("plans_january", "202425")
    assert (devon.geographic_level, devon.area_name) == ("Local authority", "Devon")
    assert devon.release.reporting_year == 2025
    assert devon.release.import_record_id == figures.pk


def test_national_and_regional_rows_are_kept(figures):
    england = cell("caseload.csv", "All EHC plans", "202425", "ehcplans", la="")
    rows = headline(release_rows("caseload.csv"), "All EHC plans")
    south_west = next(r["ehcplans"] for r in rows if r["time_period"] == "202425"
                      and r["geographic_level"] == "Regional" and r["region_code"] == "E12000009")
    assert figure("plans_january", "202425", "E92000001").value == Decimal(england)
    assert figure("plans_january", "202425", "E12000009").value == Decimal(south_west)


def test_suppressed_cells_are_absent_not_zero(figures):
    rows = headline(release_rows("timeliness_20_week.csv"), "All EHC plans issued")
    suppressed = [r for r in rows if r["geographic_level"] == "Local authority"
                  and r["PC_plans_issued_20_weeks_ex"] in ("x", "c", "z", "")]
    assert suppressed, "the release has suppressed cells to test with"
    for row in suppressed[:5]:
        value = figure("pc_20wk_excl_exceptions", row["time_period"], row["new_la_code"]).value
        assert value is None


def test_the_repeated_header_of_annual_reviews_is_accepted(figures):
    published = cell("annual_reviews.csv", "All annual reviews", "2024", "pc_decsion_4weeks")
    assert figure("pc_annual_review_4weeks", "2024").value == Decimal(published)


def test_reimporting_the_same_release_writes_nothing(figures):
    before = PublishedFigure.objects.order_by("-updated_at").values_list("updated_at", flat=True)[0]
    record = run_import(kind="ehcp_statistics", data=RELEASE.read_bytes(), file_name=RELEASE.name)
    assert record.status == "succeeded"
    assert (record.rows_created, record.rows_updated) == (0, 0)
    assert record.rows_unchanged > 15_000
    after = PublishedFigure.objects.order_by("-updated_at").values_list("updated_at", flat=True)[0]
    assert after == before
    assert PublishedRelease.objects.get().import_record_id == figures.pk


def _zip_without(name: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(RELEASE) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if not info.filename.endswith(name):
                target.writestr(info, source.read(info))
    return out.getvalue()


def test_a_zip_lacking_a_needed_file_is_refused_whole(figures):
    count = PublishedFigure.objects.count()
    record = run_import(kind="ehcp_statistics", data=_zip_without("requests.csv"),
                        file_name="release-without-requests.zip")
    assert record.status == "rejected"
    reason = record.problems[0]["reason"]
    assert "lacks requests.csv" in reason
    assert "caseload.csv" in reason
    assert PublishedFigure.objects.count() == count


def test_a_file_lacking_a_needed_column_is_refused_naming_it(figures):
    rows = release_rows("annual_reviews.csv")[:50]
    out = io.StringIO()
    columns = [c for c in rows[0] if c != "pc_decsion_4weeks"]
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    record = run_import(kind="ehcp_statistics", data=out.getvalue().encode(),
                        file_name="annual_reviews.csv")
    assert record.status == "rejected"
    assert "annual_reviews.csv lacks pc_decsion_4weeks" in record.problems[0]["reason"]


def test_a_newer_release_revises_a_year_and_says_which_release_it_came_from(figures):
    rows = headline(release_rows("timeliness_20_week.csv"), "All EHC plans issued")
    devon_2024 = next(r for r in rows if r["time_period"] == "2024" and r["new_la_code"] == DEVON)
    revised = {**devon_2024, "pc_plans_issued_within_20_weeks": "4.5"}
    newer = {**devon_2024, "time_period": "2025", "pc_plans_issued_within_20_weeks": "12.5"}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(devon_2024))
    writer.writeheader()
    writer.writerows([revised, newer])
    record = run_import(kind="ehcp_statistics", data=out.getvalue().encode(),
                        file_name="timeliness_20_week.csv")
    assert record.status == "succeeded", record.problems
    revised_figure = figure("pc_20wk_incl_exceptions", "2024")
    assert revised_figure.value == Decimal("4.5")
    assert revised_figure.release.reporting_year == 2026
    assert figure("pc_20wk_incl_exceptions", "2025").release.import_record_id == record.pk
    # The 2025 release imported again afterwards does not undo the revision.
    run_import(kind="ehcp_statistics", data=RELEASE.read_bytes(), file_name=RELEASE.name)
    assert figure("pc_20wk_incl_exceptions", "2024").value == Decimal("4.5")


def test_the_council_defaults_to_its_ten_statistical_neighbours(figures):
    with NEIGHBOURS.open(encoding="utf-8-sig") as handle:
        table = list(csv.reader(handle))
    expected = [row[table[0].index("Devon")] for row in table[1:11]]
    group = comparator_group()
    assert [m["name"] for m in group["members"]] == expected
    assert group["unmatched"] == []
    assert group["region"]["code"] == "E12000009"
    # Dorset: the authority publishing now (E06000059), not the pre-2019 county of that name.
    assert {"code": "E06000059", "name": "Dorset", "rank": 2} in group["members"]


def test_a_neighbour_name_that_does_not_match_is_reported(figures):
    with NEIGHBOURS.open(encoding="utf-8-sig") as handle:
        table = list(csv.reader(handle))
    devon = table[0].index("Devon")
    assert table[1][devon] == "East Sussex"
    table[1][devon] = "East Sussexx"
    out = io.StringIO()
    csv.writer(out).writerows(table)
    record = run_import(kind="statistical_neighbours", data=out.getvalue().encode("utf-8-sig"),
                        file_name="statistical-neighbours.csv")
    assert record.status == "succeeded", record.problems
    assert any("East Sussexx" in w for w in record.warnings)
    assert comparator_group()["unmatched"] == ["East Sussexx"]


def test_the_overview_ranks_the_council_among_its_comparators(figures):
    overview = benchmark_overview(own={})
    item = next(m for m in overview["measures"] if m["measure"].code == "pc_20wk_incl_exceptions")
    ranking = item["ranking"]
    values = [e["value"] for e in ranking]
    assert values == sorted(values, reverse=True)  # higher is better: best first
    devon = next(e for e in ranking if e["is_council"])
    assert item["rank"] == devon["rank"] == ranking.index(devon) + 1
    assert len(item["series"]) == 6  # 2019 … 2024
    latest = item["series"][-1]
    assert latest["q1"] <= latest["median"] <= latest["q3"]


def test_own_figures_past_the_release_are_labelled_not_yet_published(figures):
    published = figure("plans_january", "202425").value
    own = {"plans_january": {"202425": int(published) + 12, "202526": 10_400}}
    item = benchmark_overview(own=own)["measures"][0]
    assert item["own_difference"] == 12
    assert list(item["unpublished"]) == [
        {"time_period": "202526", "label": "January 2026 (2025/26)", "value": Decimal(10_400)}
    ]


def test_the_page_shows_every_measure_with_its_attribution_in_fixed_queries(
    figures, director_client, django_assert_max_num_queries, monkeypatch
):
    from placements.selectors import benchmarking

    monkeypatch.setattr(benchmarking, "_own_figures",
                        lambda: {"plans_january": {"202526": 10_400}})
    with django_assert_max_num_queries(12):
        response = director_client.get("/placements/benchmarking/")
    assert response.status_code == 200
    page = response.content.decode()
    assert ATTRIBUTION in page
    assert "% of new plans issued within 20 weeks (with exceptions)" in page
    assert "East Sussex" in page
    assert "Devon (the council)" in page
    assert "from our records, not yet published" in page
    assert "pc_20wk_incl_exceptions</" not in page  # labels, not codes, on screen
    csv_response = director_client.get("/placements/benchmarking/?csv=requests-series")
    assert csv_response["Content-Type"].startswith("text/csv")


def test_a_programme_manager_sets_the_comparator_group(figures, client_for, make_user):
    from send_tracker.permissions import PROGRAMME_MANAGER

    client = client_for(make_user(PROGRAMME_MANAGER))
    response = client.post("/placements/benchmarking/comparators/",
                           {"area_codes": ["E06000059", "E10000027"]})
    assert response.status_code == 302
    assert list(ComparatorMember.objects.values_list("area_code", flat=True)) == [
        "E06000059", "E10000027"]
    group = comparator_group()
    assert [m["name"] for m in group["members"]] == ["Dorset", "Somerset"]
    refused = client.post("/placements/benchmarking/comparators/", {"area_codes": ["E99"]})
    assert refused.status_code == 200
    assert "There is a problem" in refused.content.decode()


def test_the_api_lists_measures_and_gives_each_figure_with_its_release(figures, director_client):
    measures = director_client.get("/api/v1/benchmarks/measures/?limit=100").json()
    codes = [m["code"] for m in measures["results"]]
    assert "pc_annual_review_4weeks" in codes
    first = measures["results"][0]
    assert (first["file"], first["columns"]) == ("caseload.csv", ["ehcplans"])
    body = director_client.get(
        "/api/v1/benchmarks/?measure=requests&time_period=2024").json()
    period = body["periods"][0]
    expected = cell("requests.csv", "All requests for EHC needs assessments", "2024",
                    "requests_received_in_year")
    assert Decimal(period["council"]["value"]) == Decimal(expected)
    assert period["council"]["release"] == 2025
    assert len(period["comparators"]) == 10
    assert period["england"]["code"] == "E92000001"
    assert period["region"]["name"] == "South West"
    every = director_client.get("/api/v1/benchmarks/?measure=requests").json()
    assert [p["time_period"] for p in every["periods"]] == [str(y) for y in range(2019, 2025)]
    bad = director_client.get("/api/v1/benchmarks/?measure=plans_janaury")
    assert bad.status_code == 400
    assert "plans_janaury" in bad.json()["measure"][0]


def test_the_board_summary_freezes_its_benchmarking_panel(figures):
    from finance.board import services

    summary = services.board_summary_build(year=2024, period=6).summary
    panel = summary.content["benchmarking"]
    assert panel["release"] == "Education, health and care plans 2025"
    assert [r["code"] for r in panel["rows"]] == [
        "plans_growth_pct", "pc_20wk_incl_exceptions", "pc_special_independent"]
    rank = panel["rows"][1]["rank"]
    assert rank == benchmark_board_panel()["rows"][1]["rank"]
    # A later revision of the figures does not change the built summary.
    PublishedFigure.objects.filter(measure="pc_20wk_incl_exceptions", time_period="2024",
                                   area_code=DEVON).update(value=Decimal("99.9"))
    summary.refresh_from_db()
    assert summary.content["benchmarking"]["rows"][1]["rank"] == rank
    assert benchmark_board_panel()["rows"][1]["rank"] == 1


def test_the_demo_imports_the_shared_release_and_a_second_seed_changes_nothing(figures):
    from placements import demo
    from send_tracker.models import ImportRecord

    imports = ImportRecord.objects.count()
    figures_before = PublishedFigure.objects.count()
    lines: list[str] = []
    demo.seed_published_statistics(log=lines.append)
    assert len(lines) == 2
    assert all("already imported" in line for line in lines)
    assert ImportRecord.objects.count() == imports  # no second record of the same files
    assert PublishedFigure.objects.count() == figures_before


def test_a_programme_manager_uploads_a_release_file_in_the_browser(
        figures, client_for, make_user, run_imports):
    from send_tracker.permissions import PROGRAMME_MANAGER

    rows = headline(release_rows("annual_reviews.csv"), "All annual reviews")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    upload = io.BytesIO(out.getvalue().encode())
    upload.name = "annual_reviews.csv"
    client = client_for(make_user(PROGRAMME_MANAGER))
    with run_imports():
        response = client.post("/placements/benchmarking/import/",
                               {"kind": "ehcp_statistics", "file": upload})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Statistics loaded" in page
    assert "0 figures new, 0 revised" in page
    wrong = io.BytesIO(b"x")
    wrong.name = "release.xlsx"
    refused = client.post("/placements/benchmarking/import/",
                          {"kind": "ehcp_statistics", "file": wrong})
    assert "The file must be a .zip or a .csv file." in refused.content.decode()


def test_the_pages_queries_do_not_grow_with_the_comparators(figures, director_client, admin_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from placements.selectors import la_choices
    from placements.services import comparator_group_set

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert director_client.get("/placements/benchmarking/").status_code == 200
        return len(captured)

    ten = queries()
    codes = [code for code, _ in la_choices() if code != DEVON][:20]
    comparator_group_set(area_codes=codes, user=admin_user)
    assert len(comparator_group()["members"]) == 20
    # One fewer: a set group needs no statistical neighbours read; never more.
    assert queries() == ten - 1
