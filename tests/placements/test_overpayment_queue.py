"""The overpayment queue as a work queue: filters, search, sort, downloads, bulk outcomes."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from placements.models import OverpaymentFlag
from placements.selectors import QueueQuery, overpayment_queue
from placements.services import BulkReviewRefused, overpayment_flags_review
from send_tracker.exports import MONEY_FORMAT
from tests.placements import builders as b

D = dt.date
pytestmark = pytest.mark.django_db
URL = "/placements/overpayments/"


@pytest.fixture
def queue():
    """Five open flags, one per invoice, over two providers, two setting types and two checks.

    ref          provider   setting               child    check       amount  period
    INV-A        Oakfield   special_independent   C100001  duplicate   £100    Apr 2024
    INV-B        Oakfield   special_independent   C100002  after_end   £300    May 2024
    INV-C        Beech FE   fe_college            C100003  duplicate   £200    Jun 2024
    INV-D        Beech FE   fe_college            C100004  above_rate  £300    Jul 2024
    INV-E        Beech FE   fe_college            C100005  duplicate   £50     Aug 2024
    """
    oak = b.provider(ref="OAK1", provision_type="special_independent")
    oak.name = "Oakfield School"
    oak.save()
    beech = b.provider(ref="BEE1", provision_type="fe_college")
    beech.name = "Beech FE College"
    beech.save()
    rows = [("INV-A", oak, "C100001", "duplicate", 10_000, 4),
            ("INV-B", oak, "C100002", "after_end", 30_000, 5),
            ("INV-C", beech, "C100003", "duplicate", 20_000, 6),
            ("INV-D", beech, "C100004", "above_rate", 30_000, 7),
            ("INV-E", beech, "C100005", "duplicate", 5_000, 8)]
    found = timezone.now() - dt.timedelta(days=1)
    flags = {}
    for i, (ref, provider, child_ref, rule, pence, month) in enumerate(rows):
        place = b.placement(of=b.child(ref=child_ref), at=provider, start=D(2023, 9, 1),
                            cost_pence=1_200_000)
        invoice = b.invoice(for_=place, ref=ref, start=D(2024, month, 1),
                            end=D(2024, month, 28), amount_pence=100_000, paid=D(2024, 9, 1))
        flags[ref] = OverpaymentFlag.objects.create(
            invoice=invoice, rule=rule, amount_pence=pence, detail=f"found on {ref}",
            found_at=found + dt.timedelta(minutes=i))
    return flags


def refs(response) -> list[str]:
    return [row["invoice_ref"] for row in response.context["page"].items]


@pytest.mark.parametrize(("params", "expected"), [
    ("provider={oak}", ["INV-B", "INV-A"]),
    ("setting=fe_college", ["INV-E", "INV-D", "INV-C"]),
    ("rule=duplicate", ["INV-E", "INV-C", "INV-A"]),
    ("min_amount=200&max_amount=300", ["INV-D", "INV-C", "INV-B"]),
    ("min_amount=%C2%A3100.00&max_amount=100", ["INV-A"]),
    ("period_from=01/06/2024&period_to=31/07/2024", ["INV-D", "INV-C"]),
    ("period_from=2024-08-01", ["INV-E"]),
    ("q=c100003", ["INV-C"]),  # a child's reference, any case
    ("q=oakfield", ["INV-B", "INV-A"]),  # a provider's name
    ("q=BEE1", ["INV-E", "INV-D", "INV-C"]),  # a provider's reference
    ("q=inv-d", ["INV-D"]),  # an invoice reference
    ("q=nothing-like-it", []),
    ("setting=fe_college&rule=duplicate&q=C10000", ["INV-E", "INV-C"]),
])
def test_the_queue_filters_and_searches(finance_client, queue, params, expected):
    oak = queue["INV-A"].invoice.provider_id
    response = finance_client.get(f"{URL}?{params.format(oak=oak)}")
    assert response.status_code == 200
    assert refs(response) == expected
    assert response.context["page"].count == len(expected)
    assert not response.context["errors"]


def test_the_queue_sorts_by_amount_date_and_provider_with_ties_in_a_stable_order(
    finance_client, queue
):
    # INV-B and INV-D are both £300: the tie is broken by the flag's id, the same way each time.
    assert refs(finance_client.get(f"{URL}?sort=amount&dir=desc")) == [
        "INV-D", "INV-B", "INV-C", "INV-A", "INV-E"]
    assert refs(finance_client.get(f"{URL}?sort=amount&dir=asc")) == [
        "INV-E", "INV-A", "INV-C", "INV-B", "INV-D"]
    assert refs(finance_client.get(f"{URL}?sort=date&dir=asc")) == [
        "INV-A", "INV-B", "INV-C", "INV-D", "INV-E"]
    assert refs(finance_client.get(f"{URL}?sort=provider&dir=asc")) == [
        "INV-C", "INV-D", "INV-E", "INV-A", "INV-B"]
    # Not on the allow-list: the default order (newest flag first), and no error shown.
    response = finance_client.get(f"{URL}?sort=invoice__provider__urn&dir=sideways")
    assert refs(response) == ["INV-E", "INV-D", "INV-C", "INV-B", "INV-A"]
    assert not response.context["errors"]


def test_sortable_headers_say_their_order_and_keep_the_filters(finance_client, queue):
    html = finance_client.get(f"{URL}?setting=fe_college&sort=amount&dir=desc").content.decode()
    assert ('<th scope="col" class="govuk-table__header app-num" aria-sort="descending">'
            '<a class="govuk-link" href="?status=open&amp;setting=fe_college&amp;sort=amount'
            '&amp;dir=asc#queue">') in html
    assert ('aria-sort="none"><a class="govuk-link" href="?status=open&amp;setting=fe_college'
            '&amp;sort=provider&amp;dir=asc#queue">') in html


def test_page_links_keep_the_filters_search_and_sort(finance_client, queue):
    for i in range(25):
        place = b.placement(of=b.child(), at=queue["INV-A"].invoice.provider,
                            start=D(2023, 9, 1), cost_pence=1_200_000)
        OverpaymentFlag.objects.create(
            invoice=b.invoice(for_=place, start=D(2024, 4, 1), end=D(2024, 4, 30),
                              amount_pence=100_000),
            rule="duplicate", amount_pence=1_000 + i, found_at=timezone.now())
    response = finance_client.get(f"{URL}?q=oakfield&min_amount=5&sort=amount&dir=asc")
    html = response.content.decode()
    assert response.context["page"].count == 27
    assert ('href="?status=open&amp;min_amount=5&amp;q=oakfield&amp;sort=amount&amp;dir=asc'
            '&amp;page=2" rel="next"') in html
    second = finance_client.get(f"{URL}?q=oakfield&min_amount=5&sort=amount&dir=asc&page=2")
    assert refs(second)[-2:] == ["INV-A", "INV-B"]  # the largest, last in ascending order


def test_a_bad_filter_is_reported_and_the_others_still_apply(finance_client, queue):
    response = finance_client.get(f"{URL}?setting=fe_college&min_amount=lots"
                                  "&period_from=31/02/2024")
    html = response.content.decode()
    assert refs(response) == ["INV-E", "INV-D", "INV-C"]
    assert '<a href="#id_min_amount">' in html
    assert "Service period from must be a real date, like 30/09/2024" in html
    assert "<title>Error: Overpayment checks" in html
    # The bad values are not carried into the links.
    assert "min_amount=lots" not in html


def test_the_csv_holds_every_filtered_row_in_order_not_just_the_page(finance_client, queue):
    response = finance_client.get(f"{URL}?setting=fe_college&sort=amount&dir=desc&export=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Invoice", "Provider", "Child", "Placement"]
    assert [r[0] for r in rows[1:]] == ["INV-D", "INV-C", "INV-E"]
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["Provider"] == "Beech FE College"
    assert first["Child"] == "C100004"
    assert first["Setting type"] == "General FE or tertiary college"
    assert first["Check"] == "Above the placement's cost for the period"
    assert first["Thought overpaid (£)"] == "300.00"
    assert first["Invoice amount (£)"] == "1000.00"
    assert first["Outcome"] == "Open"


def test_the_excel_download_has_the_filtered_rows_with_pounds_as_numbers(finance_client, queue):
    response = finance_client.get(f"{URL}?q=oakfield&export=xlsx")
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert [r[0] for r in values[1:]] == ["INV-B", "INV-A"]
    assert values[1][11] == 300
    assert sheet.cell(row=2, column=12).number_format == MONEY_FORMAT


def test_a_bulk_outcome_records_every_selected_flag_with_the_user_and_a_reason(
    finance_client, finance_user, queue
):
    chosen = [queue["INV-C"].pk, queue["INV-E"].pk]
    response = finance_client.post(f"{URL}?setting=fe_college", {
        "flags": chosen, "status": "valid", "note": "Agreed with the college"})
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?status=open&setting=fe_college"
    for pk in chosen:
        flag = OverpaymentFlag.objects.get(pk=pk)
        assert (flag.status, flag.note, flag.reviewed_by) == (
            "valid", "Agreed with the college", finance_user)
        latest = flag.history.latest()
        assert latest.history_user == finance_user
        assert latest.history_change_reason == "Outcome recorded for 2 flags at once"
    assert OverpaymentFlag.objects.get(pk=queue["INV-D"].pk).status == "open"
    page = finance_client.get(response["Location"]).content.decode()
    assert "2 flags marked valid (no overpayment)." in page


def test_a_bulk_outcome_with_one_refused_row_writes_nothing_and_says_which(
    finance_client, finance_user, admin_user, queue
):
    from placements.services import overpayment_flag_review

    # Someone else records an outcome for INV-B after the page was read.
    overpayment_flag_review(flag=queue["INV-B"], status="recovered", note="Credit note 7",
                            user=admin_user)
    chosen = [queue["INV-A"].pk, queue["INV-B"].pk, queue["INV-C"].pk]
    response = finance_client.post(f"{URL}?status=all", {
        "flags": chosen, "status": "written_off", "note": "Too small to chase"})
    assert response.status_code == 200
    assert {f.pk: f.status for f in OverpaymentFlag.objects.filter(pk__in=chosen)} == {
        queue["INV-A"].pk: "open", queue["INV-B"].pk: "recovered", queue["INV-C"].pk: "open"}
    assert OverpaymentFlag.history.filter(note="Too small to chase").count() == 0
    html = response.content.decode()
    assert "No outcome was recorded: 1 of the 3 selected flags cannot take one." in html
    assert (f'<p class="govuk-error-message" id="refused-{queue["INV-B"].pk}">'
            '<span class="govuk-visually-hidden">Error:</span> Invoice INV-B already has an '
            'outcome (recovered): change it on its own page.</p>') in html
    # The choices survive the refusal: the rows stay ticked, the note stays typed.
    rows = {r["invoice_ref"]: r for r in response.context["page"].items}
    assert [ref for ref, row in rows.items() if row["ticked"]] == ["INV-C", "INV-B", "INV-A"]
    assert "Too small to chase</textarea>" in html


def test_a_bulk_outcome_needs_flags_an_outcome_and_a_note(finance_client, queue):
    response = finance_client.post(URL, {"flags": [], "status": "", "note": " "})
    html = response.content.decode()
    assert response.status_code == 200
    for message in ("Select at least one flag", "Choose an outcome for the selected flags",
                    "Enter a note saying why"):
        assert message in html
    assert not OverpaymentFlag.objects.exclude(status="open").exists()


def test_the_bulk_service_is_all_or_nothing(finance_user, queue):
    gone = queue["INV-E"].pk
    OverpaymentFlag.objects.filter(pk=gone).delete()
    with pytest.raises(BulkReviewRefused) as refused:
        overpayment_flags_review(flag_ids=[queue["INV-A"].pk, gone], status="valid",
                                 note="checked", user=finance_user)
    assert refused.value.rows == {gone: "This flag no longer exists."}
    assert OverpaymentFlag.objects.get(pk=queue["INV-A"].pk).status == "open"


def test_only_finance_officers_record_bulk_outcomes(director_client, lead_client, queue):
    post = {"flags": [queue["INV-A"].pk], "status": "valid", "note": "x"}
    assert director_client.post(URL, post).status_code == 403
    assert lead_client.post(URL, post).status_code == 403
    assert director_client.get(f"{URL}?export=csv").status_code == 403
    assert OverpaymentFlag.objects.get(pk=queue["INV-A"].pk).status == "open"


def test_the_selector_applies_a_query_without_a_request(queue):
    rows = overpayment_queue(QueueQuery(status="all", rule="duplicate", sort="amount",
                                        direction="asc"))
    assert [r["invoice_ref"] for r in rows] == ["INV-E", "INV-A", "INV-C"]


def test_the_filtered_queue_reads_a_fixed_number_of_queries(
    finance_client, queue, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20) as small:
        finance_client.get(f"{URL}?q=C1&setting=fe_college&sort=provider&dir=asc")
    for _ in range(30):
        place = b.placement(of=b.child(), at=queue["INV-C"].invoice.provider,
                            start=D(2023, 9, 1), cost_pence=1_200_000)
        OverpaymentFlag.objects.create(
            invoice=b.invoice(for_=place, start=D(2024, 4, 1), end=D(2024, 4, 30),
                              amount_pence=100_000),
            rule="duplicate", amount_pence=1_000, found_at=timezone.now())
    with django_assert_max_num_queries(20) as large:
        finance_client.get(f"{URL}?q=C1&setting=fe_college&sort=provider&dir=asc&page=2")
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_audit_trail_names_and_links_each_flag_of_a_bulk_outcome(
    finance_client, admin_user, client_for, queue
):
    finance_client.post(URL, {"flags": [queue["INV-C"].pk], "status": "valid", "note": "ok"})
    html = client_for(admin_user).get("/audit/").content.decode()
    assert (f'<a class="govuk-link" href="/placements/overpayments/{queue["INV-C"].pk}/">'
            "Overpayment flag: invoice INV-C, duplicate of an earlier invoice</a>") in html
