"""CSV and Excel exports, safe against formula injection (cells starting =, +, -, @ are quoted).

The one writer of both: money goes out as exact pounds (numbers, not text), in Excel with one
money format; every download is a csv_response or an xlsx_response.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from send_tracker.money import to_pounds

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe.

    Numbers stay numbers (a negative amount is data, not a formula).
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_response(
    filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """A CSV download (UTF-8 with BOM, so Excel reads £ correctly)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([safe_cell(h) for h in headers])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return response


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Whole pounds with a £ sign: every workbook's money cells, so they sum and sort in Excel.
MONEY_FORMAT = "£#,##0"


@dataclass(frozen=True)
class Money:
    """A cell value in pence, written as exact pounds (a number) with MONEY_FORMAT."""

    pence: int | None


@dataclass(frozen=True)
class Sheet:
    """One worksheet: a bold header row, then rows; `heading` puts a title line above them."""

    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Any]]
    heading: str = ""
    bold_last_row: bool = False


def _write_sheet(ws, sheet: Sheet) -> None:
    if sheet.heading:
        ws.append([safe_cell(sheet.heading)])
        ws["A1"].font = Font(bold=True, size=14)
        ws.append([])
    ws.append([safe_cell(h) for h in sheet.headers])
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
    for row in sheet.rows:
        ws.append([safe_cell(to_pounds(v.pence) if isinstance(v, Money) else v) for v in row])
        for i, value in enumerate(row, start=1):
            if isinstance(value, Money):
                ws.cell(row=ws.max_row, column=i).number_format = MONEY_FORMAT
    if sheet.bold_last_row and sheet.rows:
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
    for i, header in enumerate(sheet.headers, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(14, min(len(str(header)) + 4, 60))
    ws.column_dimensions["A"].width = 48
    ws.freeze_panes = f"A{header_row + 1}"


def xlsx_bytes(sheets: Iterable[Sheet]) -> bytes:
    """A workbook of the given sheets as .xlsx bytes (text cells defused by safe_cell)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        _write_sheet(workbook.create_sheet(sheet.title[:31]), sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename: str, sheets: Iterable[Sheet]) -> HttpResponse:
    """An Excel download of the given sheets."""
    response = HttpResponse(xlsx_bytes(sheets), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
