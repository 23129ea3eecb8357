"""Reading an uploaded file into a frame of text cells: CSV in any of Excel's encodings, or XLSX.

Nothing here interprets values; it only turns bytes into rows and refuses what is unsafe.
Every limit (settings.IMPORT_MAX_*) is checked while reading, before anything is parsed, and
the message names it: a file cannot make a worker read, inflate or hold more than the limits.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass

import pandas as pd
from django.conf import settings
from django.template.defaultfilters import filesizeformat

ACCEPTED_EXTENSIONS = (".csv", ".xlsx")
# Control characters other than tab, line feed and carriage return: never in a real cell.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_INFLATE_CHUNK = 1024 * 1024


class FileRejected(Exception):
    """The file as a whole cannot be read; the message says why in plain words."""


@dataclass(frozen=True)
class Limits:
    """What one import may read, from settings (IMPORT_MAX_*)."""

    bytes: int
    inflated_bytes: int
    cells: int
    rows: int
    columns: int
    cell_chars: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            bytes=settings.IMPORT_MAX_BYTES,
            inflated_bytes=settings.IMPORT_MAX_INFLATED_BYTES,
            cells=settings.IMPORT_MAX_CELLS,
            rows=settings.IMPORT_MAX_ROWS,
            columns=settings.IMPORT_MAX_COLUMNS,
            cell_chars=settings.IMPORT_MAX_CELL_CHARS,
        )


def _size(n: int) -> str:
    return str(filesizeformat(n)).replace("\xa0", " ")


def _decode(data: bytes) -> str:
    # UTF-16 only with its byte-order mark (Excel's "Unicode text"); then Excel's two CSVs:
    # UTF-8 with a BOM ("CSV UTF-8") or Windows-1252 ("CSV"), tried in that order.
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise FileRejected(
                "The file starts as UTF-16 text but is not valid UTF-16: save it from Excel "
                "as 'CSV UTF-8'."
            ) from exc
    if data.count(b"\x00") * 4 > len(data):
        raise FileRejected(
            "The file looks like UTF-16 text without its byte-order mark: save it from Excel "
            "as 'CSV UTF-8'."
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRejected(
        "The file is not readable text: save it from Excel as 'CSV UTF-8' or as an .xlsx workbook."
    )


def _check_xlsx_safe(data: bytes, limits: Limits | None = None) -> None:
    """A real workbook, without macros, that inflates to no more than the limit.

    Also called by the mapping step's header reader, with the settings' limits.

    The sizes a zip declares can lie, so every part is decompressed and counted, stopping at
    the limit (nothing inflated is kept).
    """
    limits = limits or Limits.from_settings()
    not_excel = "The file is named .xlsx but is not an Excel file (an .xlsx workbook)."
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = [info.filename.lower() for info in infos]
            if "xl/workbook.xml" not in names or "[content_types].xml" not in names:
                raise FileRejected(not_excel)
            if any(name.endswith(".bin") and "vba" in name for name in names):
                raise FileRejected(
                    "The workbook contains macros: save it as a plain .xlsx without macros."
                )
            too_big = (
                f"The workbook inflates to more than the {_size(limits.inflated_bytes)} limit "
                "when opened: delete unused rows and columns, split it, or save it as CSV."
            )
            if sum(info.file_size for info in infos) > limits.inflated_bytes:
                raise FileRejected(too_big)
            total = cells = 0
            for info in infos:
                # Cells of the sheets are counted in the same pass (in C, a fraction of the
                # inflation's time): a sheet of millions of empty cells is refused before
                # openpyxl builds one of them. The tail of a chunk joins the next, so a tag
                # split between two chunks counts once.
                is_sheet = info.filename.lower().startswith("xl/worksheets/")
                tail = b""
                with archive.open(info) as part:
                    while chunk := part.read(_INFLATE_CHUNK):
                        total += len(chunk)
                        if total > limits.inflated_bytes:
                            raise FileRejected(too_big)
                        if is_sheet:
                            window = tail + chunk
                            cells += _cell_tags(window) - _cell_tags(tail)
                            tail = window[-2:]
                            if cells > limits.cells:
                                raise FileRejected(_too_many_cells(limits))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        raise FileRejected(not_excel) from exc
    except (OSError, ValueError) as exc:  # a corrupt part (bad CRC, truncated stream)
        raise FileRejected(f"{not_excel} It is damaged: {exc}") from exc


def _cell_text(value: object) -> str:
    """A cell's value as pandas' read_excel(dtype=str) wrote it (the parsers expect that)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return str(pd.Timestamp(value))
    return str(value)


def _read_xlsx(data: bytes, limits: Limits) -> pd.DataFrame:
    """The first sheet, counting rows and cells as they are read and stopping at the limits.

    The sheet's declared dimension is ignored (it can lie either way): rows are read as stored.
    """
    from openpyxl import load_workbook

    # openpyxl never runs macros or evaluates formulas; cached values are read.
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()
        rows: list[list[str]] = []
        cells = 0
        width = 0
        for values in sheet.iter_rows(values_only=True):
            cells += len(values)
            if cells > limits.cells:
                raise FileRejected(_too_many_cells(limits))
            if len(rows) > limits.rows:  # the header row plus the limit of data rows
                raise FileRejected(_too_many_rows(limits))
            last = len(values)
            while last and (values[last - 1] is None or values[last - 1] == ""):
                last -= 1
            if last > limits.columns:
                raise FileRejected(_too_many_columns(last, limits))
            width = max(width, last)
            rows.append([_cell_text(v) for v in values[:last]])
    finally:
        book.close()
    if not rows:
        raise pd.errors.EmptyDataError("no header row")
    header = rows[0] + [""] * (width - len(rows[0]))
    names = [h if h.strip() else f"Unnamed: {i}" for i, h in enumerate(header)]
    body = [row + [""] * (width - len(row)) for row in rows[1:]]
    return pd.DataFrame(body, columns=_unique(names), dtype=object)


def _unique(names: list[str]) -> list[str]:
    """Duplicate headers as pandas names them: 'amount', 'amount.1'."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        count = seen.get(name, 0)
        seen[name] = count + 1
        out.append(name if count == 0 else f"{name}.{count}")
    return out


def _cell_tags(xml: bytes) -> int:
    """Cells (`<c .../>` or `<c>…</c>`) in a piece of sheet XML."""
    return xml.count(b"<c ") + xml.count(b"<c>") + xml.count(b"<c/")


def _too_many_cells(limits: Limits) -> str:
    return (
        f"The workbook holds more than {limits.cells:,} cells (the limit), counting the empty "
        "cells Excel keeps: delete unused rows and columns, or save it as CSV."
    )


def _too_many_rows(limits: Limits) -> str:
    return f"The file has more than {limits.rows:,} data rows (the limit): split it."


def _too_many_columns(found: int, limits: Limits) -> str:
    return (
        f"The file has {found:,} columns; the limit is {limits.columns:,}. Delete the columns "
        "the format does not use and upload it again."
    )


def _check_csv_shape(text: str, limits: Limits) -> None:
    """Columns of the header and a count of lines, before pandas reads a cell."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader, [])
    except csv.Error:  # a header cell longer than csv's field limit: not a header
        raise FileRejected("The first row is not a header row of column names.") from None
    if len(header) > limits.columns:
        raise FileRejected(_too_many_columns(len(header), limits))
    # Lines are an upper bound on rows (a quoted cell may hold a line break).
    if text.count("\n") - 1 > limits.rows and len(text.splitlines()) - 1 > limits.rows:
        raise FileRejected(_too_many_rows(limits))


def _read_csv(text: str) -> pd.DataFrame:
    """CSV text as a frame of text cells.

    pyarrow's multi-threaded reader first (a third of the C engine's time for 100,000 rows);
    it refuses what the C engine tolerates (a row with more or fewer cells than the header),
    so any file it cannot read goes to the C engine, which reads it, or explains why not,
    exactly as before.
    """
    try:
        return pd.read_csv(
            io.BytesIO(text.encode("utf-8")), dtype=str, keep_default_na=False, engine="pyarrow"
        )
    except Exception:  # noqa: BLE001 - the C engine below reads it or says why
        return pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=True, engine="c"
        )


def read_table(data: bytes, file_name: str, *, limits: Limits | None = None) -> pd.DataFrame:
    """The file's first sheet or table as text cells, header row as column names."""
    limits = limits or Limits.from_settings()
    name = file_name.lower()
    if not name.endswith(ACCEPTED_EXTENSIONS):
        raise FileRejected(f"'{file_name}' is not a CSV or XLSX file. Upload a .csv or .xlsx file.")
    if not data or not data.strip():
        raise FileRejected(f"'{file_name}' is empty.")
    if len(data) > limits.bytes:
        raise FileRejected(
            f"'{file_name}' is larger than the {_size(limits.bytes)} limit: split it."
        )
    try:
        if name.endswith(".xlsx"):
            _check_xlsx_safe(data, limits)
            frame = _read_xlsx(data, limits)
        else:
            text = _decode(data)
            _check_csv_shape(text, limits)
            frame = _read_csv(text)
    except FileRejected:
        raise
    except pd.errors.EmptyDataError as exc:
        raise FileRejected(f"'{file_name}' has no header row.") from exc
    except (ValueError, pd.errors.ParserError) as exc:
        raise FileRejected(f"'{file_name}' could not be read as a table: {exc}") from exc
    if len(frame) > limits.rows:
        raise FileRejected(_too_many_rows(limits))
    frame.columns = [str(c).replace("\ufeff", "").strip().lower() for c in frame.columns]
    # Drop rows Excel leaves entirely blank at the end of a sheet.
    if len(frame):
        blank = frame.apply(lambda col: col.astype(str).str.strip() == "").all(axis=1)
        frame = frame.loc[~blank]
    if frame.empty:
        raise FileRejected(f"'{file_name}' has a header row but no data rows.")
    return frame


def cell_problems(frame: pd.DataFrame, columns: list[str], *, limits: Limits | None = None):
    """(index, column, value, reason) for each cell too long or holding a control character.

    Checked on the columns the format reads, before they are parsed.
    """
    limits = limits or Limits.from_settings()
    for column in columns:
        if column not in frame.columns:
            continue
        raw = frame[column].astype(str)
        too_long = raw.str.len() > limits.cell_chars
        for index in raw.index[too_long]:
            yield index, column, raw.loc[index], (
                f"is longer than {limits.cell_chars:,} characters (Excel's limit for a cell)"
            )
        control = ~too_long & raw.str.contains(CONTROL_CHARS, regex=True)
        for index in raw.index[control]:
            char = CONTROL_CHARS.search(raw.loc[index]).group()
            code = f"U+{ord(char):04X}" + (" NUL" if char == "\x00" else "")
            yield index, column, CONTROL_CHARS.sub("?", raw.loc[index]), (
                f"contains a control character ({code}) that no real value has: retype the "
                "cell or save the file again from Excel"
            )
