"""The shared import machinery, through a small format declared here (groups with typed columns)."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from send_tracker.imports import Column, ImportFormat, Problems, run_import, upsert
from send_tracker.imports.core import REGISTRY
from send_tracker.models import ImportRecord
from send_tracker.permissions import ROLES

HEADER = "name,amount,when,need,share,active,year,period\n"
GOOD_ROW = 'Alpha,"£1,234.50",31/03/2025,asd,12.5,yes,2024/25,P6\n'


class GroupFormat(ImportFormat):
    kind = "test-groups"
    label = "Test groups"
    columns = [
        Column("name", "text", unique=True, max_length=20),
        Column("amount", "money", min_value=0),
        Column("when", "date"),
        Column("need", "code", choices=["ASD", "SEMH"]),
        Column("share", "pct", required=False),
        Column("active", "bool"),
        Column("year", "year"),
        Column("period", "period"),
    ]
    example = {"name": "Alpha", "amount": "£1,234.50"}
    seen: list = []

    def check(self, df, problems: Problems) -> None:
        problems.where(df["name"].str.startswith("Bad"), "name", "must not start with Bad")

    def write(self, df, *, user):
        GroupFormat.seen.append(df.copy())
        return upsert(Group, df, key=["name"], fields={"name": "name"}, user=user)


@pytest.fixture(autouse=True)
def group_format():
    REGISTRY[GroupFormat.kind] = GroupFormat
    GroupFormat.seen = []
    yield GroupFormat
    REGISTRY.pop(GroupFormat.kind, None)


def _run(text: str | bytes, name: str = "groups.csv", user=None) -> ImportRecord:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return run_import(kind="test-groups", data=data, file_name=name, user=user)


def _groups() -> set[str]:
    return set(Group.objects.values_list("name", flat=True)) - set(ROLES)


@pytest.mark.django_db
def test_a_good_file_is_loaded_with_typed_values():
    record = _run(HEADER + GOOD_ROW)
    assert record.status == ImportRecord.Status.SUCCEEDED, record.problems
    assert (record.rows_read, record.rows_created) == (1, 1)
    frame = GroupFormat.seen[0]
    row = frame.iloc[0]
    assert row["amount"] == 123_450  # pence, exactly
    assert str(row["when"]) == "2025-03-31"
    assert row["need"] == "ASD"  # canonical code from lower case
    assert str(row["share"]) == "12.5"
    assert bool(row["active"]) is True
    assert (row["year"], row["period"]) == (2024, 6)
    assert _groups() == {"Alpha"}


@pytest.mark.django_db
def test_the_same_file_twice_changes_nothing():
    _run(HEADER + GOOD_ROW)
    second = _run(HEADER + GOOD_ROW)
    assert (second.rows_created, second.rows_updated, second.rows_unchanged) == (0, 0, 1)
    assert ImportRecord.objects.filter(kind="test-groups").count() == 2


@pytest.mark.django_db
def test_a_utf8_bom_and_windows_1252_file_are_both_read():
    bom = _run("\ufeff" + HEADER + GOOD_ROW)
    assert bom.status == "succeeded", bom.problems
    cp1252 = (HEADER + GOOD_ROW.replace("Alpha", "Beta")).encode("cp1252")
    assert b"\xa3" in cp1252  # the £ sign as Excel's "CSV" writes it
    record = _run(cp1252)
    assert record.status == "succeeded", record.problems
    assert GroupFormat.seen[-1].iloc[0]["amount"] == 123_450


@pytest.mark.django_db
def test_an_xlsx_workbook_is_read_including_real_date_cells():
    import datetime as dt

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(["Gamma", 1234.5, dt.datetime(2025, 3, 31), "SEMH", 0, "no", "2024-25", 6])
    buffer = io.BytesIO()
    book.save(buffer)
    record = _run(buffer.getvalue(), name="groups.xlsx")
    assert record.status == "succeeded", record.problems
    row = GroupFormat.seen[0].iloc[0]
    assert row["amount"] == 123_450
    assert str(row["when"]) == "2025-03-31"


@pytest.mark.django_db
def test_every_bad_row_is_reported_and_nothing_is_written():
    bad_rows = "".join(f"Row{i},abc,31/03/2025,ASD,,yes,2024/25,6\n" for i in range(10))
    record = _run(HEADER + GOOD_ROW + bad_rows)
    assert record.status == ImportRecord.Status.REJECTED
    assert len(record.problems) == 10
    assert record.rows_rejected == 10
    assert [p["row"] for p in record.problems] == list(range(3, 13))  # Excel rows: header is 1
    assert record.problems[0] == {
        "row": 3,
        "column": "amount",
        "value": "abc",
        "reason": "is not an amount of money (e.g. £1,234.50)",
    }
    assert _groups() == set()  # not even the good row


@pytest.mark.django_db
def test_cell_problems_name_row_column_value_and_reason():
    rows = (
        "A,-5,31/03/2025,ASD,,yes,2024/25,6\n"  # negative amount
        "B,1,31/02/2025,ASD,,yes,2024/25,6\n"  # no 31 February
        "C,1,31/03/2025,XYZ,,yes,2024/25,6\n"  # unknown code
        "D,1,31/03/2025,ASD,120,yes,2024/25,6\n"  # over 100%
        "E,1,31/03/2025,ASD,,maybe,2024/26,13\n"  # bool, year, period
        ",1,31/03/2025,ASD,,yes,2024/25,6\n"  # required name missing
        "BadName,1,31/03/2025,ASD,,yes,2024/25,6\n"  # the format's own rule
    )
    record = _run(HEADER + rows)
    found = {(p["row"], p["column"]): p["reason"] for p in record.problems}
    assert found[(2, "amount")] == "must not be negative"
    assert "not a date" in found[(3, "when")]
    assert "not a known code" in found[(4, "need")]
    assert "percentage" in found[(5, "share")]
    assert found[(6, "active")] == "is not yes or no"
    assert "financial year" in found[(6, "year")]
    assert "period" in found[(6, "period")]
    assert found[(7, "name")] == "is required"
    assert found[(8, "name")] == "must not start with Bad"
    assert len(record.problems) == 9


@pytest.mark.django_db
def test_duplicate_references_in_one_file_are_problems_on_each_row():
    record = _run(HEADER + GOOD_ROW + GOOD_ROW)
    assert record.status == "rejected"
    assert {(p["row"], p["column"]) for p in record.problems} == {(2, "name"), (3, "name")}
    assert "more than once" in record.problems[0]["reason"]


@pytest.mark.django_db
def test_a_missing_or_misspelt_column_is_named():
    record = _run(HEADER.replace("amount", "amuont") + GOOD_ROW)
    assert record.status == "rejected"
    assert record.problems == [
        {
            "row": 1,
            "column": "amount",
            "value": "",
            "reason": "column is missing (found 'amuont': is it misspelt?)",
        }
    ]


@pytest.mark.django_db
def test_extra_columns_are_ignored_with_a_warning():
    record = _run(HEADER.strip() + ",notes\n" + GOOD_ROW.strip() + ",hello\n")
    assert record.status == "succeeded"
    assert record.warnings == [
        "1 column ignored (not part of the Test groups format): 'notes'."
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b"", "groups.csv", "is empty"),
        (b"name,amount\n", "groups.csv", "no data rows"),
        (b"%PDF-1.4", "groups.pdf", "not a CSV or XLSX"),
        (b"not a zip", "groups.xlsx", "not an Excel file"),
    ],
)
def test_whole_file_problems_get_a_clear_message(data, name, reason):
    record = _run(data, name=name)
    assert record.status == "rejected"
    assert reason in record.problems[0]["reason"]


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused(settings):
    settings.IMPORT_MAX_BYTES = 100
    record = _run(HEADER + GOOD_ROW * 5)
    assert "larger than" in record.problems[0]["reason"]


@pytest.mark.django_db
def test_a_zip_bomb_workbook_is_refused(settings):
    settings.IMPORT_MAX_INFLATED_BYTES = 1000
    book = Workbook()
    book.active.append(["x" * 5000])
    buffer = io.BytesIO()
    book.save(buffer)
    record = _run(buffer.getvalue(), name="big.xlsx")
    assert "inflates to more than the 1000 bytes limit" in record.problems[0]["reason"]


@pytest.mark.django_db
def test_the_command_exits_non_zero_and_prints_every_problem(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "A,abc,31/03/2025,ASD,,yes,2024/25,6\nB,1,xx,ASD,,yes,2024/25,6\n")
    with pytest.raises(CommandError, match="2 problem"):
        call_command("import_file", "test-groups", str(path))
    err = capsys.readouterr().err
    assert "Row 2, column 'amount', value 'abc': is not an amount of money" in err
    assert "Row 3, column 'when', value 'xx'" in err
    good = tmp_path / "good.csv"
    good.write_text(HEADER + GOOD_ROW)
    call_command("import_file", "test-groups", str(good))
    assert "Loaded 1 rows" in capsys.readouterr().out


@pytest.mark.django_db
def test_finance_officer_uploads_in_the_browser_and_sees_problems(finance_client, run_imports):
    page = finance_client.get("/imports/test-groups/")
    assert page.status_code == 200
    assert b"Download the test groups template (CSV)" in page.content
    upload = io.BytesIO((HEADER + "A,abc,31/03/2025,ASD,,yes,2024/25,6\n").encode())
    upload.name = "bad.csv"
    with run_imports():
        queued = finance_client.post("/imports/test-groups/", {"file": upload})
    assert queued.status_code == 302
    response = finance_client.get(queued["Location"])
    assert response.status_code == 200
    assert b"Nothing was loaded" in response.content
    assert b"is not an amount of money" in response.content


@pytest.mark.django_db
def test_templates_have_the_exact_columns(finance_client):
    response = finance_client.get("/imports/test-groups/template.csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == HEADER.strip()
    xlsx = finance_client.get("/imports/test-groups/template.xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.django_db
def test_directors_and_leads_cannot_import(director_client, lead_client):
    for client in (director_client, lead_client):
        assert client.get("/imports/").status_code == 403
        assert client.get("/imports/test-groups/").status_code == 403


@pytest.mark.django_db
def test_the_import_history_is_paged_with_the_shared_pager_and_keeps_its_filter(finance_client):
    from send_tracker.models import ImportRecord

    for i in range(25):
        ImportRecord.objects.create(kind="ledger", file_name=f"ledger-{i:02}.csv",
                                    file_sha256="0" * 64)
    ImportRecord.objects.create(kind="invoices", file_name="invoices.csv", file_sha256="0" * 64)

    first = finance_client.get("/imports/", {"kind": "ledger"}).content.decode()
    assert "Showing <b>1</b> to <b>20</b> of <b>25</b> imports" in first
    assert 'aria-label="Pages of imports"' in first
    assert 'href="?kind=ledger&amp;page=2"' in first
    assert "invoices.csv" not in first
    last = finance_client.get("/imports/", {"kind": "ledger", "page": "9"}).content.decode()
    assert "Showing <b>21</b> to <b>25</b> of <b>25</b> imports" in last  # clamped to the end
    assert "ledger-00.csv" in last  # oldest last
    assert "ledger-24.csv" not in last
