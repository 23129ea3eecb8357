"""Pages: the overview and its exports, the update form, strand, RAID, KPI and compliance pages."""

import datetime as dt
from io import BytesIO

import pytest
from openpyxl import load_workbook

from programme.models import ProgressUpdate, RaidItem
from send_tracker.permissions import LEAD
from tests.programme import builders as build

K = 100_000


@pytest.fixture
def programme(lead_user):
    """Strand A (led by `lead`): target £200k, forecast £130k; strand B: £250k / £240k."""
    a, b = build.strand("Alpha strand", lead=lead_user), build.strand("Beta strand")
    build.target(200 * K, strand=a)
    build.target(250 * K, strand=b)
    build.target(500 * K)
    a1, a2, b1 = build.project(a, "Alpha one"), build.project(a, "Alpha two"), build.project(b)
    build.update(a1, 5, 80 * K, 30 * K)
    build.update(a2, 6, 50 * K, 10 * K)
    build.update(b1, 6, 240 * K, 100 * K)
    return {"a": a, "b": b, "a1": a1, "a2": a2, "b1": b1}


def test_the_overview_shows_each_strand_and_the_programme_with_rag_words(programme,
                                                                         director_client):
    response = director_client.get("/programme/?year=2024-25&period=6")
    assert response.status_code == 200
    html = response.content.decode()
    assert "£130,000" in html  # Alpha forecast: 80k + 50k
    assert "£70,000" in html  # Alpha shortfall
    assert "Red – off track" in html
    assert "Amber – at risk" in html
    assert "£50,000" in html  # unallocated: 500k − 450k
    assert "£370,000" in html  # programme forecast
    assert 'id="strand-savings-data"' in html
    assert 'id="monthly-data"' in html
    assert "<script>" not in html.replace('<script type="application/json"', "")


def test_the_overview_defaults_to_the_reporting_month_of_the_calendar(programme,
                                                                       reporting_calendar,
                                                                       director_client):
    reporting_calendar(2024, 6)
    html = director_client.get("/programme/").content.decode()
    assert "P6 (September) 2024/25" in html
    assert "Reporting month: " in html
    assert "P6 2024/25 (September 2024)" in html
    reporting_calendar(2024, 5)
    assert "P5 (August) 2024/25" in director_client.get("/programme/").content.decode()


def test_a_malformed_year_is_reported_in_an_error_summary(programme, director_client):
    html = director_client.get("/programme/?year=2024-26&period=6").content.decode()
    assert "govuk-error-summary" in html
    assert 'href="#year"' in html


def test_the_overview_chart_csv_is_the_table_shown(programme, director_client):
    response = director_client.get("/programme/?year=2024-25&period=6&csv=strand-savings")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Strand,Target (£),Forecast (£),Delivered (£),Shortfall (£)"
    assert lines[1] == "Alpha strand,200000,130000,40000,70000"


def test_the_excel_export_has_numbers_in_pounds_with_a_pound_format(programme, director_client):
    response = director_client.get("/programme/export/xlsx/?year=2024-25&period=6")
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet["A4"].value == "Alpha strand"
    assert sheet["C4"].value == 130000
    assert "£" in sheet["C4"].number_format
    assert sheet["A6"].value == "Unallocated"
    assert sheet["B6"].value == 50000
    assert sheet["A7"].value == "Programme total"
    assert sheet["C7"].value == 370000


def test_the_csv_export_has_the_programme_total(programme, director_client):
    response = director_client.get("/programme/export/csv/?year=2024-25&period=6")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[-1] == "Programme total,500000,370000,140000,130000,Red – off track"  # 74%


def test_the_overview_query_count_does_not_grow_with_projects(programme, director_client,
                                                              django_assert_max_num_queries):
    with django_assert_max_num_queries(12) as small:
        director_client.get("/programme/?year=2024-25&period=6")
    for strand in (programme["a"], programme["b"]):
        for n in range(30):
            p = build.project(strand, f"extra {strand.pk}-{n}")
            for period in (1, 2, 3):
                build.update(p, period, 10 * K, 1 * K)
    with django_assert_max_num_queries(12) as large:
        director_client.get("/programme/?year=2024-25&period=6")
    assert len(large.captured_queries) == len(small.captured_queries)


def test_a_lead_submits_this_months_figures_and_the_overview_changes(
    in_october_2024, programme, lead_user, client_for
):
    client = client_for(lead_user)
    page = client.get("/programme/update/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "P6 (September) 2024/25" in html  # still open on 7 October
    assert "Alpha one" in html
    assert "Beta strand" not in html  # not the lead's strand
    form = page.context["formset"]
    data = {"updates-TOTAL_FORMS": "2", "updates-INITIAL_FORMS": "2",
            "updates-MIN_NUM_FORMS": "0", "updates-MAX_NUM_FORMS": "1000", "action": "submit"}
    for i, f in enumerate(form.forms):
        data.update({f"updates-{i}-project": f.initial["project"],
                     f"updates-{i}-version": f.initial["version"] or "",
                     f"updates-{i}-forecast": "150,000", f"updates-{i}-delivered": "£20000",
                     f"updates-{i}-confidence": "green", f"updates-{i}-commentary": "ok"})
    response = client.post("/programme/update/", data)
    assert response.status_code == 302
    assert _confirm(client, response).status_code == 302
    after = client.get("/programme/?year=2024-25&period=6").content.decode()
    assert "£300,000" in after  # Alpha: 2 × £150,000


def test_the_update_form_is_prefilled_from_last_month(in_october_2024, programme, lead_client):
    page = lead_client.get("/programme/update/")
    initial = {f.initial["project"]: f.initial for f in page.context["formset"].forms}
    assert initial[programme["a1"].pk]["forecast"] == "80000.00"  # P5's figure
    assert initial[programme["a1"].pk]["version"] is None  # a new update for P6
    assert initial[programme["a2"].pk]["version"] == 1  # P6 exists


def _confirm(client, response):
    """Follow "Check and submit" to the check-your-answers page and confirm there."""
    assert response.status_code == 302, response.content[:300]
    check = response["Location"]
    assert check.startswith("/programme/update/check/")
    return client.post(check)


def _submit(client, project, **kwargs):
    """Post one project's answers and confirm them on the check-your-answers page."""
    return _confirm(client, _post(client, project, **kwargs))


def _post(client, project, *, forecast="1000", delivered="10", version="", extra=None,
          url="/programme/update/"):
    data = {"updates-TOTAL_FORMS": "1", "updates-INITIAL_FORMS": "1",
            "updates-MIN_NUM_FORMS": "0", "updates-MAX_NUM_FORMS": "1000", "action": "submit",
            "updates-0-project": project.pk, "updates-0-version": version,
            "updates-0-forecast": forecast, "updates-0-delivered": delivered,
            "updates-0-confidence": "amber", "updates-0-commentary": ""}
    data.update(extra or {})
    return client.post(url, data)


def test_form_errors_are_summarised_with_links_to_the_fields(in_october_2024, programme,
                                                              lead_client):
    response = _post(lead_client, programme["a1"], forecast="lots", delivered="")
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert 'href="#id_updates-0-forecast"' in html
    assert "Forecast saving must be an amount in pounds" in html
    assert 'href="#id_updates-0-delivered"' in html
    assert 'class="govuk-input govuk-input--width-10 govuk-input--error"' in html
    assert not ProgressUpdate.objects.filter(period=6, project=programme["a1"]).exists()


def test_a_lead_posting_another_strands_project_gets_403_and_nothing_changes(
    in_october_2024, programme, lead_client
):
    before = list(ProgressUpdate.objects.values_list("pk", "forecast_pence", "version"))
    response = _post(lead_client, programme["b1"], version="1", forecast="1", delivered="0")
    assert response.status_code == 403
    assert list(ProgressUpdate.objects.values_list("pk", "forecast_pence", "version")) == before
    assert lead_client.get(f"/programme/update/?strand={programme['b'].slug}").status_code == 403


def test_the_form_refuses_a_stale_version_and_shows_what_changed(
    in_october_2024, programme, lead_client, make_user, client_for
):
    deputy = make_user(LEAD, first_name="Dee", last_name="Puty")
    programme["a"].deputies.add(deputy)
    assert _submit(client_for(deputy), programme["a2"], forecast="45000",
                   version="1").status_code == 302
    response = _submit(lead_client, programme["a2"], forecast="99000", version="1")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Dee Puty saved this update" in html
    assert "Forecast: £50,000 → £45,000" in html
    assert "£99,000" in html  # the lead's answer is kept, not lost
    assert ProgressUpdate.objects.get(project=programme["a2"], period=6).forecast_pence == 45 * K
    # The kept answer now carries the newer version, so confirming again is a deliberate
    # overwrite.
    assert response.context["items"][0]["values"]["version"] == 2
    assert lead_client.post(response.wsgi_request.get_full_path()).status_code == 302
    assert ProgressUpdate.objects.get(project=programme["a2"], period=6).forecast_pence == 99 * K


def test_a_closed_period_is_read_only_for_a_lead(in_october_2024, programme, lead_client):
    page = lead_client.get("/programme/update/?year=2024-25&period=5")
    assert "is closed" in page.content.decode()
    assert page.context["read_only"]
    response = _post(lead_client, programme["a1"], version="1",
                     url="/programme/update/?year=2024-25&period=5")
    assert response.status_code == 400
    assert ProgressUpdate.objects.get(project=programme["a1"], period=5).forecast_pence == 80 * K


def test_an_administrator_needs_a_reason_for_a_closed_period(in_october_2024, programme,
                                                             admin_client_role):
    url = f"/programme/update/?year=2024-25&period=5&strand={programme['a'].slug}"
    data = {"updates-TOTAL_FORMS": "1", "updates-INITIAL_FORMS": "1",
            "updates-MIN_NUM_FORMS": "0", "updates-MAX_NUM_FORMS": "1000", "action": "submit",
            "updates-0-project": programme["a1"].pk, "updates-0-version": "1",
            "updates-0-forecast": "75000", "updates-0-delivered": "30000",
            "updates-0-confidence": "amber"}
    refused = admin_client_role.post(url, data)
    assert refused.status_code == 400
    assert 'href="#id_reason"' in refused.content.decode()
    checked = admin_client_role.post(url, {**data, "reason": "Finance correction"})
    assert ProgressUpdate.objects.get(project=programme["a1"], period=5).forecast_pence == 80 * K
    assert "Finance correction" in admin_client_role.get(checked["Location"]).content.decode()
    assert _confirm(admin_client_role, checked).status_code == 302
    update = ProgressUpdate.objects.get(project=programme["a1"], period=5)
    assert update.forecast_pence == 75 * K
    assert update.history.latest().history_change_reason == "Finance correction"


def test_a_director_sees_the_overview_but_not_the_update_form(programme, director_client):
    assert director_client.get("/programme/").status_code == 200
    assert director_client.get("/programme/update/").status_code == 403
    assert director_client.post("/programme/update/", {}).status_code == 403


def test_the_strand_page_shows_projects_milestones_raid_kpis_and_history(
    in_october_2024, programme, director_client
):
    from programme.models import Milestone

    update = ProgressUpdate.objects.get(project=programme["a2"])
    update.forecast_pence = 60 * K
    update.save()
    Milestone.objects.create(project=programme["a1"], name="Panel set up",
                             baseline_date=dt.date(2024, 8, 1), forecast_date=dt.date(2024, 9, 1))
    RaidItem.objects.create(strand=programme["a"], kind="risk", title="Staff capacity",
                            likelihood=4, impact=5)
    url = f"/programme/strands/{programme['a'].slug}/?year=2024-25&period=6"
    response = director_client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Alpha two" in html
    assert "Overdue" in html
    assert "Staff capacity" in html
    assert "Forecast: £50,000 → £60,000" in html
    rows = {r["project"]["name"]: r for r in response.context["projects"]}
    assert rows["Alpha two"]["forecast_change"] is None  # its first update is P6
    assert rows["Alpha one"]["update"]["period"] == 5


def test_the_raid_log_filters_and_counts_the_matrix_in_words(programme, director_client):
    RaidItem.objects.create(strand=programme["a"], kind="risk", title="R1", likelihood=5, impact=4)
    RaidItem.objects.create(strand=programme["b"], kind="issue", title="I1", likelihood=2,
                            impact=2)
    response = director_client.get("/programme/raid/?kind=risk")
    html = response.content.decode()
    assert "R1" in html
    assert "I1" not in html
    assert "1 <span class=\"govuk-body-s\">(high, score 20)</span>" in html


def test_a_lead_turns_their_risk_into_an_issue_from_the_raid_log(programme, lead_client):
    risk = RaidItem.objects.create(strand=programme["a"], kind="risk", title="R", likelihood=2,
                                   impact=2)
    other = RaidItem.objects.create(strand=programme["b"], kind="risk", title="S", likelihood=2,
                                    impact=2)
    assert lead_client.post(f"/programme/raid/{risk.pk}/convert/").status_code == 302
    assert lead_client.post(f"/programme/raid/{other.pk}/convert/").status_code == 403
    assert RaidItem.objects.get(pk=risk.pk).kind == "issue"
    assert RaidItem.objects.get(pk=other.pk).kind == "risk"


def test_the_kpi_page_has_a_chart_and_csv_per_kpi(director_client):
    from programme import demo
    from send_tracker.demo import seed_core_users

    seed_core_users()
    demo.seed(log=lambda m: None)
    html = director_client.get("/programme/kpis/").content.decode()
    assert "EHC plans issued within 20 weeks" in html
    assert 'id="kpi-ehcp-20-weeks-data"' in html
    csv = director_client.get("/programme/kpis/?csv=kpi-weeks-to-plan").content.decode("utf-8-sig")
    assert "2024-09-30,Actual,41.00" in csv
    # A KPI the tracker holds has no typed actuals: with no assessments, nothing is computed.
    csv = director_client.get("/programme/kpis/?csv=kpi-ehcp-20-weeks").content.decode("utf-8-sig")
    assert "Actual" not in csv
    assert "21.40" not in csv


def test_who_has_not_updated_is_for_directors_and_administrators(in_october_2024, programme,
                                                                 director_client, lead_client):
    html = director_client.get("/programme/compliance/").content.decode()
    assert "Alpha one" in html  # no P6 update
    assert "Alpha two" not in html
    assert lead_client.get("/programme/compliance/").status_code == 403


def test_the_strand_page_agrees_with_the_summary_and_has_bounded_queries(
    programme, director_client, django_assert_max_num_queries
):
    from programme.selectors import programme_summary
    from send_tracker.fiscal import FinancialYear

    url = f"/programme/strands/{programme['a'].slug}/?year=2024-25&period=6"
    with django_assert_max_num_queries(20) as small:
        response = director_client.get(url)
    expected = programme_summary(year=FinancialYear(2024), period=6)["strands"][0]
    assert response.context["figures"] == expected
    for n in range(20):
        p = build.project(programme["a"], f"more {n}")
        build.update(p, 6, K, 0)
        RaidItem.objects.create(strand=programme["a"], kind="risk", title=f"r{n}", likelihood=1,
                                impact=1)
    with django_assert_max_num_queries(20) as large:
        director_client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_a_lead_changes_a_milestone_date_in_the_browser(programme, lead_client, director_client):
    from programme.models import Milestone

    milestone = Milestone.objects.create(project=programme["a1"], name="Panel",
                                         baseline_date=dt.date(2024, 8, 1),
                                         forecast_date=dt.date(2024, 9, 1))
    url = f"/programme/milestones/{milestone.pk}/edit/"
    bad = lead_client.post(url, {"forecast_date": "31/02/2025", "status": "on_track"})
    assert bad.status_code == 400
    assert 'href="#id_forecast_date"' in bad.content.decode()
    incomplete = lead_client.post(url, {"forecast_date": "30/11/2024", "status": "complete"})
    assert "A complete milestone needs its actual date." in incomplete.content.decode()
    ok = lead_client.post(url, {"forecast_date": "30/11/2024", "status": "at_risk"})
    assert ok.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.forecast_date, milestone.baseline_date) == (dt.date(2024, 11, 30),
                                                                  dt.date(2024, 8, 1))
    assert director_client.get(url).status_code == 403


def test_a_lead_adds_a_raid_item_to_their_strand_but_not_to_another(programme, lead_client):
    data = {"kind": "risk", "title": "Transport costs", "likelihood": "4", "impact": "4",
            "residual_likelihood": "2", "residual_impact": "", "status": "open"}
    url = f"/programme/raid/new/?strand={programme['a'].slug}"
    half = lead_client.post(url, data)
    assert half.status_code == 400
    assert "or neither" in half.content.decode()
    assert lead_client.post(url, {**data, "residual_impact": "3"}).status_code == 302
    item = RaidItem.objects.get()
    assert (item.score, item.residual_score, item.strand) == (16, 6, programme["a"])
    other = f"/programme/raid/new/?strand={programme['b'].slug}"
    assert lead_client.post(other, data).status_code == 403
    assert RaidItem.objects.count() == 1


def test_a_lead_sees_on_the_overview_how_many_of_their_updates_are_missing(
    in_october_2024, programme, lead_client, director_client
):
    html = lead_client.get("/programme/").content.decode()
    assert "1 of your projects has no submitted update for P6 (September) 2024/25" in html
    assert "of your projects" not in director_client.get("/programme/").content.decode()


# ---- The RAID log, a page at a time ------------------------------------------------------------

def _raid_items(strand, n: int, *, kind: str = "risk", owner=None) -> None:
    """n items with distinct scores from high to low (title `k-NN`, NN = rank from 01)."""
    for i in range(n):
        likelihood, impact = 5 - (i // 5) % 5, 5 - i % 5
        RaidItem.objects.create(strand=strand, kind=kind, owner=owner,
                                title=f"{kind[0]}-{i + 1:02d}", likelihood=likelihood,
                                impact=impact)


def _matrix_total(response) -> int:
    return sum(c["count"] for row in response.context["matrix"] for c in row["cells"])


def test_the_raid_log_shows_twenty_items_a_page_and_says_which(programme, director_client):
    _raid_items(programme["a"], 45)
    first = director_client.get("/programme/raid/")
    html = first.content.decode()
    assert [item["title"] for item in first.context["page"].items] == [
        r.title for r in RaidItem.objects.order_by("-score", "-residual_score", "title")[:20]]
    assert "Showing <b>1</b> to <b>20</b> of <b>45</b> items" in html
    assert '<nav class="govuk-pagination" aria-label="Pages of RAID items">' in html
    assert 'aria-label="Page 1" aria-current="page"' in html
    third = director_client.get("/programme/raid/?page=3")
    assert len(third.context["page"].items) == 5
    assert "Showing <b>41</b> to <b>45</b> of <b>45</b> items" in third.content.decode()
    # Every item is on exactly one page.
    pages = [director_client.get(f"/programme/raid/?page={n}").context["page"].items
             for n in (1, 2, 3)]
    ids = [item["id"] for page in pages for item in page]
    assert sorted(ids) == sorted(RaidItem.objects.values_list("id", flat=True))


def test_the_raid_log_page_links_keep_the_filters(programme, director_client):
    _raid_items(programme["a"], 30, kind="risk")
    _raid_items(programme["b"], 5, kind="issue")
    strand = programme["a"].pk
    response = director_client.get(f"/programme/raid/?kind=risk&strand={strand}&status=&page=1")
    html = response.content.decode()
    assert "Showing <b>1</b> to <b>20</b> of <b>30</b> items" in html
    assert f'href="?kind=risk&amp;strand={strand}&amp;page=2" rel="next"' in html
    assert "Previous" not in html.split('class="govuk-pagination"')[1]  # no page before the first
    second = director_client.get(f"/programme/raid/?kind=risk&strand={strand}&page=2")
    html = second.content.decode()
    assert f'href="?kind=risk&amp;strand={strand}&amp;page=1" rel="prev"' in html
    assert all(item["kind"] == "risk" for item in second.context["page"].items)
    assert "Next<span" not in html  # the last page
    # The form shows the filters chosen.
    assert '<option value="risk" selected>Risk</option>' in html
    assert f'<option value="{strand}" selected>Alpha strand</option>' in html


def test_the_raid_matrix_counts_every_filtered_item_not_only_the_page(programme,
                                                                       director_client):
    _raid_items(programme["a"], 30, kind="risk")
    _raid_items(programme["b"], 7, kind="issue")
    everything = director_client.get("/programme/raid/?page=2")
    assert len(everything.context["page"].items) == 17
    assert _matrix_total(everything) == 37
    risks = director_client.get("/programme/raid/?kind=risk&page=2")
    assert _matrix_total(risks) == 30
    # 5 × 5 = 25 is the top-right cell: risks 1, 26 (and issue 1 when unfiltered).
    assert risks.context["matrix"][0]["cells"][4]["count"] == 2
    assert everything.context["matrix"][0]["cells"][4]["count"] == 3


@pytest.mark.parametrize("page", ["99", "0", "-2", "abc", "1.5", "1e9",
                                  "99999999999999999999999", "%3Cscript%3E"])
def test_a_raid_page_out_of_range_or_not_a_number_is_a_page_not_an_error(programme,
                                                                          director_client, page):
    _raid_items(programme["a"], 25)
    response = director_client.get(f"/programme/raid/?page={page}")
    assert response.status_code == 200
    expected = 2 if page in ("99", "99999999999999999999999") else 1
    assert response.context["page"].number == expected
    assert "<script>" not in response.content.decode()


def test_an_unknown_filter_value_shows_every_item_rather_than_an_error(programme,
                                                                       director_client):
    _raid_items(programme["a"], 3)
    response = director_client.get("/programme/raid/?strand=999999&owner=abc&kind=<b>")
    assert response.status_code == 200
    assert response.context["page"].count == 3
    assert "<b>" not in response.content.decode().split("<main")[1].split("Showing")[0]


def test_leads_see_change_links_on_their_own_strands_items_only(programme, lead_client):
    _raid_items(programme["a"], 2)
    _raid_items(programme["b"], 2, kind="issue")
    html = lead_client.get("/programme/raid/").content.decode()
    mine = RaidItem.objects.filter(strand=programme["a"])
    for item in mine:
        assert f'href="/programme/raid/{item.pk}/edit/"' in html
        assert f'action="/programme/raid/{item.pk}/convert/"' in html
    for item in RaidItem.objects.filter(strand=programme["b"]):
        assert f"/programme/raid/{item.pk}/" not in html


def test_the_raid_log_names_owners_and_labels_in_words(programme, director_client, make_user):
    owner = make_user(LEAD, username="jb", first_name="Jo", last_name="Bloggs")
    plain = make_user(LEAD, username="plainuser")
    RaidItem.objects.create(strand=programme["a"], kind="dependency", title="D", likelihood=2,
                            impact=2, owner=owner, status="monitoring")
    RaidItem.objects.create(strand=programme["a"], kind="risk", title="R", likelihood=1,
                            impact=1, owner=plain)
    html = director_client.get("/programme/raid/").content.decode()
    assert '<td class="govuk-table__cell" data-label="Owner">Jo Bloggs</td>' in html
    assert '<td class="govuk-table__cell" data-label="Owner">plainuser</td>' in html
    assert '<td class="govuk-table__cell" data-label="Type">Dependency</td>' in html
    assert '<td class="govuk-table__cell" data-label="Status">Monitoring</td>' in html
    assert f'<option value="{owner.pk}">Jo Bloggs</option>' in html


def test_the_raid_log_reads_a_fixed_number_of_queries_whatever_its_size(
    programme, lead_client, django_assert_max_num_queries
):
    _raid_items(programme["a"], 3)
    with django_assert_max_num_queries(20) as small:
        assert lead_client.get("/programme/raid/?kind=risk").status_code == 200
    _raid_items(programme["a"], 60)
    _raid_items(programme["b"], 60, kind="issue")
    with django_assert_max_num_queries(20) as large:
        assert lead_client.get("/programme/raid/?page=4").status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_form_is_pre_filled_from_the_last_submitted_update_not_a_draft(
    programme, reporting_calendar, lead_client
):
    reporting_calendar(2024, 6)  # P7 open
    a2_p6 = ProgressUpdate.objects.get(project=programme["a2"], period=6)
    ProgressUpdate.objects.create(project=programme["a1"], year=2024, period=6,
                                  forecast_pence=1 * K, delivered_pence=0, confidence="red",
                                  commentary="unfinished", status="draft", version=1)
    page = lead_client.get("/programme/update/")
    assert page.context["chosen"].label == "P7 (October) 2024/25"
    initial = {f.initial["project"]: f.initial for f in page.context["formset"].forms}
    assert initial[programme["a1"].pk]["forecast"] == "80000.00"  # P5 submitted, not P6's draft
    assert initial[programme["a2"].pk]["forecast"] == f"{a2_p6.forecast_pence / 100:.2f}"
    assert initial[programme["a2"].pk]["commentary"] == a2_p6.commentary
    assert "pre-filled from the submitted P5 2024/25 update" in page.content.decode()


def test_milestones_are_overdue_as_at_the_end_of_the_reporting_month(
    programme, reporting_calendar, director_client
):
    from programme.models import Milestone

    reporting_calendar(2024, 6)
    Milestone.objects.create(project=programme["a1"], name="Due in September",
                             baseline_date=dt.date(2024, 9, 1), forecast_date=dt.date(2024, 9, 20))
    Milestone.objects.create(project=programme["a1"], name="Due in October",
                             baseline_date=dt.date(2024, 10, 1),
                             forecast_date=dt.date(2024, 10, 20))
    # Today (years later) both dates have passed; as at 30 September 2024 only one has.
    rows = {r["milestone"]["name"]: r["overdue"]
            for r in director_client.get(f"/programme/strands/{programme['a'].slug}/")
            .context["milestones"]}
    assert rows == {"Due in September": True, "Due in October": False}


# The lead's monthly update, issue 14 part 3: what changed, one project at a time, BRAG radios,
# check your answers, confirmation.

def _page_data(page, action, **changes):
    """The update page posted as it was shown (pre-filled), with `changes` by field name."""
    forms = page.context["formset"].forms
    data = {"updates-TOTAL_FORMS": str(len(forms)), "updates-INITIAL_FORMS": str(len(forms)),
            "updates-MIN_NUM_FORMS": "0", "updates-MAX_NUM_FORMS": "1000", "action": action}
    for i, form in enumerate(forms):
        data.update({f"updates-{i}-{name}": "" if value is None else value
                     for name, value in form.initial.items()})
    data.update(changes)
    return data


def test_each_project_shows_its_target_and_last_submitted_figures_beside_its_fields(
    in_october_2024, programme, lead_client
):
    build.target(120 * K, project=programme["a1"])
    build.update(programme["a1"], 4, 70 * K, 20 * K, confidence="red")  # older: not shown
    html = lead_client.get("/programme/update/").content.decode()
    alpha_one = html[html.index("<legend class=\"govuk-fieldset__legend govuk-fieldset__legend"
                                "--m\">Alpha one"):html.index("Alpha two</legend>")]
    assert "Target for 2024/25" in alpha_one
    assert "£120,000" in alpha_one
    assert "No project target" in html[html.index("Alpha two</legend>"):]
    # Last month's (P5's) figures, each in the hint read with its field.
    assert 'id="id_updates-0-forecast-hint">Last submitted, P5 2024/25: £80,000' in alpha_one
    assert 'aria-describedby="id_updates-0-forecast-hint"' in alpha_one
    assert 'id="id_updates-0-delivered-hint">Last submitted, P5 2024/25: £30,000' in alpha_one
    assert "Last submitted, P5 2024/25: Green – on track" in alpha_one
    assert "£70,000" not in alpha_one


def test_delivery_confidence_is_a_fieldset_of_radios_with_the_brag_words(
    in_october_2024, programme, lead_client
):
    html = lead_client.get("/programme/update/").content.decode()
    assert '<select' not in html.split('id="project-0"')[1]  # no select in the projects
    assert html.count('<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">'
                      'Delivery confidence</legend>') == 2
    for code, words in (("blue", "Blue – delivered"), ("green", "Green – on track"),
                        ("amber", "Amber – at risk"), ("red", "Red – off track")):
        assert f'name="updates-0-confidence" type="radio" value="{code}"' in html
        assert f'>{words}</label>' in html
    # Pre-filled: P5's "green" is chosen for Alpha one.
    assert 'name="updates-0-confidence" type="radio" value="green" checked' in html


def test_a_missing_rating_links_from_the_error_summary_to_the_first_radio(
    in_october_2024, programme, lead_client
):
    page = lead_client.get("/programme/update/")
    response = lead_client.post("/programme/update/", _page_data(
        page, f"check-{programme['a1'].pk}", **{"updates-0-confidence": ""}))
    assert response.status_code == 400
    assert 'href="#id_updates-0-confidence_0"' in response.content.decode()


def test_a_lead_saves_one_project_as_a_draft_and_the_others_keep_what_was_typed(
    in_october_2024, programme, lead_client
):
    page = lead_client.get("/programme/update/")
    response = lead_client.post("/programme/update/", _page_data(
        page, f"draft-{programme['a1'].pk}", **{"updates-0-forecast": "81000",
                                                 "updates-1-forecast": "55555"}))
    assert response.status_code == 200
    assert "Alpha one: draft saved for P6 (September) 2024/25" in response.content.decode()
    saved = ProgressUpdate.objects.get(project=programme["a1"], period=6)
    assert (saved.status, saved.forecast_pence, saved.version) == ("draft", 81 * K, 1)
    # Alpha two was not saved, but what was typed into it is still on the page.
    assert ProgressUpdate.objects.get(project=programme["a2"], period=6).forecast_pence == 50 * K
    forms = {f.initial["project"]: f for f in response.context["formset"].forms}
    assert forms[programme["a2"].pk].initial["forecast"] == "55555"
    assert forms[programme["a1"].pk].initial["version"] == 1  # the draft now on the page
    # Saving the draft again from this page works: it carries the draft's version.
    again = lead_client.post("/programme/update/", _page_data(
        response, f"draft-{programme['a1'].pk}", **{"updates-0-forecast": "82000"}))
    assert again.status_code == 200
    assert ProgressUpdate.objects.get(project=programme["a1"], period=6).version == 2


def test_a_stale_one_project_save_is_refused_and_what_was_typed_is_kept(
    in_october_2024, programme, lead_client, make_user, client_for
):
    deputy = make_user(LEAD, first_name="Dee", last_name="Puty")
    programme["a"].deputies.add(deputy)
    page = lead_client.get("/programme/update/")  # the lead reads version 1 of Alpha two
    assert _submit(client_for(deputy), programme["a2"], forecast="45000",
                   version="1").status_code == 302
    response = lead_client.post("/programme/update/", _page_data(
        page, f"draft-{programme['a2'].pk}", **{"updates-1-forecast": "99000"}))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Dee Puty saved this update" in html
    assert ProgressUpdate.objects.get(project=programme["a2"], period=6).forecast_pence == 45 * K
    shown = response.context["pairs"][1][1]
    assert shown["forecast"].value() == "99000"  # nothing lost
    assert shown["version"].value() == "2"  # saving again deliberately replaces version 2


def test_check_answers_shows_what_will_be_submitted_and_nothing_is_written_until_confirmed(
    in_october_2024, programme, lead_client
):
    before = list(ProgressUpdate.objects.order_by("pk").values_list(
        "pk", "forecast_pence", "status", "version"))
    page = lead_client.get("/programme/update/")
    checked = lead_client.post("/programme/update/", _page_data(
        page, f"check-{programme['a1'].pk}", **{"updates-0-forecast": "90000",
                                                 "updates-0-confidence": "amber",
                                                 "updates-0-commentary": "Slipped a month"}))
    assert checked.status_code == 302
    check = lead_client.get(checked["Location"])
    html = check.content.decode()
    assert "Check your answers before submitting" in html
    assert "Alpha one" in html
    assert "Alpha two" not in html
    assert "£90,000" in html
    assert "Amber – at risk" in html
    assert "Slipped a month" in html
    assert "Last submitted (P5 2024/25): £80,000" in html  # what changed
    assert ('href="/programme/update/?year=2024-25&amp;period=6&amp;change=1'
            '#id_updates-0-forecast"') in html
    assert list(ProgressUpdate.objects.order_by("pk").values_list(
        "pk", "forecast_pence", "status", "version")) == before
    # Change: the form shows the answers being checked, not the stored ones.
    change = lead_client.get("/programme/update/?year=2024-25&period=6&change=1")
    assert change.context["formset"].forms[0].initial["forecast"] == "90000"
    assert lead_client.get("/programme/update/").context["formset"].forms[0].initial[
        "forecast"] == "80000.00"
    done = lead_client.post(checked["Location"])
    assert done.status_code == 302
    panel = lead_client.get(done["Location"]).content.decode()
    assert "govuk-panel--confirmation" in panel
    assert "Update submitted" in panel
    assert "for P6 (September) 2024/25" in panel
    saved = ProgressUpdate.objects.get(project=programme["a1"], period=6)
    assert (saved.status, saved.forecast_pence, saved.confidence, saved.author) == (
        "submitted", 90 * K, "amber", page.wsgi_request.user)
    assert saved.history.count() == 1  # the audit trail has the submission
    # Alpha two, not chosen, is unchanged.
    a2 = ProgressUpdate.objects.get(project=programme["a2"], period=6)
    assert (a2.forecast_pence, a2.version) == (50 * K, 1)


def test_a_lead_with_nothing_to_change_submits_every_project_without_typing(
    in_october_2024, programme, lead_client
):
    page = lead_client.get("/programme/update/")
    checked = lead_client.post("/programme/update/", _page_data(page, "submit"))
    assert lead_client.get(checked["Location"]).context["items"].__len__() == 2
    assert lead_client.post(checked["Location"]).status_code == 302
    a1 = ProgressUpdate.objects.get(project=programme["a1"], period=6)
    assert (a1.status, a1.forecast_pence, a1.delivered_pence, a1.confidence) == (
        "submitted", 80 * K, 30 * K, "green")  # P5's figures, carried forward
    assert ProgressUpdate.objects.get(project=programme["a2"], period=6).version == 2


def test_check_answers_with_nothing_waiting_goes_back_to_the_form(programme, lead_client):
    response = lead_client.get("/programme/update/check/?year=2024-25&period=6")
    assert response.status_code == 302
    assert response["Location"].startswith("/programme/update/")
    assert lead_client.get("/programme/update/done/").status_code == 302


def test_a_period_closed_while_its_answers_were_checked_still_needs_an_administrator(
    programme, reporting_calendar, lead_client
):
    reporting_calendar(2024, 5)  # P6 open
    page = lead_client.get("/programme/update/")
    checked = lead_client.post("/programme/update/", _page_data(
        page, f"check-{programme['a1'].pk}", **{"updates-0-forecast": "90000"}))
    reporting_calendar(2024, 6)  # P6 closes before the lead confirms
    refused = lead_client.post(checked["Location"])
    assert refused.status_code == 400
    assert "Only an administrator can change them" in refused.content.decode()
    assert not ProgressUpdate.objects.filter(project=programme["a1"], period=6).exists()


def test_one_project_of_a_closed_period_needs_an_administrator_and_a_reason(
    in_october_2024, programme, lead_client, admin_client_role
):
    url = f"/programme/update/?year=2024-25&period=5&strand={programme['a'].slug}"
    lead_page = lead_client.get(url)
    assert lead_client.post(url, _page_data(
        lead_page, f"check-{programme['a1'].pk}")).status_code == 400
    page = admin_client_role.get(url)
    one = f"check-{programme['a1'].pk}"
    without = admin_client_role.post(url, _page_data(page, one, **{"updates-0-forecast": "1"}))
    assert without.status_code == 400
    assert 'href="#id_reason"' in without.content.decode()
    checked = admin_client_role.post(url, _page_data(
        page, one, **{"updates-0-forecast": "75000", "reason": "Ledger correction"}))
    assert ProgressUpdate.objects.get(project=programme["a1"], period=5).forecast_pence == 80 * K
    assert admin_client_role.post(checked["Location"]).status_code == 302
    update = ProgressUpdate.objects.get(project=programme["a1"], period=5)
    assert update.forecast_pence == 75 * K
    assert update.history.latest().history_change_reason == "Ledger correction"


def test_the_update_page_and_check_answers_read_a_fixed_number_of_queries(
    in_october_2024, programme, lead_client, django_assert_max_num_queries
):
    def measure():
        with django_assert_max_num_queries(20) as page_queries:
            page = lead_client.get("/programme/update/")
        counts = [len(page_queries.captured_queries)]
        checked = lead_client.post("/programme/update/", _page_data(page, "submit"))
        with django_assert_max_num_queries(20) as check_queries:
            assert lead_client.get(checked["Location"]).status_code == 200
        return (*counts, len(check_queries.captured_queries))

    small = measure()
    for n in range(20):
        project = build.project(programme["a"], f"More {n}")
        build.target(10 * K, project=project)
        build.update(project, 5, 5 * K, K)
    assert measure() == small, small


def test_saving_drafts_after_a_change_link_shows_the_saved_figures_not_the_checked_ones(
    in_october_2024, programme, lead_client
):
    ProgressUpdate.objects.filter(project=programme["a2"], period=6).update(status="draft")
    page = lead_client.get("/programme/update/")
    lead_client.post("/programme/update/", _page_data(page, "submit",
                                                      **{"updates-0-forecast": "90000"}))
    url = "/programme/update/?year=2024-25&period=6&change=1"
    change = lead_client.get(url)
    saved = lead_client.post(url, _page_data(change, "draft", **{"updates-0-forecast": "91000"}))
    assert saved.status_code == 302
    assert "change=1" not in saved["Location"]
    after = lead_client.get(saved["Location"])
    assert after.context["formset"].forms[0].initial["forecast"] == "91000.00"
