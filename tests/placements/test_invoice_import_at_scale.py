"""The invoice import at county size: all or nothing, history for changes only, and the fast
paths (pyarrow CSV reading, ids found once, COPY from an Arrow-written buffer) keeping every
rule and message of the slow ones."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from django.db import connection

from placements.imports import InvoiceFormat
from placements.models import Invoice, Placement
from send_tracker.imports import get_format, read_table, run_import
from send_tracker.imports.core import Problems, parse_frame
from tests.placements import builders as b

D = dt.date
pytestmark = pytest.mark.django_db
HEADER = "invoice_ref,provider_ref,placement_ref,period_start,period_end,amount,paid_date\n"


@pytest.fixture
def placement() -> Placement:
    return b.placement(of=b.child(ref="C000001"), at=b.provider(ref="PRV1"), ref="PL1",
                       start=D(2024, 4, 1), cost_pence=1_200_000)


def invoice_rows(count: int, *, start: int = 0, amount: str = "1000.00") -> list[str]:
    return [f"INV{n:06d},PRV1,PL1,2024-04-01,2024-04-30,{amount},2024-05-14\n"
            for n in range(start, start + count)]


def load(rows: list[str], user=None):
    data = (HEADER + "".join(rows)).encode()
    return run_import(kind="invoices", data=data, file_name="invoices.csv", user=user)


def reasons(record) -> list[tuple]:
    return [(p["row"], p["column"], p["value"], p["reason"]) for p in record.problems]


def test_a_bad_row_in_the_middle_of_50000_writes_nothing_and_names_the_row(placement):
    rows = invoice_rows(50_000)
    rows[24_999] = "INV024999,PRV1,PL1,2024-04-01,2024-04-30,12.345,2024-05-14\n"
    record = load(rows)
    assert record.status == "rejected"
    # The header is row 1, so the 25,000th data row is row 25,001.
    assert reasons(record) == [
        (25_001, "amount", "12.345", "is not an amount of money (e.g. £1,234.50)")]
    assert record.rows_rejected == 1
    assert Invoice.objects.count() == 0
    assert Invoice.history.count() == 0


def test_an_unknown_placement_in_the_middle_of_50000_writes_nothing(placement):
    rows = invoice_rows(50_000)
    rows[30_000] = "INV030000,PRV1,PL404,2024-04-01,2024-04-30,1000,\n"
    record = load(rows)
    assert reasons(record) == [
        (30_002, "placement_ref", "PL404", "is not a placement in the tracker")]
    assert Invoice.objects.count() == 0


def test_a_failure_after_the_rows_are_written_leaves_nothing(placement, monkeypatch):
    real_write = InvoiceFormat.write

    def write_then_fail(self, df, *, user):
        real_write(self, df, user=user)
        assert Invoice.objects.count() == 50_000  # written, inside the import's transaction
        raise RuntimeError("the database went away")

    monkeypatch.setattr(InvoiceFormat, "write", write_then_fail)
    record = load(invoice_rows(50_000))
    assert record.status == "failed"
    assert "nothing was written" in record.problems[0]["reason"]
    assert Invoice.objects.count() == 0
    assert Invoice.history.count() == 0


def test_history_is_written_for_new_and_changed_rows_only(placement, finance_user):
    first = load(invoice_rows(3), user=finance_user)
    assert (first.rows_created, first.rows_updated, first.rows_unchanged) == (3, 0, 0)
    assert sorted(Invoice.history.values_list("ref", "history_type")) == [
        ("INV000000", "+"), ("INV000001", "+"), ("INV000002", "+")]
    assert set(Invoice.history.values_list("history_user", flat=True)) == {finance_user.pk}

    rows = invoice_rows(3)
    rows[1] = "INV000001,PRV1,PL1,2024-04-01,2024-04-30,1000.01,\n"
    second = load(rows, user=finance_user)
    assert (second.rows_created, second.rows_updated, second.rows_unchanged) == (0, 1, 2)
    changed = Invoice.history.filter(history_type="~")
    assert list(changed.values_list("ref", "amount_pence", "paid_date", "status")) == [
        ("INV000001", 100_001, None, "received")]
    assert Invoice.history.count() == 4


def test_an_unchanged_reimport_writes_nothing(placement):
    load(invoice_rows(1000))
    stamps = dict(Invoice.objects.values_list("ref", "updated_at"))
    history = Invoice.history.count()
    again = load(invoice_rows(1000))
    assert (again.rows_created, again.rows_updated, again.rows_unchanged) == (0, 0, 1000)
    assert Invoice.history.count() == history
    assert dict(Invoice.objects.values_list("ref", "updated_at")) == stamps


def test_the_rows_arrive_exactly(placement, finance_user):
    rows = ['INV1,PRV1,PL1,01/04/2024,30/04/2024,"£1,234.05",\n',
            "INV2,PRV1,PL1,2024-05-01,2024-05-31,(0.00),31/05/2024\n"]
    record = load(rows, user=finance_user)
    assert record.status == "succeeded", record.problems
    got = list(Invoice.objects.order_by("ref").values_list(
        "ref", "provider__ref", "placement__ref", "period_start", "period_end", "amount_pence",
        "paid_date", "status", "created_by", "updated_by"))
    assert got == [
        ("INV1", "PRV1", "PL1", D(2024, 4, 1), D(2024, 4, 30), 123_405, None, "received",
         finance_user.pk, finance_user.pk),
        ("INV2", "PRV1", "PL1", D(2024, 5, 1), D(2024, 5, 31), 0, D(2024, 5, 31), "paid",
         finance_user.pk, finance_user.pk),
    ]


def test_write_without_check_looks_the_ids_up_itself(placement):
    fmt = get_format("invoices")
    problems = Problems()
    frame = read_table((HEADER + "".join(invoice_rows(2))).encode(), "invoices.csv")
    parsed = parse_frame(frame, fmt, problems)
    assert not problems
    result = fmt.write(parsed[[c.name for c in fmt.columns]], user=None)
    assert (result.created, set(Invoice.objects.values_list("placement", flat=True))) == (
        2, {placement.pk})


def test_a_row_with_too_few_cells_is_still_read_and_reported(placement):
    record = load(["INV1,PRV1,PL1,2024-04-01\n"])
    assert [(r, c, why) for r, c, _, why in reasons(record)] == [
        (2, "amount", "is required"), (2, "period_end", "is required")]


def test_digits_of_other_scripts_are_a_problem_not_a_crash(placement):
    record = load(["INV1,PRV1,PL1,2024-04-01,2024-04-30,١٢,\n"])
    assert reasons(record) == [
        (2, "amount", "١٢", "is not an amount of money (e.g. £1,234.50)")]


def test_text_keeps_empty_strings_quotes_and_commas_through_copy():
    from placements.models import Provider

    text = ("provider_ref,name,urn,provision_type,in_county,places\n"
            'PRV7,"Ashcombe ""Special"", School\nAnnexe",,special_independent,no,\n'
            'PRV8,\\N,"",special_independent,yes,3\n')
    record = run_import(kind="providers", data=text.encode(), file_name="p.csv")
    assert record.status == "succeeded", record.problems
    got = list(Provider.objects.filter(ref__in=["PRV7", "PRV8"]).order_by("ref").values_list(
        "name", "urn", "places"))
    assert got == [('Ashcombe "Special", School\nAnnexe', "", None), ("\\N", "", 3)]


def test_the_history_table_keeps_the_indexes_its_readers_use():
    table = Invoice.history.model._meta.db_table
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    indexed = {tuple(c["columns"]) for c in constraints.values() if c["index"]}
    # id: an invoice's history; history_date and history_user_id: the audit trail.
    assert {("id",), ("history_date",), ("history_user_id",)} <= indexed
    assert not indexed & {("ref",), ("provider_id",), ("placement_id",), ("created_by_id",),
                          ("updated_by_id",)}


def test_money_parsing_matches_the_rules_cell_by_cell():
    from send_tracker.imports.columns import Column, parse_column

    cells = ["1", "1.5", "-1.05", "(1,234.56)", " £ 12.3 ", "£-5", "(5)", "1,000,000.99", "0.07",
             "abc", "1.234", "12.", ".5", "--1", "1e5", ""]
    parsed, empty = parse_column(pd.Series(cells, dtype="str"), Column("a", "money"))
    assert parsed.values.tolist() == [100, 150, -105, -123456, 1230, -500, -500, 100000099, 7,
                                      0, 0, 0, 0, 0, 0, None]
    assert parsed.bad.tolist() == [False] * 9 + [True] * 6 + [False]
    assert empty.tolist() == [False] * 15 + [True]


def test_money_with_unusual_spaces_and_zeros_reads_as_before():
    # Plain amounts skip Python's regex; these cells take it (its \s knows every space).
    from send_tracker.imports.columns import Column, bounds_masks, parse_column

    cells = ["1\u00a0234.50", "\u2009£12", "0000000000000012.30", "(1 234)", "1234.5",
             "£1,234.50", "12345678901", "1\t000", "£\u30001.5", "1.2.3", "-0.01"]
    column = Column("a", "money")
    parsed, empty = parse_column(pd.Series(cells, dtype="str"), column)
    assert parsed.values.tolist() == [123450, 1200, 1230, -123400, 123450, 123450,
                                      100_000_000_100, 100000, 150, 0, -1]
    assert parsed.bad.tolist() == [False] * 9 + [True, False]
    (_, low), (too_high, high) = bounds_masks(parsed.values.where(~parsed.bad, None), column)
    assert too_high.tolist() == [False] * 6 + [True] + [False] * 4
    assert (low, high) == ("must be at least -£1,000,000,000", "must be at most £1,000,000,000")


def test_a_column_of_iso_and_uk_dates_reads_both(placement):
    rows = ["INV1,PRV1,PL1,2024-04-01,30/04/2024,1,2024-05-14 00:00:00\n",
            "INV2,PRV1,PL1,1/4/2024,2024-04-30,1,\n",
            "INV3,PRV1,PL1,2024-04-01,31/02/2024,1,\n"]
    record = load(rows)
    assert reasons(record) == [(4, "period_end", "31/02/2024",
                                "is not a date between 2000 and 2100 (write 31/03/2025 or "
                                "2025-03-31)")]
    record = load(rows[:2])
    assert record.status == "succeeded", record.problems
    assert list(Invoice.objects.order_by("ref").values_list(
        "period_start", "period_end", "paid_date")) == [
        (D(2024, 4, 1), D(2024, 4, 30), D(2024, 5, 14)), (D(2024, 4, 1), D(2024, 4, 30), None)]


def test_each_invoice_index_is_one_a_query_reads_and_the_ref_stays_unique(placement):
    """Every index is written for each of an import's rows: the invoice table keeps those its
    readers use, not the LIKE-prefix twin of the ref's unique index nor ones on who wrote a row
    (nothing reads invoices by created_by or updated_by). The ref is still unique: a second
    invoice with a ref taken is refused by the database."""
    from django.db import IntegrityError, transaction

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'placements_invoice'")
        columns = sorted(d.split("(", 1)[1].rstrip(")") for (d,) in cursor.fetchall())
    assert columns == ["id", "paid_date", "period_start, ref, id", "placement_id, period_start, "
                       "period_end", "provider_id", "ref"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT conrelid::regclass::text, a.attname FROM pg_constraint c "
                       "JOIN pg_attribute a "
                       "ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey) "
                       "WHERE c.contype = 'f' AND c.conrelid::regclass::text IN "
                       "('placements_invoice', 'placements_historicalinvoice')")
        foreign_keys = sorted(cursor.fetchall())
    # The invoice's own keys are checked by the database; its history's user (as its copies of
    # created_by and updated_by) is not: a check per history row at commit.
    assert foreign_keys == [("placements_invoice", name) for name in (
        "created_by_id", "placement_id", "provider_id", "updated_by_id")]
    load(invoice_rows(1))
    first = Invoice.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.create(ref=first.ref, provider=first.provider, placement=placement,
                               period_start=D(2024, 5, 1), period_end=D(2024, 5, 31),
                               amount_pence=1)
