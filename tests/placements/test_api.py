"""The placements API: roles, the cohort summary contract, filters, writes through services."""

from __future__ import annotations

import datetime as dt

import pytest

from placements.models import OverpaymentFlag, PlacementDecision
from tests.placements import builders as b
from tests.placements.test_views import populate

D = dt.date
pytestmark = pytest.mark.django_db

CHILD_LEVEL = ["/api/v1/placements/", "/api/v1/assessments/", "/api/v1/invoices/",
               "/api/v1/decisions/", "/api/v1/overpayment-flags/"]


@pytest.mark.parametrize("url", CHILD_LEVEL)
def test_directors_and_leads_get_403_on_child_level_endpoints(director_client, lead_client, url):
    assert director_client.get(url).status_code == 403
    assert lead_client.get(url).status_code == 403


@pytest.mark.parametrize("url", CHILD_LEVEL)
def test_finance_officers_list_child_level_rows(finance_client, url):
    populate(2)
    body = finance_client.get(url).json()
    assert body["count"] >= 1
    assert "results" in body


def test_anonymous_callers_are_refused(client):
    assert client.get("/api/v1/cohort/summary/").status_code in (401, 403)


def test_every_role_reads_the_cohort_summary_with_exactly_the_contract_keys(
    director_client, lead_client, finance_client
):
    populate(2)
    for client in (director_client, lead_client, finance_client):
        response = client.get("/api/v1/cohort/summary/?date=2024-06-30")
        assert response.status_code == 200
    assert response.json() == {
        "plans": 2,
        "placements_by_provision_type": {
            "special_independent": {"count": 2, "annual_cost_pence": 12_000_001},
        },
        "avg_cost_per_plan_pence": 6_000_001,  # 12,000,001 / 2 = 6,000,000.5, half-up
        "avg_cost_change_pence": None,  # no plans a year earlier
        "within_20_weeks_pct": 0.0,  # 242 days from request to plan
        "backlog_over_16_weeks": 1,
    }


@pytest.mark.parametrize("bad", ["2024-02-30", "30/09/2024", "soon"])
def test_a_bad_date_is_a_400_naming_the_parameter(director_client, bad):
    response = director_client.get(f"/api/v1/cohort/summary/?date={bad}")
    assert response.status_code == 400
    assert "date" in response.json()


def test_an_unknown_parameter_is_a_400(director_client):
    assert director_client.get("/api/v1/cohort/summary/?day=1").status_code == 400
    assert director_client.get("/api/v1/placements/?colour=red").status_code == 403
    assert director_client.get("/api/v1/providers/?colour=red").status_code == 400


def test_placements_filter_by_provision_type_and_open_date(finance_client):
    kid = b.child()
    b.placement(of=kid, ref="OPEN", start=D(2024, 1, 1), cost_pence=1,
                provision_type="special_la_maintained")
    b.placement(of=kid, ref="ENDED", start=D(2023, 1, 1), end=D(2023, 12, 31), cost_pence=1,
                provision_type="special_la_maintained")
    b.placement(of=kid, ref="OTHER", start=D(2024, 1, 1), cost_pence=1,
                provision_type="fe_college")
    body = finance_client.get("/api/v1/placements/?provision_type=special_la_maintained"
                              "&open_on=2024-06-30").json()
    assert [row["ref"] for row in body["results"]] == ["OPEN"]


@pytest.mark.parametrize("size", [2, 12])
def test_api_lists_use_a_fixed_number_of_queries(finance_client, django_assert_max_num_queries,
                                                 size):
    populate(size)
    for url in ["/api/v1/providers/", *CHILD_LEVEL, "/api/v1/cohort/summary/?date=2024-06-30"]:
        with django_assert_max_num_queries(20):
            assert finance_client.get(url).status_code == 200, url


def test_a_finance_officer_records_a_decision_through_the_api(finance_client, director_client):
    kid = b.child(ref="C000900")
    payload = {
        "panel_date": "2024-10-08", "child_ref": "C000900", "chosen_index": 1,
        "options": [
            {"description": "Independent special", "provision_type": "special_independent",
             "annual_cost_pence": 9_500_000},
            {"description": "Maintained special", "provision_type": "special_la_maintained",
             "annual_cost_pence": 2_500_000},
        ],
    }
    assert director_client.post("/api/v1/decisions/", payload,
                                content_type="application/json").status_code == 403
    response = finance_client.post("/api/v1/decisions/", payload, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["saving_pence"] == 7_000_000
    assert PlacementDecision.objects.get(child=kid).decided_by.username == "finance-officer"


def test_a_decision_whose_choice_is_not_an_option_is_a_400(finance_client):
    b.child(ref="C000901")
    response = finance_client.post("/api/v1/decisions/", {
        "panel_date": "2024-10-08", "child_ref": "C000901", "chosen_index": 5,
        "options": [{"description": "A", "provision_type": "fe_college", "annual_cost_pence": 1},
                    {"description": "B", "provision_type": "fe_college", "annual_cost_pence": 2}],
    }, content_type="application/json")
    assert response.status_code == 400
    assert not PlacementDecision.objects.exists()


def test_a_flag_is_reviewed_through_the_api(finance_client):
    populate(1)
    flag = OverpaymentFlag.objects.get(rule="after_end")
    response = finance_client.patch(f"/api/v1/overpayment-flags/{flag.pk}/",
                                    {"status": "valid", "note": "Agreed extension"},
                                    content_type="application/json")
    assert response.status_code == 200
    flag.refresh_from_db()
    assert (flag.status, flag.note) == ("valid", "Agreed extension")
    missing_note = finance_client.patch(f"/api/v1/overpayment-flags/{flag.pk}/",
                                        {"status": "recovered", "note": ""},
                                        content_type="application/json")
    assert missing_note.status_code == 400


def test_the_invoice_list_names_each_invoices_provider_and_placement(finance_client):
    place = b.placement(of=b.child(), start=D(2023, 9, 1), cost_pence=1_000_000, ref="PL0000042")
    invoice = b.invoice(for_=place, start=D(2024, 4, 1), end=D(2024, 4, 30),
                        amount_pence=12_345, paid=D(2024, 5, 2), ref="INV00000042")
    body = finance_client.get("/api/v1/invoices/").json()
    assert body["count"] == 1
    assert body["results"] == [{
        "id": invoice.pk, "ref": "INV00000042", "provider_ref": place.provider.ref,
        "placement_ref": "PL0000042", "period_start": "2024-04-01", "period_end": "2024-04-30",
        "amount_pence": 12_345, "paid_date": "2024-05-02", "status": "paid"}]
    one = finance_client.get(f"/api/v1/invoices/{invoice.pk}/").json()
    assert one == body["results"][0]
    by_provider = finance_client.get(f"/api/v1/invoices/?provider={place.provider.ref}").json()
    assert by_provider["count"] == 1
