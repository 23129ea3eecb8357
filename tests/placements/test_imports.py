"""Each import rule with small files written here: encodings, money, dates, references."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from placements.models import Assessment, Child, Invoice, Placement, Provider
from send_tracker.imports import run_import
from tests.placements import builders as b

D = dt.date
pytestmark = pytest.mark.django_db

PROVIDERS = (
    "provider_ref,name,urn,provision_type,in_county,places\n"
    "PRV1,Ashcombe Special School,113570,Special_LA_Maintained,yes,120\n"
    "PRV2,Bramford Independent School,,special_independent,no,\n"
)


def load(kind: str, text: str, *, encoding: str = "utf-8", user=None, name: str = "file.csv"):
    return run_import(kind=kind, data=text.encode(encoding), file_name=name, user=user)


def reasons(record) -> list[tuple]:
    return [(p["row"], p["column"], p["reason"]) for p in record.problems]


def test_providers_load_with_a_bom_and_codes_in_any_case(finance_user):
    record = load("providers", "\ufeff" + PROVIDERS, user=finance_user)
    assert record.status == "succeeded", record.problems
    assert record.rows_created == 2
    first = Provider.objects.get(ref="PRV1")
    assert (first.provision_type, first.in_county, first.places) == ("special_la_maintained",
                                                                     True, 120)
    assert first.created_by == finance_user
    assert Provider.objects.get(ref="PRV2").places is None


def test_importing_the_same_file_twice_changes_nothing():
    load("providers", PROVIDERS)
    history_before = Provider.history.count()
    again = load("providers", PROVIDERS)
    assert (again.rows_created, again.rows_updated, again.rows_unchanged) == (0, 0, 2)
    assert Provider.history.count() == history_before


def test_a_changed_row_is_updated_and_its_history_kept():
    load("providers", PROVIDERS)
    changed = load("providers", PROVIDERS.replace("yes,120", "yes,140"))
    assert (changed.rows_created, changed.rows_updated, changed.rows_unchanged) == (0, 1, 1)
    assert list(Provider.objects.get(ref="PRV1").history.values_list("places", flat=True)) == [
        140, 120]


@pytest.fixture
def refs():
    provider = b.provider(ref="PRV1")
    kid = b.child(ref="C000001")
    return provider, kid


def test_placements_read_windows_1252_pounds_and_uk_dates(refs):
    text = ("placement_ref,child_ref,provider_ref,provision_type,start_date,end_date,annual_cost,"
            "health_pct,social_care_pct\n"
            'PL1,c000001,PRV1,special_independent,01/09/2024,,"£64,234.50",10,12.5\n'
            "PL2,C000001,PRV1,special_independent,2023-09-01,31/08/2024,£1234.5,,\n")
    record = load("placements", text, encoding="cp1252")
    assert record.status == "succeeded", record.problems
    first, second = Placement.objects.order_by("ref")
    assert (first.annual_cost_pence, first.health_pct, first.social_care_pct) == (
        6_423_450, Decimal("10"), Decimal("12.5"))
    assert (first.start_date, first.end_date, first.status) == (D(2024, 9, 1), None, "active")
    assert (second.annual_cost_pence, second.end_date, second.status) == (
        123_450, D(2024, 8, 31), "ended")


def test_placements_from_an_excel_workbook(refs):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["placement_ref", "child_ref", "provider_ref", "provision_type", "start_date",
                  "end_date", "annual_cost", "health_pct", "social_care_pct"])
    sheet.append(["PL9", "C000001", "PRV1", "fe_college", dt.datetime(2024, 9, 2), None,
                  7500.25, 0, 0])
    buffer = io.BytesIO()
    book.save(buffer)
    record = run_import(kind="placements", data=buffer.getvalue(), file_name="p.xlsx", user=None)
    assert record.status == "succeeded", record.problems
    placement = Placement.objects.get(ref="PL9")
    assert (placement.start_date, placement.annual_cost_pence) == (D(2024, 9, 2), 750_025)


def test_a_missing_column_rejects_the_file_naming_it(refs):
    text = ("placement_ref,child_ref,provider,provision_type,start_date,end_date,annual_cost,"
            "health_pct,social_care_pct\nPL1,C000001,PRV1,fe_college,01/09/2024,,100,,\n")
    record = load("placements", text)
    assert record.status == "rejected"
    assert record.problems[0]["column"] == "provider_ref"
    assert "missing" in record.problems[0]["reason"]
    assert not Placement.objects.exists()


def test_unknown_codes_missing_references_and_backwards_dates_are_reported(refs):
    text = ("placement_ref,child_ref,provider_ref,provision_type,start_date,end_date,annual_cost,"
            "health_pct,social_care_pct\n"
            "PL1,C000001,PRV1,boarding_school,01/09/2024,,100,,\n"
            "PL2,C999999,PRV1,fe_college,01/09/2024,,100,,\n"
            "PL3,C000001,PRV404,fe_college,01/09/2024,,100,,\n"
            "PL4,C000001,PRV1,fe_college,01/09/2024,31/08/2024,100,,\n"
            "PL5,C000001,PRV1,fe_college,01/09/2024,,-5,,\n"
            "PL6,C000001,PRV1,fe_college,01/09/2024,,100,60,50\n"
            "PL7,C000001,PRV1,fe_college,31/02/2024,,100,,\n")
    record = load("placements", text)
    assert record.status == "rejected"
    got = reasons(record)
    assert (2, "provision_type") == got[0][:2]
    assert (3, "child_ref", "is not a child in the tracker (import the children file first)") in got
    assert (4, "provider_ref", "is not a provider in the tracker") in got
    assert (5, "end_date", "is before start_date") in got
    assert (6, "annual_cost", "must not be negative") in got
    assert (7, "social_care_pct", "makes health_pct + social_care_pct more than 100") in got
    assert got[-1][:2] == (8, "start_date")
    assert len(got) == 7
    assert not Placement.objects.exists()


def test_duplicate_references_in_one_file_are_each_reported(refs):
    text = ("placement_ref,child_ref,provider_ref,provision_type,start_date,end_date,annual_cost,"
            "health_pct,social_care_pct\n"
            "PL1,C000001,PRV1,fe_college,01/09/2024,,100,,\n"
            "PL1,C000001,PRV1,fe_college,01/09/2024,,100,,\n")
    record = load("placements", text)
    assert [(p["row"], p["column"]) for p in record.problems] == [(2, "placement_ref"),
                                                                   (3, "placement_ref")]


def test_ten_bad_rows_give_ten_problems_and_nothing_is_written(refs):
    good = "PL{n},C000001,PRV1,fe_college,01/09/2024,,100,,\n"
    bad = "PLX{n},C000001,PRV1,fe_college,not a date,,100,,\n"
    rows = "".join((bad if n % 3 == 0 else good).format(n=n) for n in range(30))
    text = ("placement_ref,child_ref,provider_ref,provision_type,start_date,end_date,annual_cost,"
            "health_pct,social_care_pct\n" + rows)
    record = load("placements", text)
    assert record.status == "rejected"
    assert len(record.problems) == 10
    assert {p["column"] for p in record.problems} == {"start_date"}
    assert record.problems[0]["value"] == "not a date"
    assert record.rows_rejected == 10
    assert not Placement.objects.exists()


def test_children_must_be_pseudonymised_and_in_the_ncy_range():
    text = ("child_ref,ncy,primary_need,locality\n"
            "C000010,7,spld,Coastal\n"
            "Jane Smith,7,ASD,\n"
            "C000011,21,ASD,\n")
    record = load("children", text)
    assert reasons(record) == [
        (3, "child_ref", "is not a pseudonymised reference (letters and digits only, no names)"),
        (4, "ncy", "must be between -2 and 20"),
    ]
    ok = load("children", "child_ref,ncy,primary_need,locality\nc000010,-2,spld,\n")
    assert ok.status == "succeeded"
    assert Child.objects.get().primary_need == "SpLD"
    assert Child.objects.get().ref == "C000010"


def test_assessments_need_their_child_and_dates_in_order(refs):
    header = "child_ref,request_date,decision_date,final_plan_date,exception_20wk\n"
    bad = load("assessments", header
               + "C000001,01/09/2023,01/08/2023,,no\n"
               + "C000001,01/09/2023,,,no\n"
               + "C000404,01/09/2023,,,no\n")
    assert reasons(bad) == [
        (2, "decision_date", "is before request_date"),
        (2, "request_date", "appears more than once for this child"),
        (3, "request_date", "appears more than once for this child"),
        (4, "child_ref", "is not a child in the tracker (import the children file first)"),
    ]
    good = load("assessments", header + "C000001,04/09/2023,10/10/2023,15/07/2024,yes\n")
    assert good.status == "succeeded"
    again = load("assessments", header + "C000001,04/09/2023,10/10/2023,15/07/2024,yes\n")
    assert again.rows_unchanged == 1
    assert Assessment.objects.get().final_plan_date == D(2024, 7, 15)


def test_invoices_check_the_provider_is_the_placements(refs):
    provider, kid = refs
    other = b.provider(ref="PRV2")
    b.placement(of=kid, at=provider, ref="PL1", start=D(2024, 4, 1), cost_pence=1_200_000)
    header = "invoice_ref,provider_ref,placement_ref,period_start,period_end,amount,paid_date\n"
    bad = load("invoices", header
               + "INV1,PRV2,PL1,01/04/2024,30/04/2024,£1000,\n"
               + "INV2,PRV1,PL404,01/04/2024,30/04/2024,£1000,\n"
               + "INV3,PRV1,PL1,01/05/2024,30/04/2024,£1000,\n")
    assert reasons(bad) == [
        (2, "provider_ref", "is not the provider of this placement"),
        (3, "placement_ref", "is not a placement in the tracker"),
        (4, "period_end", "is before period_start"),
    ]
    good = load("invoices", header
                + 'INV1,PRV1,PL1,01/04/2024,30/04/2024,"£1,000.00",14/05/2024\n'
                + "INV2,PRV1,PL1,01/05/2024,31/05/2024,1000,\n")
    assert good.status == "succeeded", good.problems
    paid, unpaid = Invoice.objects.order_by("ref")
    assert (paid.amount_pence, paid.status, unpaid.status) == (100_000, "paid", "received")
    assert other.invoices.count() == 0
