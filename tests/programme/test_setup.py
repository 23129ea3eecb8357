"""Programme set-up by the programme office: services, pages and API, and the bad input each
refuses beside its field with nothing written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from finance.models import AgreementTarget, AgreementVersion, SafetyValveAgreement
from finance.services import agreement_target_set
from programme import services
from programme.models import (
    Kpi,
    KpiReading,
    Milestone,
    MilestoneBaseline,
    Programme,
    Project,
    SavingsTarget,
    Strand,
)
from programme.selectors import programme_targets_by_year, target_table
from programme.selectors.setup import kpi_computed_value
from send_tracker.fiscal import FinancialYear
from send_tracker.permissions import LEAD, PROGRAMME_MANAGER
from tests.programme import builders as build

K = 100_000  # £1,000 in pence

# 7 October 2024: P6 is still open (deadline 14 October), so the reporting month is P5 2024/25,
# which ends on 31 August 2024.
REPORTING_MONTH_END = dt.date(2024, 8, 31)


@pytest.fixture
def manager(make_user):
    return make_user(PROGRAMME_MANAGER, username="office", first_name="Olu", last_name="Office")


@pytest.fixture
def manager_client(client_for, manager):
    return client_for(manager)


@pytest.fixture
def years(db, manager):
    return services.programme_years_set(user=manager, first_year=2024, last_year=2026)


@pytest.fixture
def strand(years, manager, lead_user):
    return services.strand_save(user=manager, name="Sufficiency", lead=lead_user, order=1)


@pytest.fixture
def project(strand, manager):
    return services.project_save(user=manager, strand=strand, name="New special school places")


@pytest.fixture
def kpi(years, manager, lead_user):
    return services.kpi_save(
        user=manager, name="Plans issued within 20 weeks", unit=Kpi.Unit.PERCENT,
        higher_is_better=True, baseline_value=Decimal("8"), baseline_date=dt.date(2023, 1, 31),
        target_value=Decimal("60"), target_date=dt.date(2026, 3, 31), owner=lead_user,
    )


# ---- services ----------------------------------------------------------------------------


def test_a_strand_name_is_refused_when_another_has_it_case_aside(strand, manager):
    with pytest.raises(ValidationError) as exc:
        services.strand_save(user=manager, name="  SUFFICIENCY ")
    assert "already a strand called “Sufficiency”" in exc.value.message_dict["name"][0]
    assert Strand.objects.count() == 1


def test_a_deactivated_user_cannot_lead_a_strand(years, manager, make_user):
    gone = make_user(LEAD, username="gone", is_active=False)
    with pytest.raises(ValidationError) as exc:
        services.strand_save(user=manager, name="Inclusion", lead=gone)
    assert "deactivated" in exc.value.message_dict["lead"][0]
    assert not Strand.objects.exists()


def test_a_user_without_a_tracker_role_cannot_lead_or_deputise(years, manager, make_user,
                                                               lead_user):
    for field, kwargs in (("lead", {"lead": make_user()}),
                          ("deputies", {"lead": lead_user, "deputies": [make_user()]})):
        with pytest.raises(ValidationError) as exc:
            services.strand_save(user=manager, name="Inclusion", **kwargs)
        assert "has no role in the tracker" in exc.value.message_dict[field][0]
    assert not Strand.objects.exists()


def test_only_the_programme_office_sets_up_strands(years, lead_user):
    with pytest.raises(PermissionDenied):
        services.strand_save(user=lead_user, name="Inclusion")


def test_archiving_a_strand_keeps_it_and_its_history(strand, manager):
    services.strand_save(user=manager, strand=strand, name=strand.name, lead=strand.lead,
                         active=False)
    strand.refresh_from_db()
    assert strand.active is False
    assert [h.active for h in strand.history.order_by("history_id")] == [True, False]


def test_a_project_name_is_unique_in_its_strand_case_aside(project, manager):
    with pytest.raises(ValidationError) as exc:
        services.project_save(user=manager, strand=project.strand,
                              name="new special SCHOOL places")
    assert "name" in exc.value.message_dict
    assert Project.objects.count() == 1


def test_a_target_for_a_year_outside_the_programme_is_refused_and_nothing_is_written(
        project, manager):
    with pytest.raises(ValidationError) as exc:
        services.savings_targets_set(user=manager, project=project,
                                     amounts={2025: 100 * K, 2027: 300 * K})
    assert exc.value.message_dict == {
        "year_2027": ["2027/28 is outside the programme's years (2024/25 to 2026/27)."]}
    assert not SavingsTarget.objects.exists()


def test_targets_cannot_be_set_before_the_programme_has_years(db, manager):
    p = build.project(build.strand())
    with pytest.raises(ValidationError) as exc:
        services.savings_target_set(user=manager, year=FinancialYear(2024), amount_pence=1,
                                    project=p)
    assert "first and last financial years" in exc.value.message_dict["year"][0]


def test_the_programme_cannot_shrink_past_its_targets(project, manager):
    services.savings_target_set(user=manager, year=FinancialYear(2026), amount_pence=K,
                                project=project)
    with pytest.raises(ValidationError) as exc:
        services.programme_years_set(user=manager, first_year=2024, last_year=2025)
    assert "2026/27" in exc.value.message_dict["last_year"][0]
    assert Programme.objects.get().last_year == 2026


def test_the_target_table_shows_each_year_its_increase_and_the_unallocated_part(
        project, manager):
    services.savings_targets_set(user=manager, project=project,
                                 amounts={2024: 100 * K, 2025: 250 * K, 2026: 300 * K})
    # the programme's own row
    services.savings_target_set(user=manager, year=FinancialYear(2025), amount_pence=400 * K)
    rows = {r["year"].start_year: r for r in target_table()["years"]}
    assert rows[2024]["target_pence"] == 100 * K
    assert rows[2024]["increase_pence"] == 100 * K  # against the pre-programme baseline
    assert rows[2025]["target_pence"] == 400 * K
    assert rows[2025]["increase_pence"] == 300 * K  # new savings 2025/26 must find
    assert rows[2025]["allocated_pence"] == 250 * K
    assert rows[2025]["unallocated_pence"] == 150 * K
    assert rows[2026]["increase_pence"] == -100 * K
    # T(y) for the trajectory: the programme row, else the strands' (here from projects).
    assert programme_targets_by_year() == {2024: 100 * K, 2025: 400 * K, 2026: 300 * K}


@pytest.mark.usefixtures("in_october_2024")
def test_a_milestone_actual_date_after_the_reporting_month_is_refused(project, manager):
    with pytest.raises(ValidationError) as exc:
        services.milestone_create(user=manager, project=project, name="Site agreed",
                                  baseline_date=dt.date(2024, 9, 1),
                                  actual_date=REPORTING_MONTH_END + dt.timedelta(days=1),
                                  status=Milestone.Status.COMPLETE)
    assert "31/08/2024" in exc.value.message_dict["actual_date"][0]
    assert not Milestone.objects.exists()
    milestone = services.milestone_create(user=manager, project=project, name="Site agreed",
                                          baseline_date=dt.date(2024, 9, 1))
    with pytest.raises(ValidationError):
        services.milestone_update(user=manager, milestone=milestone,
                                  actual_date=dt.date(2024, 9, 2), status="complete")
    services.milestone_update(user=manager, milestone=milestone, actual_date=REPORTING_MONTH_END,
                              status="complete")


def test_rebaselining_keeps_every_earlier_baseline_with_its_reason(project, manager):
    m = services.milestone_create(user=manager, project=project, name="Consultation",
                                  baseline_date=dt.date(2025, 1, 31))
    services.milestone_rebaseline(user=manager, milestone=m, baseline_date=dt.date(2025, 3, 31),
                                  reason="Governor consultation extended")
    m.refresh_from_db()
    assert m.baseline_date == dt.date(2025, 3, 31)
    assert list(MilestoneBaseline.objects.filter(milestone=m).values_list(
        "baseline_date", "reason")) == [(dt.date(2025, 1, 31), "Original baseline"),
                                        (dt.date(2025, 3, 31), "Governor consultation extended")]


def test_a_lead_cannot_rebaseline(project, manager, lead_user):
    m = services.milestone_create(user=lead_user, project=project, name="Consultation",
                                  baseline_date=dt.date(2025, 1, 31))
    with pytest.raises(PermissionDenied):
        services.milestone_rebaseline(user=lead_user, milestone=m,
                                      baseline_date=dt.date(2025, 3, 31), reason="Later")


@pytest.mark.parametrize(("unit", "value", "says"), [
    (Kpi.Unit.PERCENT, "100.5", "not a percentage"),
    (Kpi.Unit.NUMBER, "12.5", "not a whole number"),
    (Kpi.Unit.WEEKS, "-1", "cannot be negative"),
])
def test_a_kpi_target_with_the_wrong_unit_is_refused(years, manager, unit, value, says):
    with pytest.raises(ValidationError) as exc:
        services.kpi_save(user=manager, name="Backlog", unit=unit, higher_is_better=False,
                          baseline_value=Decimal("10"), baseline_date=dt.date(2024, 1, 31),
                          target_value=Decimal(value), target_date=dt.date(2025, 3, 31))
    assert says in exc.value.message_dict["target_value"][0]
    assert not Kpi.objects.exists()


def test_a_kpi_milestone_target_must_fit_the_unit(kpi, manager):
    with pytest.raises(ValidationError) as exc:
        services.kpi_target_set(user=manager, kpi=kpi, date=dt.date(2025, 3, 31),
                                value=Decimal("140"))
    assert "value" in exc.value.message_dict
    services.kpi_target_set(user=manager, kpi=kpi, date=dt.date(2025, 3, 31), value=Decimal("40"))
    assert kpi.readings.get().kind == KpiReading.Kind.MILESTONE


@pytest.mark.usefixtures("in_october_2024")
def test_only_the_owner_enters_a_reading_and_not_after_the_reporting_month(kpi, make_user,
                                                                          lead_user):
    with pytest.raises(PermissionDenied):
        services.kpi_reading_record(user=make_user(LEAD), kpi=kpi, date=dt.date(2024, 8, 31),
                                    value=Decimal("21.4"))
    with pytest.raises(ValidationError) as exc:
        services.kpi_reading_record(user=lead_user, kpi=kpi, date=dt.date(2024, 9, 30),
                                    value=Decimal("21.4"))
    assert "date" in exc.value.message_dict
    services.kpi_reading_record(user=lead_user, kpi=kpi, date=dt.date(2024, 8, 31),
                                value=Decimal("21.4"))
    assert kpi.readings.get().value == Decimal("21.4")


def test_a_measure_the_tracker_holds_is_computed_never_typed(kpi, manager, lead_user):
    kpi = services.kpi_save(user=manager, kpi=kpi, measure=Kpi.Measure.SAVINGS_DELIVERED,
                      unit=Kpi.Unit.POUNDS, target_value=Decimal("1000000"))
    with pytest.raises(ValidationError) as exc:
        services.kpi_reading_record(user=lead_user, kpi=kpi, date=dt.date(2024, 3, 31),
                                    value=Decimal("5"))
    assert "computed" in exc.value.message_dict["value"][0]
    p = build.project(build.strand())
    build.update(p, 6, 500 * K, 123 * K)
    from programme.selectors import programme_summary
    from send_tracker.fiscal import FinancialYear

    on = dt.date(2024, 9, 30)
    expected = programme_summary(year=FinancialYear(2024), period=6)["delivered_pence"]
    assert kpi_computed_value(kpi, on=on) == Decimal(expected) / 100 == Decimal("123000")


def fake_plans(*, on):
    return 8994 if on == dt.date(2024, 9, 30) else 0


def test_a_kpi_of_plans_reads_the_registrys_plans_measure(kpi, manager, monkeypatch):
    from send_tracker.measures import MEASURES, Measure

    kpi = services.kpi_save(user=manager, kpi=kpi, measure=Kpi.Measure.PLANS,
                            unit=Kpi.Unit.NUMBER,
                      baseline_value=Decimal("9000"), target_value=Decimal("9500"))
    monkeypatch.setitem(MEASURES, "plans", Measure(
        "plans", "Plans", "A test.", "A test.", "count", "tests.programme.test_setup.fake_plans"))
    assert kpi_computed_value(kpi, on=dt.date(2024, 9, 30)) == Decimal("8994")


def test_every_set_up_model_is_in_the_audit_trail():
    from send_tracker.audit import audit_tables

    tables = {t.table for t in audit_tables()}
    assert {"programme_historicalprogramme", "programme_historicalmilestonebaseline",
            "programme_historicalkpi", "programme_historicalstrand",
            "programme_historicalsavingstarget"} <= tables


def test_the_agreement_must_fall_within_the_programmes_years(years, manager):
    agreement = SafetyValveAgreement.objects.create(
        authority="Test", signed_on=dt.date(2023, 3, 1), total_contribution_pence=1)
    version = AgreementVersion.objects.create(agreement=agreement, number=1, name="Original",
                                              status=AgreementVersion.Status.AGREED)
    with pytest.raises(ValidationError) as exc:
        agreement_target_set(version=version, year=FinancialYear(2023), in_year_cap_pence=1,
                             cumulative_target_pence=1)
    assert "outside the programme's years" in exc.value.message_dict["year"][0]
    agreement_target_set(version=version, year=FinancialYear(2024), in_year_cap_pence=1,
                         cumulative_target_pence=1)
    assert AgreementTarget.objects.count() == 1


# ---- pages -------------------------------------------------------------------------------


def test_the_set_up_page_lists_strands_projects_and_the_target_table(project, manager_client):
    page = manager_client.get("/setup/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Sufficiency" in html
    assert "New special school places" in html
    assert "Increase on the year before" in html


def test_the_set_up_link_is_in_the_navigation_for_the_programme_office_only(
        manager_client, director_client):
    assert 'href="/setup/"' in manager_client.get("/programme/").content.decode()
    assert 'href="/setup/"' not in director_client.get("/programme/").content.decode()


def test_a_duplicate_strand_name_on_the_page_is_shown_beside_the_field(strand, manager_client):
    response = manager_client.post("/setup/strands/new/", {"name": "sufficiency", "order": "2",
                                                           "active": "on"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_name-error"' in html
    assert "already a strand called" in html
    assert 'href="#id_name"' in html  # the error summary links to the field
    assert Strand.objects.count() == 1


def test_a_deactivated_lead_on_the_page_is_refused_beside_the_field(years, manager_client,
                                                                     make_user):
    gone = make_user(LEAD, username="gone", is_active=False)
    response = manager_client.post("/setup/strands/new/", {"name": "Inclusion", "order": "1",
                                                           "lead": gone.pk})
    assert response.status_code == 400  # not even offered: the form refuses the choice
    assert 'id="id_lead-error"' in response.content.decode()
    assert "choose an active user with a role in the tracker" in response.content.decode()
    assert not Strand.objects.exists()


def test_project_targets_on_the_page_are_all_or_nothing(project, manager_client, manager):
    services.programme_years_set(user=manager, first_year=2024, last_year=2026)
    response = manager_client.post(f"/setup/projects/{project.pk}/targets/", {
        "year_2024": "100,000", "year_2025": "£250,000", "year_2026": "-5"})
    assert response.status_code == 400
    assert "cannot be negative" in response.content.decode()
    assert not SavingsTarget.objects.exists()
    response = manager_client.post(f"/setup/projects/{project.pk}/targets/", {
        "year_2024": "100,000", "year_2025": "£250,000", "year_2026": "400000"})
    assert response.status_code == 302
    assert dict(project.targets.values_list("year", "amount_pence")) == {
        2024: 100_000_00, 2025: 250_000_00, 2026: 400_000_00}


@pytest.mark.usefixtures("in_october_2024")
def test_a_milestone_with_a_future_actual_date_on_the_page_says_so_beside_the_field(
        project, manager_client):
    response = manager_client.post(f"/setup/projects/{project.pk}/milestones/", {
        "name": "Site agreed", "baseline_date": "01/09/2024", "actual_date": "15/09/2024",
        "status": "complete"})
    assert response.status_code == 400
    assert 'id="id_actual_date-error"' in response.content.decode()
    assert not Milestone.objects.exists()


def test_a_kpi_with_a_percentage_over_100_on_the_page_is_refused(years, manager_client):
    response = manager_client.post("/setup/kpis/new/", {
        "name": "Within 20 weeks", "unit": "percent", "higher_is_better": "True",
        "baseline_value": "8", "baseline_date": "31/01/2023", "target_value": "160",
        "target_date": "31/03/2026", "active": "on"})
    assert response.status_code == 400
    assert 'id="id_target_value-error"' in response.content.decode()
    assert not Kpi.objects.exists()


def test_the_owner_enters_a_reading_and_others_are_refused(kpi, client_for, lead_user,
                                                           director_client):
    assert director_client.get(f"/programme/kpis/{kpi.pk}/reading/").status_code == 403
    response = client_for(lead_user).post(f"/programme/kpis/{kpi.pk}/reading/",
                                          {"date": "31/03/2024", "value": "15.2"})
    assert response.status_code == 302
    assert kpi.readings.get().value == Decimal("15.2")


def test_a_lead_cannot_open_set_up(lead_client, years):
    assert lead_client.get("/setup/").status_code == 403


# ---- API ---------------------------------------------------------------------------------


def test_the_programme_office_creates_a_strand_and_project_through_the_api(
        years, manager_client, lead_user):
    r = manager_client.post("/api/v1/strands/", {"name": "Preparation for adulthood",
                                                 "lead": lead_user.username},
                            content_type="application/json")
    assert r.status_code == 201, r.json()
    assert r.json()["slug"] == "preparation-for-adulthood"
    assert r.json()["lead"] == lead_user.username
    r = manager_client.post("/api/v1/projects/", {"strand": "preparation-for-adulthood",
                                                  "name": "Travel training"},
                            content_type="application/json")
    assert r.status_code == 201, r.json()
    project_id = r.json()["id"]
    r = manager_client.patch(f"/api/v1/projects/{project_id}/", {"status": "closed"},
                             content_type="application/json")
    assert r.status_code == 200
    assert r.json()["status"] == "closed"


def test_api_refusals_name_the_field_and_write_nothing(strand, project, manager_client,
                                                       make_user):
    gone = make_user(LEAD, username="gone", is_active=False)
    cases = [
        ("/api/v1/strands/", {"name": "SUFFICIENCY"}, "name"),
        ("/api/v1/strands/", {"name": "Other", "lead": gone.username}, "lead"),
        ("/api/v1/savings-targets/", {"year": "2030/31", "project": project.pk,
                                      "amount_pence": 100}, "year"),
        ("/api/v1/kpis/", {"name": "Count", "unit": "number", "higher_is_better": False,
                           "baseline_value": "10", "baseline_date": "2024-01-31",
                           "target_value": "2.5", "target_date": "2025-03-31"}, "target_value"),
    ]
    for url, body, field in cases:
        r = manager_client.post(url, body, content_type="application/json")
        assert r.status_code == 400, (url, r.status_code)
        assert field in r.json(), (url, r.json())
    assert Strand.objects.count() == 1
    assert not SavingsTarget.objects.exists()
    assert not Kpi.objects.exists()


def test_a_lead_cannot_create_strands_through_the_api(years, lead_client):
    r = lead_client.post("/api/v1/strands/", {"name": "Mine"}, content_type="application/json")
    assert r.status_code == 403


@pytest.mark.usefixtures("in_october_2024")
def test_milestones_through_the_api_add_rebaseline_and_refuse_a_future_actual(
        project, manager_client, lead_client):
    r = manager_client.post("/api/v1/milestones/", {"project": project.pk, "name": "Opening",
                                                    "baseline_date": "2025-09-01"},
                            content_type="application/json")
    assert r.status_code == 201, r.json()
    mid = r.json()["id"]
    assert r.json()["forecast_date"] == "2025-09-01"
    r = manager_client.patch(f"/api/v1/milestones/{mid}/", {"actual_date": "2024-10-01",
                                                           "status": "complete"},
                             content_type="application/json")
    assert r.status_code == 400
    assert "actual_date" in r.json()
    r = lead_client.post(f"/api/v1/milestones/{mid}/rebaseline/",
                         {"baseline_date": "2026-01-01", "reason": "Later"},
                         content_type="application/json")
    assert r.status_code == 403
    r = manager_client.post(f"/api/v1/milestones/{mid}/rebaseline/",
                            {"baseline_date": "2026-01-01", "reason": "Builder went bust"},
                            content_type="application/json")
    assert r.status_code == 200
    assert r.json()["baseline_date"] == "2026-01-01"
    assert MilestoneBaseline.objects.filter(milestone_id=mid).count() == 2


@pytest.mark.usefixtures("in_october_2024")
def test_kpi_readings_through_the_api_follow_the_owner_rule(kpi, manager_client, lead_client,
                                                            director_client):
    body = {"kpi": kpi.slug, "date": "2024-08-31", "kind": "actual", "value": "18.1"}
    assert director_client.post("/api/v1/kpi-readings/", body,
                                content_type="application/json").status_code == 403
    r = lead_client.post("/api/v1/kpi-readings/", body, content_type="application/json")
    assert r.status_code == 201, r.json()
    r = lead_client.post("/api/v1/kpi-readings/", {**body, "value": "180"},
                         content_type="application/json")
    assert r.status_code == 400
    assert "value" in r.json()
    r = manager_client.post("/api/v1/kpi-readings/", {**body, "kind": "milestone",
                                                      "date": "2025-03-31", "value": "40"},
                            content_type="application/json")
    assert r.status_code == 201
    assert sorted(kpi.readings.values_list("kind", "value")) == [
        ("actual", Decimal("18.10")), ("milestone", Decimal("40.00"))]


def test_the_kpi_page_offers_the_owner_a_reading_link_and_no_one_else(kpi, client_for,
                                                                      lead_user, director_client):
    link = f'href="/programme/kpis/{kpi.pk}/reading/"'
    assert link in client_for(lead_user).get("/programme/kpis/").content.decode()
    assert link not in director_client.get("/programme/kpis/").content.decode()


@pytest.mark.parametrize("body", [
    {"year": "2024/25", "amount_pence": 10**30},
    {"year": "not a year", "amount_pence": 1},
    {"year": "2024/25", "amount_pence": "lots"},
    {"year": "2024/25", "project": "x", "amount_pence": 1},
    {"year": "2024/25", "strand": "no-such-strand", "amount_pence": 1},
])
def test_hostile_targets_are_a_400_never_a_500(years, manager_client, body):
    r = manager_client.post("/api/v1/savings-targets/", body, content_type="application/json")
    assert r.status_code == 400
    assert not SavingsTarget.objects.exists()


@pytest.mark.parametrize("form", [
    {"name": "x" * 500, "order": "1"},
    {"name": "Ok", "order": "-1"},
    {"name": "Ok", "order": "1", "lead": "abc"},
    {"name": "Ok", "order": "1", "deputies": ["99999"]},
])
def test_hostile_strand_forms_are_a_400_never_a_500(years, manager_client, form):
    assert manager_client.post("/setup/strands/new/", form).status_code == 400
    assert not Strand.objects.exists()


def test_a_computed_kpi_shows_its_computed_value_as_its_latest_reading(kpi, manager):
    from programme.selectors import kpi_latest

    kpi = services.kpi_save(user=manager, kpi=kpi, measure=Kpi.Measure.SAVINGS_DELIVERED,
                            unit=Kpi.Unit.POUNDS, target_value=Decimal("1000000"))
    build.update(build.project(build.strand()), 6, 500 * K, 123 * K)
    row = next(r for r in kpi_latest(on=dt.date(2024, 9, 30)) if r["slug"] == kpi.slug)
    assert row["latest_value"] == Decimal("123000")
    assert row["latest_date"] == dt.date(2024, 9, 30)


def test_an_archived_kpi_is_kept_but_not_shown(kpi, manager, director_client):
    services.kpi_save(user=manager, kpi=kpi, active=False)
    assert kpi.name not in director_client.get("/programme/kpis/").content.decode()
    assert Kpi.objects.filter(pk=kpi.pk, active=False).exists()


def test_the_programme_office_rebaselines_on_the_page_and_sees_both_baselines(
        project, manager, manager_client):
    m = services.milestone_create(user=manager, project=project, name="Consultation",
                                  baseline_date=dt.date(2025, 1, 31))
    response = manager_client.post(f"/setup/milestones/{m.pk}/rebaseline/",
                                   {"baseline_date": "31/03/2025", "reason": ""})
    assert response.status_code == 400
    assert 'id="id_reason-error"' in response.content.decode()
    response = manager_client.post(f"/setup/milestones/{m.pk}/rebaseline/",
                                   {"baseline_date": "31/03/2025", "reason": "Slipped"})
    assert response.status_code == 302
    page = manager_client.get(f"/setup/projects/{project.pk}/milestones/").content.decode()
    assert "31/01/2025: Original baseline" in page
    assert "31/03/2025: Slipped" in page
