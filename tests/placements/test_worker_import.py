"""A 100,000-row invoice file through the real Celery worker, timed against a raw COPY."""

from __future__ import annotations

import datetime as dt
import io
import json
import time
from pathlib import Path

import pytest
from django.db import connection

from placements.models import Child, Invoice, Placement, Provider
from send_tracker.imports.service import import_start
from send_tracker.models import ImportRecord

ROWS = 100_000
PLACEMENTS = 2_000
OUT = Path(__file__).resolve().parents[2] / ".data" / "placements-invoice-import.json"


def invoice_file() -> bytes:
    """Invoices as a finance system exports them: £ amounts with commas and UK dates."""
    lines = ["invoice_ref,provider_ref,placement_ref,period_start,period_end,amount,paid_date"]
    for n in range(ROWS):
        month = n // PLACEMENTS  # 50 consecutive months per placement
        start = dt.date(2020 + (month + 3) // 12, (month + 3) % 12 + 1, 1)
        end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        paid = end + dt.timedelta(days=14)
        lines.append(
            f'INV{n:07d},PRV{n % 10},PL{n % PLACEMENTS:05d},{start:%d/%m/%Y},{end:%d/%m/%Y},'
            f'"£{5000 + n % 997:,}.{n % 100:02d}",{paid:%d/%m/%Y}'
        )
    return ("\n".join(lines) + "\n").encode()


def copy_seconds(data: bytes) -> float:
    """The same file loaded with PostgreSQL COPY into a bare table: the floor to compare with."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bare_invoice (invoice_ref text, provider_ref text, "
            "placement_ref text, period_start text, period_end text, amount text, paid_date text)"
        )
        started = time.perf_counter()
        cursor.copy_expert("COPY bare_invoice FROM STDIN WITH (FORMAT csv, HEADER true)",
                           io.BytesIO(data))
        seconds = time.perf_counter() - started
        cursor.execute("SELECT count(*) FROM bare_invoice")
        assert cursor.fetchone()[0] == ROWS
    return seconds


@pytest.mark.slow
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_100000_row_invoice_file_is_imported_by_a_real_worker(celery_worker_process,
                                                                finance_user):
    providers = Provider.objects.bulk_create(
        Provider(ref=f"PRV{i}", name=f"Provider {i}", provision_type="special_independent")
        for i in range(10)
    )
    child = Child.objects.create(ref="C000001", ncy=7, primary_need="ASD")
    Placement.objects.bulk_create(
        Placement(ref=f"PL{i:05d}", child=child, provider=providers[i % 10],
                  provision_type="special_independent", start_date=dt.date(2020, 4, 1),
                  annual_cost_pence=6_000_000)
        for i in range(PLACEMENTS)
    )
    data = invoice_file()

    record = import_start(kind="invoices", data=data, file_name="invoices.csv", user=finance_user)
    assert record.status == ImportRecord.Status.QUEUED  # too big to import while the user waits
    deadline = time.monotonic() + 540
    while time.monotonic() < deadline:
        record.refresh_from_db()
        if record.status not in (ImportRecord.Status.QUEUED, ImportRecord.Status.RUNNING):
            break
        time.sleep(0.5)

    assert record.status == ImportRecord.Status.SUCCEEDED, record.problems
    assert (record.rows_read, record.rows_created) == (ROWS, ROWS)
    assert Invoice.objects.count() == ROWS
    first = Invoice.objects.get(ref="INV0000000")
    assert (first.amount_pence, first.period_start, first.status) == (500_000,
                                                                      dt.date(2020, 4, 1), "paid")
    import_seconds = (record.finished_at - record.started_at).total_seconds()
    copy = copy_seconds(data)
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps({
        "rows": ROWS,
        "import_seconds": round(import_seconds, 2),
        "import_rows_per_second": round(ROWS / import_seconds),
        "copy_seconds": round(copy, 3),
        "copy_rows_per_second": round(ROWS / copy),
        "ratio": round(import_seconds / copy, 1),
    }, indent=2))
