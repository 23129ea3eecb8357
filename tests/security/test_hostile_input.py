"""Hostile and careless input (issue 12): no file, number, date, parameter, name or password
can hang, crash or corrupt the tracker.

Every hostile file is built here. Each import test checks the message the uploader reads, the
record in the import history, that nothing was written, and (for the limits) that the limit
tripped before the parse. Speed and memory are measured in bench/, not here.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from axes.models import AccessAttempt
from django.db import IntegrityError, transaction
from django.test import Client

from finance.models import BudgetLine, MonthlyForecast
from placements.models import Provider
from programme.models import Project, RaidItem, Strand
from send_tracker.imports import core
from send_tracker.imports.service import (
    MAX_ATTEMPTS,
    import_record_run,
    import_start,
    imports_stale_write_off,
)
from send_tracker.models import ImportRecord
from send_tracker.money import MAX_AMOUNT_PENCE
from send_tracker.permissions import ADMIN, FINANCE

PROVIDERS = "provider_ref,name,urn,provision_type,in_county,places\n"
GOOD_PROVIDER = "PRV1,Ashcombe School,113570,special_la_maintained,yes,120\n"
LEDGER = "year,period,line_code,budget,actual_to_date,forecast_outturn\n"
PASSWORD = "a-long-test-password"

@pytest.fixture
def importing(run_imports, finance_user):
    """importing(data, name, kind): upload as the finance officer would; the queued import runs
    (as the worker would) and its ImportRecord is returned."""

    def _import(data: bytes | str, name: str = "providers.csv", kind: str = "providers"):
        if isinstance(data, str):
            data = data.encode()
        with run_imports():
            record = import_start(kind=kind, data=data, file_name=name, user=finance_user)
        record.refresh_from_db()
        return record

    return _import

@pytest.fixture
def parse_spy(monkeypatch):
    """Calls of the parse step (parse_frame): a limit must trip before any."""
    calls = []
    real = core.parse_frame

    def spy(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(core, "parse_frame", spy)
    return calls

def reasons(record: ImportRecord) -> list[str]:
    return [p["reason"] for p in record.problems]

def assert_rejected_before_parse(record, parse_spy, text: str) -> None:
    assert record.status == ImportRecord.Status.REJECTED, record.problems
    assert any(text in reason for reason in reasons(record)), reasons(record)
    assert ImportRecord.objects.filter(pk=record.pk, finished_at__isnull=False).exists()
    assert parse_spy == []
    assert not Provider.objects.exists()

def xlsx(sheet_rows_xml: str, *, dimension: str = "A1:F2") -> bytes:
    """A minimal workbook whose first sheet is the given <row> XML (so it can be hostile)."""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.'
            'org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="'
            'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http:'
            '//schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats'
            '.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships"><sheets><sheet name="Providers" sheetId="1" '
            'r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http:'
            '//schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>'),
        "xl/worksheets/sheet1.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
            f'openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/>'
            f"<sheetData>{sheet_rows_xml}</sheetData></worksheet>"),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()

def inline_row(number: int, values: list[str]) -> str:
    cells = "".join(f'<c r="{_col(i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
                    for i, v in enumerate(values))
    return f'<row r="{number}">{cells}</row>'

def _col(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name

def empty_cells_row(number: int, count: int) -> str:
    """A row of `count` empty styled cells, as a sheet formatted to its last column stores."""
    return f'<row r="{number}">' + "".join(f'<c r="{_col(i)}{number}" s="1"/>'
                                            for i in range(count)) + "</row>"

HEADER_CELLS = PROVIDERS.strip().split(",")
GOOD_CELLS = GOOD_PROVIDER.strip().split(",")

# ---- 1. Every import runs bounded, in a worker ----------------------------------------------

@pytest.mark.django_db
def test_the_upload_request_only_stores_the_file_and_queues_it_whatever_its_size(
        finance_client, settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    monkeypatch.setattr(core, "read_table", lambda *a, **k: pytest.fail("parsed in the request"))
    queued = []
    monkeypatch.setattr("send_tracker.tasks.run_import_task.delay", queued.append)
    small = SimpleUploadedFile("providers.csv", (PROVIDERS + GOOD_PROVIDER).encode())
    with django_capture_on_commit_callbacks(execute=True):
        response = finance_client.post("/imports/providers/", {"file": small})
    assert response.status_code == 302
    record = ImportRecord.objects.get()
    assert record.status == ImportRecord.Status.QUEUED  # even a one-row file
    assert queued == [record.pk]
    assert (tmp_path / "imports").exists()
    assert not Provider.objects.exists()

@pytest.mark.django_db
def test_a_workbook_of_empty_cells_stops_at_the_cell_limit_while_read(importing, parse_spy,
                                                                     settings):
    settings.IMPORT_MAX_CELLS = 10_000
    # The sheet says it is two rows by six columns; it holds 300 rows of 100 empty cells each.
    rows = inline_row(1, HEADER_CELLS) + "".join(empty_cells_row(n, 100) for n in range(2, 302))
    data = xlsx(rows, dimension="A1:F2")
    assert len(data) < 100_000
    record = importing(data, "providers.xlsx")
    assert_rejected_before_parse(record, parse_spy, "more than 10,000 cells (the limit)")

@pytest.mark.django_db
def test_a_workbook_that_inflates_past_the_limit_is_refused_before_it_is_read(
        importing, parse_spy, settings, monkeypatch):
    settings.IMPORT_MAX_INFLATED_BYTES = 200_000
    monkeypatch.setattr("openpyxl.load_workbook", lambda *a, **k: pytest.fail("opened"))
    rows = inline_row(1, HEADER_CELLS) + "".join(empty_cells_row(n, 500) for n in range(2, 40))
    data = xlsx(rows)
    record = importing(data, "providers.xlsx")
    assert_rejected_before_parse(record, parse_spy, "inflates to more than the 195.3 KB limit")

@pytest.mark.django_db
def test_a_file_wider_than_the_column_limit_is_refused_at_once_with_one_message(
        importing, parse_spy):
    # 5,000 extra columns stand for the million: the same path, at a size CI can afford.
    header = PROVIDERS.strip() + "," + ",".join(f"extra{i}" for i in range(5000))
    row = GOOD_PROVIDER.strip() + "," * 5000
    record = importing(header + "\n" + row + "\n")
    assert_rejected_before_parse(record, parse_spy, "5,006 columns; the limit is 1,000")
    assert len(record.problems) == 1
    assert record.warnings == []

@pytest.mark.django_db
def test_ignored_columns_are_summarised_in_one_warning(importing):
    header = PROVIDERS.strip() + "," + ",".join(f"extra{i}" for i in range(900))
    record = importing(header + "\n" + GOOD_PROVIDER.strip() + "," * 900 + "\n")
    assert record.status == ImportRecord.Status.SUCCEEDED, record.problems
    assert len(record.warnings) == 1
    assert record.warnings[0].startswith("900 columns ignored (not part of the Providers format)")
    assert record.warnings[0].endswith("and 890 more.")

@pytest.mark.django_db
def test_a_file_with_more_rows_than_the_limit_is_refused_before_the_parse(importing, parse_spy,
                                                                          settings):
    settings.IMPORT_MAX_ROWS = 5
    rows = "".join(f"PRV{i},School {i},,special_la_maintained,yes,10\n" for i in range(6))
    record = importing(PROVIDERS + rows)
    assert_rejected_before_parse(record, parse_spy, "more than 5 data rows (the limit)")

@pytest.mark.django_db
def test_a_cell_longer_than_excel_allows_is_named_by_row_and_column(importing, parse_spy):
    record = importing(PROVIDERS + GOOD_PROVIDER + f"PRV2,{'x' * 32_768},,special_la_maintained,"
                       "yes,1\n")
    assert_rejected_before_parse(record, parse_spy, "longer than 32,767 characters")
    assert (record.problems[0]["row"], record.problems[0]["column"]) == (3, "name")

@pytest.mark.django_db
def test_a_file_over_the_byte_limit_is_refused_by_the_worker_too(importing, parse_spy, settings):
    settings.IMPORT_MAX_BYTES = 100
    record = importing(PROVIDERS + GOOD_PROVIDER * 5)
    assert_rejected_before_parse(record, parse_spy, "larger than the 100 bytes limit")

# ---- 2. No import is left running -----------------------------------------------------------

PHASES = ["read_table", "check_header", "cell_problems", "parse_frame", "check", "write"]

@pytest.mark.django_db
@pytest.mark.parametrize("phase", PHASES)
def test_a_failure_in_any_phase_of_run_import_fails_the_import_and_writes_nothing(
        importing, monkeypatch, phase):
    from placements.imports import ProviderFormat

    def boom(*args, **kwargs):
        raise OverflowError("injected")

    if phase == "write":
        real_write = ProviderFormat.write

        def write_then_fail(self, df, *, user):
            real_write(self, df, user=user)
            assert Provider.objects.exists()  # written inside the transaction, then…
            raise OverflowError("injected")

        monkeypatch.setattr(ProviderFormat, "write", write_then_fail)
    elif phase == "check":
        monkeypatch.setattr(ProviderFormat, "check", boom)
    else:
        monkeypatch.setattr(core, phase, boom)
    record = importing(PROVIDERS + GOOD_PROVIDER)
    assert record.status == ImportRecord.Status.FAILED
    assert record.finished_at is not None
    assert "nothing was written" in reasons(record)[0]
    assert not Provider.objects.exists()

@pytest.mark.django_db
def test_an_import_past_its_time_limit_is_failed_with_a_message_to_split_the_file(
        importing, monkeypatch, settings):
    from celery.exceptions import SoftTimeLimitExceeded

    settings.IMPORT_TASK_TIME_LIMIT = 600

    def slow(*args, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(core, "parse_frame", slow)
    record = importing(PROVIDERS + GOOD_PROVIDER)
    assert record.status == ImportRecord.Status.FAILED
    assert "longer than the 10-minute limit" in reasons(record)[0]
    assert "Split the file" in reasons(record)[0]

def _running(**fields) -> ImportRecord:
    from django.utils import timezone

    return ImportRecord.objects.create(kind="providers", file_name="p.csv",
                                       status=ImportRecord.Status.RUNNING,
                                       started_at=fields.pop("started_at", timezone.now()),
                                       **fields)

@pytest.mark.django_db
def test_the_sweeper_writes_off_imports_whose_worker_and_redelivery_died(settings):
    import datetime as dt

    from django.utils import timezone

    killed_twice = _running(attempts=MAX_ATTEMPTS)
    long_ago = _running(attempts=1, started_at=timezone.now() - dt.timedelta(
        seconds=settings.IMPORT_REDELIVERY_WINDOW + 60))
    awaiting_redelivery = _running(attempts=1)
    assert sorted(imports_stale_write_off()) == sorted([killed_twice.pk, long_ago.pk])
    for record in (killed_twice, long_ago):
        record.refresh_from_db()
        assert record.status == ImportRecord.Status.FAILED
        assert "the worker running it stopped" in reasons(record)[0]
    awaiting_redelivery.refresh_from_db()
    assert awaiting_redelivery.status == ImportRecord.Status.RUNNING

@pytest.mark.django_db
def test_the_minute_sweeper_task_writes_off_dead_imports(monkeypatch):
    from send_tracker import tasks

    monkeypatch.setattr(tasks, "SWEEPS", [])  # the apps' parts are tested with their apps
    dead = _running(attempts=MAX_ATTEMPTS)
    tasks.sweep()
    dead.refresh_from_db()
    assert dead.status == ImportRecord.Status.FAILED

@pytest.mark.django_db
def test_a_third_delivery_of_an_import_fails_it_instead_of_running_it_again(monkeypatch):
    monkeypatch.setattr(core, "read_table", lambda *a, **k: pytest.fail("ran a third time"))
    record = _running(attempts=MAX_ATTEMPTS, stored_path="/nonexistent")
    assert import_record_run(record_id=record.pk) == ImportRecord.Status.FAILED
    record.refresh_from_db()
    assert "stopped twice" in reasons(record)[0]

@pytest.mark.django_db
def test_the_page_stops_polling_once_an_import_was_written_off(finance_client):
    record = _running(attempts=MAX_ATTEMPTS)
    url = f"/imports/record/{record.pk}/status.json"
    assert finance_client.get(url).json()["finished"] is False
    imports_stale_write_off()
    status = finance_client.get(url).json()
    assert (status["status"], status["finished"]) == ("failed", True)
    page = finance_client.get(f"/imports/record/{record.pk}/").content.decode()
    assert "updates by itself" not in page

# ---- 3. Encodings and bytes -----------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_each_encoding_excel_writes_is_read(importing, encoding):
    text = PROVIDERS + "PRV1,Ashcombe £ School,113570,special_la_maintained,yes,120\n"
    data = text.encode(encoding)
    if encoding == "utf-16":
        assert data[:2] in (b"\xff\xfe", b"\xfe\xff")  # with its byte-order mark
    record = importing(data)
    assert record.status == ImportRecord.Status.SUCCEEDED, record.problems
    assert Provider.objects.get().name == "Ashcombe £ School"

@pytest.mark.django_db
@pytest.mark.parametrize(("char", "code"), [("\x00", "U+0000 NUL"), ("\x07", "U+0007")])
def test_a_control_character_in_a_cell_is_named_by_row_and_column(importing, parse_spy, char,
                                                                  code):
    record = importing(PROVIDERS + GOOD_PROVIDER + f"PRV2,Bad{char}Name,,special_la_maintained,"
                       "yes,1\n")
    assert_rejected_before_parse(record, parse_spy, f"control character ({code})")
    assert (record.problems[0]["row"], record.problems[0]["column"]) == (3, "name")

@pytest.mark.django_db
def test_a_utf16_file_without_its_byte_order_mark_is_refused_with_advice(importing):
    record = importing((PROVIDERS + GOOD_PROVIDER).encode("utf-16-le"))
    assert record.status == ImportRecord.Status.REJECTED
    assert "UTF-16 text without its byte-order mark" in reasons(record)[0]

@pytest.mark.django_db
def test_a_zip_that_is_not_a_workbook_is_not_an_excel_file(importing):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    record = importing(buffer.getvalue(), "providers.xlsx")
    assert record.status == ImportRecord.Status.REJECTED
    assert "not an Excel file" in reasons(record)[0]
    assert ImportRecord.objects.filter(file_name="providers.xlsx").count() == 1  # in the history

# ---- 4. Money and counts cannot wrap --------------------------------------------------------

@pytest.mark.django_db
def test_a_count_too_large_for_64_bits_is_a_problem_naming_the_bound(importing):
    record = importing(PROVIDERS + "PRV1,School,,special_la_maintained,yes,"
                       "999999999999999999999\n")
    assert record.status == ImportRecord.Status.REJECTED
    assert record.problems[0]["column"] == "places"
    assert record.problems[0]["reason"] == "must be at most 1,000,000"
    assert not Provider.objects.exists()

@pytest.mark.django_db
@pytest.mark.parametrize("amount", ['"£99,999,999,999,999,999"', "92233720368547758",
                                    '"1,000,000,000.01"'])
def test_an_amount_past_the_bound_is_a_problem_naming_it_not_a_wrapped_number(importing, amount):
    BudgetLine.objects.create(code="1.2.1", name="Top-up")
    record = importing(LEDGER + f"2024/25,6,1.2.1,{amount},0,0\n", "ledger.csv", "ledger")
    assert record.status == ImportRecord.Status.REJECTED
    found = {(p["column"], p["reason"]) for p in record.problems}
    assert ("budget", "must be at most £1,000,000,000") in found
    assert not MonthlyForecast.objects.exists()

def test_a_form_amount_past_the_bound_names_it():
    from django import forms

    from send_tracker.forms import PoundsField

    with pytest.raises(forms.ValidationError, match="£1,000,000,000"):
        PoundsField().clean("£99,999,999,999,999,999")
    assert PoundsField().clean("£1,000,000,000") == MAX_AMOUNT_PENCE

@pytest.mark.django_db
def test_the_api_refuses_an_amount_past_the_bound(lead_client, lead_user):
    strand = Strand.objects.create(name="S", slug="s", lead=lead_user)
    project = Project.objects.create(strand=strand, name="P")
    body = {"project": project.pk, "year": "2024/25", "period": 6, "confidence": "amber",
            "forecast_pence": 9223372036854775807, "delivered_pence": 0}
    response = lead_client.post("/api/v1/progress-updates/", body,
                                content_type="application/json")
    assert response.status_code == 400
    assert "£1,000,000,000" in str(response.json()["forecast_pence"])

@pytest.mark.django_db
def test_the_database_refuses_an_amount_past_the_bound():
    line = BudgetLine.objects.create(code="1.2.1", name="Top-up")
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlyForecast.objects.create(line=line, year=2024, period=6,
                                       budget_pence=MAX_AMOUNT_PENCE + 1, actual_to_date_pence=0,
                                       forecast_outturn_pence=0)

# ---- 5. Dates and parameters ----------------------------------------------------------------

@pytest.mark.django_db
def test_a_date_far_in_the_future_is_a_400_with_a_message(director_client):
    response = director_client.get("/api/v1/cohort/summary/?date=9999-12-31")
    assert response.status_code == 400
    assert response.json() == {"date": ["Must be a date between 2000 and 2100."]}

@pytest.mark.django_db
def test_a_page_date_out_of_range_is_a_message_not_a_500(admin_client_role):
    response = admin_client_role.get("/audit/?until=31/12/9999")
    assert response.status_code == 200
    assert "date must be a date between 2000 and 2100" in response.content.decode()

@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("path", ["/finance/", "/api/v1/cohort/summary/"])
def test_too_many_query_parameters_is_a_400_with_debug_on_or_off(director_client, settings,
                                                                 debug, path):
    settings.DEBUG = debug
    query = "&".join(f"a={i}" for i in range(5000))
    response = director_client.get(f"{path}?{query}")
    assert response.status_code == 400
    assert "Too many query parameters: at most 1,000" in response.content.decode()

# ---- 6. People fields -----------------------------------------------------------------------

@pytest.mark.django_db
def test_an_owner_must_be_an_active_user_with_a_role_and_the_message_hides_who_exists(
        lead_client, lead_user, make_user):
    strand = Strand.objects.create(name="S", slug="s", lead=lead_user)
    make_user(None, username="no-role")
    make_user(FINANCE, username="gone", is_active=False)
    body = {"kind": "risk", "title": "Costs rise", "likelihood": 2, "impact": 2,
            "strand": strand.slug}
    messages = {}
    for owner in ("no-role", "gone", "nobody-at-all"):
        response = lead_client.post("/api/v1/raid-items/", {**body, "owner": owner},
                                    content_type="application/json")
        assert response.status_code == 400
        messages[owner] = response.json()["owner"][0].replace(owner, "X")
    assert len(set(messages.values())) == 1
    assert "must be an active user with a role in the tracker" in messages["gone"]
    assert not RaidItem.objects.exists()
    ok = lead_client.post("/api/v1/raid-items/", {**body, "owner": lead_user.username},
                          content_type="application/json")
    assert ok.status_code == 201

# ---- 7. Lockout that cannot be turned against a user ----------------------------------------

def _sign_in(client, username, password, **meta):
    return client.post("/login/", {"username": username, "password": password}, **meta)

@pytest.mark.django_db
def test_a_lockout_holds_only_for_the_address_it_came_from(make_user, settings):
    make_user(FINANCE, username="officer")
    attacker, colleague = Client(), Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(attacker, "officer", "wrong", REMOTE_ADDR="192.0.2.66")
    locked = _sign_in(attacker, "officer", PASSWORD, REMOTE_ADDR="192.0.2.66")
    assert locked.status_code == 429
    assert "from this device's network address" in locked.content.decode()
    assert _sign_in(colleague, "officer", PASSWORD, REMOTE_ADDR="192.0.2.10").status_code == 302

@pytest.mark.django_db
def test_behind_a_trusted_proxy_the_real_client_address_is_locked_not_the_proxy(make_user,
                                                                              settings):
    settings.TRUSTED_PROXY_COUNT = 1
    make_user(FINANCE, username="officer")
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        # The client wrote its own X-Forwarded-For; the proxy appended the real address.
        _sign_in(Client(), "officer", "wrong", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7",
                 **proxy)
    assert AccessAttempt.objects.get().ip_address == "198.51.100.7"
    same_office = _sign_in(Client(), "officer", PASSWORD,
                           HTTP_X_FORWARDED_FOR="198.51.100.8", **proxy)
    assert same_office.status_code == 302

@pytest.mark.django_db
def test_without_trusted_proxies_a_forged_forwarded_header_is_ignored(make_user, settings):
    assert settings.TRUSTED_PROXY_COUNT == 0
    make_user(FINANCE, username="officer")
    _sign_in(Client(), "officer", "wrong", HTTP_X_FORWARDED_FOR="203.0.113.9",
             REMOTE_ADDR="192.0.2.10")
    assert AccessAttempt.objects.get().ip_address == "192.0.2.10"

@pytest.mark.django_db
def test_an_administrator_unlocks_a_locked_user(make_user, settings, admin_client_role):
    make_user(FINANCE, username="officer")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "officer", "wrong", REMOTE_ADDR="192.0.2.66")
    page = admin_client_role.get("/lockouts/").content.decode()
    assert "officer" in page
    assert "192.0.2.66" in page
    attempt = AccessAttempt.objects.get()
    response = admin_client_role.post("/lockouts/", {"attempt": attempt.pk}, follow=True)
    assert "officer can sign in again" in response.content.decode()
    assert _sign_in(client, "officer", PASSWORD, REMOTE_ADDR="192.0.2.66").status_code == 302

@pytest.mark.django_db
def test_only_administrators_see_the_lockouts(client_for, make_user):
    assert client_for(make_user(FINANCE)).get("/lockouts/").status_code == 403
    assert client_for(make_user(ADMIN)).get("/lockouts/").status_code == 200

# ---- 8. Lengths -----------------------------------------------------------------------------

@pytest.mark.django_db
def test_free_text_past_its_maximum_is_a_400_and_nothing_is_stored(lead_client, lead_user):
    strand = Strand.objects.create(name="S", slug="s", lead=lead_user)
    body = {"kind": "risk", "title": "Costs rise", "likelihood": 2, "impact": 2,
            "strand": strand.slug, "description": "x" * 4001}
    response = lead_client.post("/api/v1/raid-items/", body, content_type="application/json")
    assert response.status_code == 400
    assert "4000" in str(response.json()["description"])
    assert not RaidItem.objects.exists()

@pytest.mark.django_db
def test_a_placement_reference_with_a_name_in_it_is_refused(importing):
    record = importing("placement_ref,child_ref,provider_ref,provision_type,start_date,end_date,"
                       "annual_cost,health_pct,social_care_pct\n"
                       "Jane Smith,C1,PRV1,special_independent,01/09/2024,,1000,,\n",
                       "placements.csv", "placements")
    assert record.status == ImportRecord.Status.REJECTED
    assert ("placement_ref", "is not a pseudonymised reference (letters, digits and hyphens "
            "only, no names)") in {(p["column"], p["reason"]) for p in record.problems}

def test_placement_and_invoice_refs_follow_the_child_reference_rule():
    from django.core.exceptions import ValidationError

    from placements.models import Invoice, Placement

    for model in (Placement, Invoice):
        field = model._meta.get_field("ref")
        field.run_validators("PL-0001")
        with pytest.raises(ValidationError):
            field.run_validators("Jane Smith")


@pytest.mark.django_db
@pytest.mark.parametrize("read_version", ["2024-99-99T00:00:00+00:00", "-1", "１"])
def test_a_tampered_read_stamp_on_the_board_text_form_is_a_message_not_a_500(finance_client,
                                                                             read_version):
    from django.utils import timezone

    from finance.board.models import BoardSummary

    summary = BoardSummary.objects.create(year=2024, period=6, content={}, content_hash="x",
                                          built_at=timezone.now())
    response = finance_client.post("/board/2024-25/6/text/", {
        "commentary": "Fine", "decisions_needed": "", "read_version": read_version})
    assert response.status_code == 400  # the form again, with the message
    assert "The form was damaged: reload the page." in response.content.decode()
    summary.refresh_from_db()
    assert summary.commentary == ""


@pytest.mark.django_db
def test_board_commentary_past_its_maximum_is_a_message_and_nothing_is_stored(finance_client):
    from django.utils import timezone

    from finance.board.models import BoardSummary

    summary = BoardSummary.objects.create(year=2024, period=6, content={}, content_hash="x",
                                          built_at=timezone.now())
    response = finance_client.post("/board/2024-25/6/text/", {
        "commentary": "x" * 4001, "decisions_needed": "",
        "read_version": str(summary.edit_version)})
    assert response.status_code == 400
    assert "at most 4000 characters" in response.content.decode()
    summary.refresh_from_db()
    assert summary.commentary == ""
