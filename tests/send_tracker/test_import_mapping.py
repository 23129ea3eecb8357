"""A council's own extracts: their columns mapped to ours once, then read through the mapping by
themselves, with every import rule (all-or-nothing, Excel row numbers, the upsert) intact."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from placements.models import Placement
from send_tracker.imports import get_format, run_import
from send_tracker.imports.mapping import (
    HEAD_ROWS,
    MAX_COLUMNS,
    column_mapping_archive,
    column_mapping_create,
    header_key,
    normalise,
    read_head,
)
from send_tracker.imports.suggestions import suggest
from send_tracker.models import ColumnMapping, ImportRecord
from tests.placements import builders as b

pytestmark = pytest.mark.django_db

HEADER = ("Placement ID,Child Ref,Provider Code,Setting Type,Start,End,Annual Cost (£),"
          "Health %,Social Care %")
ROWS = ('PL1,C000001,PRV1,special_independent,01/09/2024,,"£64,500.00",10,15\n'
        "PL2,C000001,PRV1,fe_college,2023-09-01,31/08/2024,7500,,\n")
NAME = "Placements extract from the case management system"
EXPECTED = {
    "placement_ref": "placement id", "child_ref": "child ref", "provider_ref": "provider code",
    "provision_type": "setting type", "start_date": "start", "end_date": "end",
    "annual_cost": "annual cost (£)", "health_pct": "health %", "social_care_pct": "social care %",
}


@pytest.fixture
def refs():
    return b.provider(ref="PRV1"), b.child(ref="C000001")


def upload(client, text: str, name: str = "extract.csv", encoding: str = "utf-8"):
    return client.post("/imports/placements/",
                       {"file": SimpleUploadedFile(name, text.encode(encoding))})


def save_mapping(client, step_url: str, columns: dict[str, str] | None = None, name: str = NAME):
    data = {f"col_{ours}": theirs for ours, theirs in (columns or EXPECTED).items()}
    return client.post(step_url, {**data, "mapping_name": name, "action": "save"})


def saved_mapping(user=None) -> ColumnMapping:
    return column_mapping_create(kind="placements", name=NAME, header=HEADER.split(","),
                                 columns=EXPECTED, user=user)


def test_suggestions_match_a_case_management_systems_placement_header():
    assert suggest(get_format("placements"), HEADER.split(",")) == EXPECTED


@pytest.mark.parametrize(("kind", "header", "expected"), [
    ("invoices", "Invoice No,Provider Code,Placement ID,Period From,Period To,Invoice Amount (£),"
     "Date Paid", {"invoice_ref": "invoice no", "period_start": "period from",
                   "period_end": "period to", "amount": "invoice amount (£)",
                   "paid_date": "date paid"}),
    ("ledger", "Financial Year,Period,Cost Centre,Budget,Actual YTD,Forecast Outturn",
     {"year": "financial year", "line_code": "cost centre", "actual_to_date": "actual ytd"}),
    ("children", "Pupil ID,NC Year,Primary Need,Area",
     {"child_ref": "pupil id", "ncy": "nc year", "locality": "area"}),
])
def test_suggestions_read_other_systems_names_for_our_columns(kind, header, expected):
    chosen = suggest(get_format(kind), header.split(","))
    assert expected.items() <= chosen.items()


def test_suggestions_use_each_of_the_files_columns_once_and_leave_strangers_alone():
    header = ["Ref", "Reference", "Start", "Colour of the door"]
    chosen = suggest(get_format("placements"), header)
    assert len(set(chosen.values())) == len(chosen)
    assert "colour of the door" not in chosen.values()
    assert chosen["start_date"] == "start"


def test_the_same_set_of_names_gives_the_same_header_whatever_the_order_case_or_spacing():
    assert header_key(["Child Ref", "Start"]) == header_key(["start", "  CHILD   ref "])
    assert header_key(["Child Ref", "Start"]) != header_key(["Child Ref", "Start", "End"])


def test_a_foreign_header_goes_to_the_mapping_step_with_suggestions_and_a_preview(
        finance_client, refs):
    response = upload(finance_client, HEADER + "\n" + ROWS.replace("7500", "lots"))
    assert response.status_code == 302
    step = response["Location"]
    assert step.startswith("/imports/mappings/map/placements/")
    assert not ImportRecord.objects.exists()  # nothing imported yet
    html = finance_client.get(step).content.decode()
    assert "Match your columns" in html
    # Each of our columns with its rules, and the suggested column of theirs selected.
    assert re.search(r'name="col_annual_cost".*?<option value="annual cost \(£\)" selected>',
                     html, re.S)
    assert "an amount in pounds" in html
    # The preview: values as they will be read (pounds, dates), and the bad cell's problem.
    assert "£64,500.00" in html
    assert "1 Sep 2024" in html
    assert re.search(r"lots<p class=\"govuk-error-message[^>]*>.*?is not an amount of money",
                     html)
    assert "from Annual Cost (£)" in html


def test_saving_a_mapping_imports_the_file_and_says_which_mapping_it_used(
        finance_client, refs, run_imports):
    step = upload(finance_client, HEADER + "\n" + ROWS)["Location"]
    with run_imports():
        response = save_mapping(finance_client, step)
    record = ImportRecord.objects.get()
    assert response["Location"] == f"/imports/record/{record.pk}/"
    assert record.status == "succeeded", record.problems
    assert record.column_mapping.name == NAME
    first = Placement.objects.get(ref="PL1")
    assert (first.annual_cost_pence, first.social_care_pct) == (6_450_000, Decimal(15))
    page = finance_client.get(response["Location"]).content.decode()
    assert "Read through the saved mapping" in page
    assert NAME in page
    # The upload is no longer waiting for its columns.
    assert finance_client.get(step).status_code == 404


def test_next_months_file_with_the_same_header_is_mapped_by_itself(
        finance_client, refs, run_imports):
    saved_mapping()
    # Columns in another order and case: the same set of names.
    header = HEADER.split(",")
    shuffled = ",".join([header[2], header[0].upper(), *header[3:], header[1]])
    row = "PRV1,PL3,special_independent,01/04/2025,,£1000,,,C000001\n"
    with run_imports():
        response = upload(finance_client, shuffled + "\n" + row)
    record = ImportRecord.objects.get()
    assert response["Location"] == f"/imports/record/{record.pk}/"
    assert record.status == "succeeded", record.problems
    assert record.column_mapping.name == NAME
    assert Placement.objects.get(ref="PL3").provider.ref == "PRV1"
    assert NAME in finance_client.get(response["Location"]).content.decode()


def test_a_bad_row_is_named_by_its_excel_row_and_the_users_column_and_nothing_is_written(refs):
    saved_mapping()
    rows = ROWS + "PL3,C000001,PRV1,fe_college,01/09/2024,01/08/2024,-5,,\n"
    record = run_import(kind="placements", data=(HEADER + "\n" + rows).encode(),
                        file_name="extract.csv")
    assert record.status == "rejected"
    assert record.column_mapping.name == NAME
    found = {(p["row"], p["column"]): p["reason"] for p in record.problems}
    assert found == {(4, "Annual Cost (£)"): "must not be negative",
                     (4, "End"): "is before 'Start'"}
    assert not Placement.objects.exists()  # not even the two good rows


def test_the_same_file_twice_through_a_mapping_changes_nothing(refs):
    saved_mapping()
    data = (HEADER + "\n" + ROWS).encode()
    run_import(kind="placements", data=data, file_name="extract.csv")
    history = Placement.history.count()
    again = run_import(kind="placements", data=data, file_name="extract.csv")
    assert (again.rows_created, again.rows_updated, again.rows_unchanged) == (0, 0, 2)
    assert Placement.history.count() == history


def test_an_optional_column_left_unmapped_is_read_as_blank(refs):
    header = "Placement ID,Child Ref,Provider Code,Setting Type,Start,Annual Cost (£)"
    column_mapping_create(
        kind="placements", name="Short extract", header=header.split(","),
        columns={k: v for k, v in EXPECTED.items()
                 if k not in ("end_date", "health_pct", "social_care_pct")}, user=None)
    record = run_import(kind="placements", file_name="short.csv", data=(
        header + "\nPL7,C000001,PRV1,fe_college,01/09/2024,£100\n").encode())
    assert record.status == "succeeded", record.problems
    placement = Placement.objects.get(ref="PL7")
    assert (placement.end_date, placement.health_pct) == (None, 0)


def test_a_mapping_that_leaves_a_required_column_unmapped_is_refused_naming_it(finance_client,
                                                                               refs):
    columns = {**EXPECTED, "child_ref": ""}
    with pytest.raises(ValidationError) as refused:
        column_mapping_create(kind="placements", name=NAME, header=HEADER.split(","),
                              columns=columns, user=None)
    assert "child_ref" in refused.value.message_dict
    assert "it is required" in refused.value.message_dict["child_ref"][0]
    # On the page: the error summary links to the field, the error is beside it, nothing saved.
    step = upload(finance_client, HEADER + "\n" + ROWS)["Location"]
    response = save_mapping(finance_client, step, columns)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_col_child_ref"' in html
    assert 'id="id_col_child_ref-error"' in html
    assert not ColumnMapping.objects.exists()
    assert not ImportRecord.objects.exists()


def test_a_mapping_naming_a_column_twice_is_refused(finance_client, refs):
    columns = {**EXPECTED, "end_date": "start"}
    step = upload(finance_client, HEADER + "\n" + ROWS)["Location"]
    html = save_mapping(finance_client, step, columns).content.decode()
    assert "&#x27;Start&#x27; is chosen for start_date and end_date" in html
    assert not ColumnMapping.objects.exists()
    assert not ImportRecord.objects.exists()


def test_a_mapping_needs_a_name_not_already_used_case_aside(finance_client, refs):
    step = upload(finance_client, HEADER + "\n" + ROWS)["Location"]
    assert "Enter a name for the mapping" in save_mapping(
        finance_client, step, name="  ").content.decode()
    ColumnMapping.objects.create(kind="placements", name=NAME.upper(), header_key="x" * 64,
                                 header=["x"], columns={})
    html = save_mapping(finance_client, step).content.decode()
    assert "already exists: choose another name" in html
    assert ColumnMapping.objects.count() == 1


def test_a_choice_that_is_not_one_of_the_files_columns_is_refused_not_a_500(finance_client,
                                                                           refs):
    step = upload(finance_client, HEADER + "\n" + ROWS)["Location"]
    response = save_mapping(finance_client, step, {**EXPECTED, "child_ref": "no such column"})
    assert response.status_code == 200
    assert "Choose one of your file&#x27;s columns" in response.content.decode()
    assert not ColumnMapping.objects.exists()


def test_a_header_of_ours_is_imported_without_the_mapping_step(
        finance_client, refs, run_imports):
    ours = ",".join(EXPECTED)
    with run_imports():
        response = upload(finance_client, ours + "\n" + ROWS)
    record = ImportRecord.objects.get()
    assert response["Location"] == f"/imports/record/{record.pk}/"
    assert record.status == "succeeded"
    assert record.column_mapping is None


@pytest.mark.parametrize("header", [
    ",".join(f"Column {i}" for i in range(10_000)),  # 10,000 columns
    "Child Ref," + "x" * 5_000,  # a name 5,000 characters long
    "Child Ref," + "x" * 200_000,  # past the csv module's field limit
    "y" * 600_000,  # one header line longer than what the step reads
])
def test_a_hostile_header_gets_the_mapping_step_saying_why_and_stays_bounded(finance_client,
                                                                            header):
    response = upload(finance_client, header + "\n" + "1," * 3 + "\n")
    assert response.status_code == 302
    page = finance_client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "cannot be matched" in html
    assert len(html) < 60_000  # no select of 10,000 options, no 5,000-character names
    assert "<select" not in html
    assert not ImportRecord.objects.exists()
    assert not ColumnMapping.objects.exists()


def test_the_mapping_step_reads_only_the_header_and_the_first_rows():
    big = ("a,b\n" + "1,2\n" * 400_000).encode()  # 1.6 MB
    head = read_head(big, "big.csv")
    assert len(head.frame) == HEAD_ROWS
    assert head.header == ["a", "b"]
    assert MAX_COLUMNS <= 300


def test_an_upload_waiting_for_its_columns_is_only_for_the_user_who_uploaded_it(
        finance_client, client_for, make_user, refs):
    from send_tracker.permissions import FINANCE

    step = upload(finance_client, HEADER + "\n" + ROWS)["Location"]
    assert client_for(make_user(FINANCE)).get(step).status_code == 404


def test_saved_mappings_are_listed_renamed_and_archived(finance_client, finance_user, refs):
    mapping = saved_mapping(finance_user)
    listed = finance_client.get("/imports/mappings/").content.decode()
    assert NAME in listed
    assert "Live" in listed
    detail = f"/imports/mappings/{mapping.pk}/"
    ColumnMapping.objects.create(kind="placements", name="Other", header_key="y" * 64,
                                 header=["y"], columns={})
    refused = finance_client.post(detail, {"name": "other"})
    assert "already exists" in refused.content.decode()
    assert finance_client.post(detail, {"name": "CMS placements"}).status_code == 302
    mapping.refresh_from_db()
    assert mapping.name == "CMS placements"
    assert mapping.history.count() == 2  # created, renamed: every change kept
    finance_client.post(f"/imports/mappings/{mapping.pk}/archive/")
    mapping.refresh_from_db()
    assert mapping.archived
    page = finance_client.get(detail).content.decode()
    assert f"Renamed from &#x27;{NAME}&#x27; to &#x27;CMS placements&#x27;" in page
    assert "Archived" in page
    # An archived mapping is not used: the same header goes to the mapping step again.
    response = upload(finance_client, HEADER + "\n" + ROWS)
    assert "/imports/mappings/map/placements/" in response["Location"]


def test_an_archived_mapping_frees_its_header_for_a_new_one(refs):
    column_mapping_archive(mapping=saved_mapping(), user=None)
    again = saved_mapping()
    assert again.header_key == header_key(HEADER.split(","))
    assert normalise(" Annual  Cost (£) ") == "annual cost (£)"


def test_mapping_pages_are_for_finance_officers_and_administrators(director_client):
    assert director_client.get("/imports/mappings/").status_code == 403
    assert director_client.get("/imports/mappings/map/placements/x/").status_code == 403


def test_an_excel_workbook_with_the_same_header_is_read_through_the_mapping(
        finance_client, refs, run_imports):
    import datetime as dt
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append(["PL8", "C000001", "PRV1", "fe_college", dt.datetime(2024, 9, 2), None,
                  7500.25, 0, 0])
    buffer = io.BytesIO()
    book.save(buffer)
    workbook = buffer.getvalue()
    # First time: the mapping step reads the workbook's header and first rows.
    step = finance_client.post("/imports/placements/", {
        "file": SimpleUploadedFile("cms.xlsx", workbook)})["Location"]
    html = finance_client.get(step).content.decode()
    assert "2 Sep 2024" in html
    assert "£7,500.25" in html
    with run_imports():
        save_mapping(finance_client, step)
    placement = Placement.objects.get(ref="PL8")
    assert placement.annual_cost_pence == 750_025
    # Then by itself.
    again = run_import(kind="placements", data=workbook, file_name="cms.xlsx")
    assert (again.status, again.rows_unchanged) == ("succeeded", 1)
    assert again.column_mapping.name == NAME


def test_the_list_of_mappings_costs_the_same_queries_however_many_there_are(finance_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert finance_client.get("/imports/mappings/").status_code == 200
        return len(queries)

    ColumnMapping.objects.create(kind="placements", name="M0", header_key="0" * 64)
    finance_client.get("/imports/mappings/")
    few = count()
    ColumnMapping.objects.bulk_create(
        ColumnMapping(kind="placements", name=f"M{i}", header_key=f"{i:064d}")
        for i in range(1, 40))
    assert count() == few <= 20


def test_the_preview_numbers_rows_as_excel_does_past_a_blank_row(refs):
    from send_tracker.imports.mapping import mapping_preview

    text = HEADER + "\n" + ROWS.splitlines()[0] + "\n,,,,,,,,\n" + ROWS.splitlines()[1] + "\n"
    head = read_head(text.encode(), "extract.csv")
    rows = mapping_preview(get_format("placements"), head, EXPECTED)
    assert [r["row"] for r in rows] == [2, 4]
    assert rows[1]["cells"][0]["value"] == "PL2"


def test_a_file_queued_for_the_worker_is_read_through_its_mapping_there(
        refs, settings, tmp_path, django_capture_on_commit_callbacks):
    from send_tracker.imports.service import import_record_run, import_start

    settings.MEDIA_ROOT = str(tmp_path)
    saved_mapping()
    notes = "x" * 2_000
    rows = "".join(f"PL{i},C000001,PRV1,fe_college,01/09/2024,,£100,,\n" for i in range(150))
    data = (HEADER + ",Notes\n" + rows.replace("\n", f",{notes}\n")).encode()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        record = import_start(kind="placements", data=data, file_name="big.csv", user=None)
    assert record.status == "queued"
    assert len(queued) == 1  # the task, enqueued after commit
    # The extra column makes it another header: no mapping yet, so the worker rejects it...
    assert import_record_run(record_id=record.pk) == "rejected"
    # ...and once that header is mapped, the worker reads it through the mapping.
    column_mapping_create(kind="placements", name="With notes",
                          header=[*HEADER.split(","), "Notes"], columns=EXPECTED, user=None)
    with django_capture_on_commit_callbacks(execute=False):
        again = import_start(kind="placements", data=data, file_name="big.csv", user=None)
    assert import_record_run(record_id=again.pk) == "succeeded"
    again.refresh_from_db()
    assert again.column_mapping.name == "With notes"
    assert Placement.objects.count() == 150
