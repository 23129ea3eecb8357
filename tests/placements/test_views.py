"""Pages: who may open them, what they show, the forms, and a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest

from placements.models import Comparator, OverpaymentFlag, PlacementDecision
from placements.services import OptionInput, overpayment_scan, placement_decision_record
from tests.placements import builders as b

D = dt.date
pytestmark = pytest.mark.django_db

CHILD_LEVEL = ["/placements/decisions/", "/placements/decisions/new/",
               "/placements/overpayments/"]


def populate(n: int, user=None) -> None:
    """n children with plans, placements, an overpaid invoice each and a decision each."""
    school = b.provider(provision_type="special_independent", in_county=False)
    for i in range(n):
        kid = b.child(need="ASD" if i % 2 else "SEMH")
        b.assessment(of=kid, requested=D(2023, 1, 2), plan=D(2023, 9, 1), exception=i % 3 == 0)
        placement = b.placement(of=kid, at=school, start=D(2023, 9, 1), end=D(2024, 6, 30),
                                cost_pence=6_000_000 + i)
        b.invoice(for_=placement, start=D(2024, 7, 1), end=D(2024, 7, 31), amount_pence=500_000,
                  paid=D(2024, 8, 1))
        placement_decision_record(
            panel_date=D(2024, 10, 8), child=kid, chosen_index=0, user=user,
            options=[OptionInput("Local special", "special_la_maintained", 2_000_000),
                     OptionInput("Independent", "special_independent", 9_000_000)],
        )
    b.assessment(of=b.child(), requested=D(2024, 1, 2))
    overpayment_scan()


@pytest.mark.parametrize("url", CHILD_LEVEL)
def test_directors_and_leads_are_refused_child_level_pages(director_client, lead_client, url):
    assert director_client.get(url).status_code == 403
    assert lead_client.get(url).status_code == 403


def test_every_role_reads_the_cohort_page(director_client, lead_client, finance_client):
    populate(2)
    for client in (director_client, lead_client, finance_client):
        response = client.get("/placements/?date_day=30&date_month=9&date_year=2024")
        assert response.status_code == 200
        assert b"The EHCP cohort on 30 September 2024" in response.content
    # Aggregates only: no child or placement reference appears on the page.
    assert b"C0" not in response.content
    assert b"PL0" not in response.content


def test_the_cohort_page_shows_the_hand_worked_headlines(director_client):
    populate(2)
    page = director_client.get("/placements/?date_day=30&date_month=6&date_year=2024")
    text = page.content.decode()
    # Two plans, two placements at £60,000 and £60,000.01 → £60,000 a plan.
    assert "£60,000</span>" in text
    assert ('Open requests older than 16 weeks<span class="app-headline__value"><span '
            'class="app-measure" data-measure="backlog_over_16_weeks" data-as-at="2024-06-30" '
            'data-value="1" aria-describedby="measure-backlog_over_16_weeks">1</span>') in text


def test_the_cohort_page_reports_a_bad_date_in_an_error_summary(director_client):
    page = director_client.get("/placements/?date_day=31&date_month=2&date_year=2024")
    assert page.status_code == 200
    assert b"govuk-error-summary" in page.content
    assert b'href="#id_date_day"' in page.content


def test_a_chart_downloads_as_csv_with_the_table_figures(director_client):
    populate(1)
    response = director_client.get("/placements/?date_day=31&date_month=7&date_year=2024"
                                   "&csv=backlog")
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Month end,Open requests over 16 weeks"
    assert lines[-1] == "2024-07-31,1"
    assert len(lines) == 37


@pytest.mark.parametrize("size", [2, 12])
def test_the_pages_use_a_fixed_number_of_queries(finance_client, django_assert_max_num_queries,
                                                 size):
    populate(size)
    flag = OverpaymentFlag.objects.first()
    decision = PlacementDecision.objects.first()
    for url in ["/placements/", "/placements/decisions/?year=2024-25",
                f"/placements/decisions/{decision.pk}/", "/placements/overpayments/?status=all",
                f"/placements/overpayments/{flag.pk}/"]:
        with django_assert_max_num_queries(20):
            assert finance_client.get(url).status_code == 200, url


def test_the_decision_log_shows_savings_running_total_and_equivalents(finance_client,
                                                                      finance_user):
    Comparator.objects.create(name="public health nurse", plural="public health nurses",
                              annual_cost_pence=5_600_000)
    populate(2, user=finance_user)  # two decisions each saving £70,000 on 8 October 2024
    text = finance_client.get("/placements/decisions/?year=2024-25").content.decode()
    assert "£140,000" in text
    assert "2.5 public health nurses" in text
    assert "Independent (£90,000)" in text  # the alternative each saving is measured against
    assert text.count("£70,000") >= 2


def test_a_finance_officer_records_a_decision_and_sees_its_saving(finance_client):
    kid = b.child(ref="C000777")
    response = finance_client.post("/placements/decisions/new/", {
        "panel_date_day": "8", "panel_date_month": "10", "panel_date_year": "2024",
        "child_ref": "c000777",
        "option_0_description": "Maintained special", "option_0_provision_type":
            "special_la_maintained", "option_0_cost": "£25,000", "option_0_suitable": "on",
        "option_1_description": "Independent special", "option_1_provision_type":
            "special_independent", "option_1_cost": "95,000.50", "option_1_suitable": "on",
        "option_2_description": "Cheaper but unsuitable", "option_2_provision_type":
            "mainstream_academy", "option_2_cost": "£9,000",
        "chosen": "0",
    })
    decision = PlacementDecision.objects.get(child=kid)
    assert response.status_code == 302
    assert decision.saving_pence == 9_500_050 - 2_500_000
    assert decision.options.get(chosen=True).description == "Maintained special"


def test_the_decision_form_lists_every_problem_linked_to_its_field(finance_client):
    response = finance_client.post("/placements/decisions/new/", {
        "child_ref": "C999999", "option_0_description": "Only one", "option_0_cost": "lots",
    })
    text = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_panel_date_day"' in text
    assert "There is no child with the reference C999999" in text
    assert 'href="#id_option_0_cost"' in text
    assert 'href="#id_chosen_0"' in text
    assert not PlacementDecision.objects.exists()


def test_a_finance_officer_marks_a_flag_recovered(finance_client, finance_user):
    populate(1)
    flag = OverpaymentFlag.objects.get(rule="after_end")
    response = finance_client.post(f"/placements/overpayments/{flag.pk}/",
                                   {"status": "recovered", "note": "Credit note 42",
                                    "version": "never"})
    flag.refresh_from_db()
    assert response.status_code == 302
    assert (flag.status, flag.note, flag.reviewed_by) == ("recovered", "Credit note 42",
                                                          finance_user)
    page = finance_client.get("/placements/overpayments/?status=recovered").content.decode()
    assert "£5,000.00" in page


def test_the_scan_button_queues_the_task(finance_client, monkeypatch):
    calls = []
    monkeypatch.setattr("placements.tasks.scan_overpayments.delay", lambda: calls.append(1))
    response = finance_client.post("/placements/overpayments/scan/")
    assert response.status_code == 302
    assert calls == [1]


def test_directors_cannot_run_or_review_overpayment_checks(director_client):
    populate(1)
    flag = OverpaymentFlag.objects.first()
    assert director_client.post("/placements/overpayments/scan/").status_code == 403
    assert director_client.post(f"/placements/overpayments/{flag.pk}/",
                                {"status": "valid", "note": "x", "version": "never"}
                                ).status_code == 403


def test_a_review_over_a_newer_review_is_refused_and_nothing_lost(finance_client, admin_user):
    from placements.services import overpayment_flag_review

    populate(1)
    flag = OverpaymentFlag.objects.get(rule="after_end")
    form = finance_client.get(f"/placements/overpayments/{flag.pk}/").content.decode()
    assert 'name="version" value="never"' in form
    overpayment_flag_review(flag=flag, status="valid", note="Agreed extension", user=admin_user)

    response = finance_client.post(f"/placements/overpayments/{flag.pk}/",
                                   {"status": "written_off", "note": "Gone", "version": "never"})
    flag.refresh_from_db()
    assert response.status_code == 200
    assert "Someone else recorded an outcome" in response.content.decode()
    assert (flag.status, flag.note) == ("valid", "Agreed extension")


# ---- The overpayment queue, a page at a time ---------------------------------------------------

def _flags(n: int, *, status: str = "open", amount_pence: int = 10_000) -> list[OverpaymentFlag]:
    """n flags, one invoice each, found a minute apart (the newest last)."""
    from django.utils import timezone

    place = b.placement(of=b.child(), start=D(2023, 9, 1), cost_pence=1_000_000)
    start = timezone.now() - dt.timedelta(days=1)
    flags = []
    for i in range(n):
        invoice = b.invoice(for_=place, start=D(2024, 4, 1), end=D(2024, 4, 30),
                            amount_pence=50_000)
        flags.append(OverpaymentFlag.objects.create(
            invoice=invoice, rule="duplicate", amount_pence=amount_pence, status=status,
            detail=f"flag {i}", found_at=start + dt.timedelta(minutes=i)))
    return flags


def test_the_queue_shows_twenty_flags_a_page_newest_first(finance_client):
    flags = _flags(45)
    first = finance_client.get("/placements/overpayments/")
    html = first.content.decode()
    newest = [f.invoice.ref for f in reversed(flags)]
    assert [row["invoice_ref"] for row in first.context["page"].items] == newest[:20]
    assert "Showing <b>1</b> to <b>20</b> of <b>45</b> flags" in html
    assert '<nav class="govuk-pagination" aria-label="Pages of flags">' in html
    assert 'href="?status=open&amp;page=2" rel="next"' in html
    last = finance_client.get("/placements/overpayments/?page=3")
    assert [row["invoice_ref"] for row in last.context["page"].items] == newest[40:]
    assert "Showing <b>41</b> to <b>45</b> of <b>45</b> flags" in last.content.decode()
    assert f'href="/placements/overpayments/{flags[0].pk}/"' in last.content.decode()


def test_the_queue_links_keep_the_outcome_chosen(finance_client):
    _flags(25, status="recovered")
    _flags(3)
    response = finance_client.get("/placements/overpayments/?status=recovered")
    html = response.content.decode()
    assert "Showing <b>1</b> to <b>20</b> of <b>25</b> flags" in html
    assert 'href="?status=recovered&amp;page=2" rel="next"' in html
    every = finance_client.get("/placements/overpayments/?status=all&page=2").content.decode()
    assert "Showing <b>21</b> to <b>28</b> of <b>28</b> flags" in every
    assert 'href="?status=all&amp;page=1" rel="prev"' in every


def test_the_counts_and_totals_by_outcome_are_over_every_flag_not_the_page(finance_client):
    _flags(45, amount_pence=10_000)  # £100 each
    _flags(2, status="valid", amount_pence=2_500)
    response = finance_client.get("/placements/overpayments/?page=2")
    rows = {s["value"]: (s["count"], s["total"]) for s in response.context["statuses"]}
    assert rows == {"open": (45, 450_000), "recovered": (0, 0), "valid": (2, 5_000),
                    "written_off": (0, 0)}
    html = response.content.decode()
    assert "£4,500.00" in html
    assert "Flags: open (45)" in html


@pytest.mark.parametrize("page", ["99", "0", "-1", "x", "2.0", "%3Cscript%3E",
                                  "123456789012345678901234567890"])
def test_a_queue_page_out_of_range_or_not_a_number_is_a_page_not_an_error(finance_client,
                                                                           page):
    _flags(25)
    response = finance_client.get(f"/placements/overpayments/?page={page}&status=bogus")
    assert response.status_code == 200
    assert response.context["status"] == "open"
    assert response.context["page"].number == (2 if page in (
        "99", "123456789012345678901234567890") else 1)
    assert "<script>" not in response.content.decode()


def test_the_queue_reads_a_fixed_number_of_queries_whatever_its_size(
    finance_client, django_assert_max_num_queries
):
    _flags(2)
    with django_assert_max_num_queries(20) as small:
        assert finance_client.get("/placements/overpayments/").status_code == 200
    _flags(60)
    _flags(30, status="written_off")
    with django_assert_max_num_queries(20) as large:
        assert finance_client.get("/placements/overpayments/?status=all&page=3").status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
