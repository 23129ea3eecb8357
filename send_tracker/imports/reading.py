"""Reading an uploaded file into a frame of text cells: CSV in any of Excel's encodings, or XLSX.

Nothing here interprets values; it only turns bytes into rows and refuses what is unsafe.
"""

from __future__ import annotations

import io
import zipfile

import pandas as pd
from django.conf import settings

# An XLSX is a zip: refuse one that would inflate past this (a "zip bomb").
MAX_XLSX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
ACCEPTED_EXTENSIONS = (".csv", ".xlsx")


class FileRejected(Exception):
    """The file as a whole cannot be read; the message says why in plain words."""


def _decode(data: bytes) -> str:
    # Excel writes UTF-8 with a BOM ("CSV UTF-8") or Windows-1252 ("CSV"); try them in that order.
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRejected(
        "The file is not readable text: save it from Excel as 'CSV UTF-8' or as an .xlsx workbook."
    )


def _check_xlsx_safe(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            total = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise FileRejected("The file is named .xlsx but is not an Excel workbook.") from exc
    if total > MAX_XLSX_UNCOMPRESSED_BYTES:
        raise FileRejected("The workbook expands to more than 200 MB: split it into smaller files.")
    if any(name.lower().endswith(".bin") and "vba" in name.lower() for name in names):
        raise FileRejected("The workbook contains macros: save it as a plain .xlsx without macros.")


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


def read_table(data: bytes, file_name: str) -> pd.DataFrame:
    """The file's first sheet or table as text cells, header row as column names."""
    name = file_name.lower()
    if not name.endswith(ACCEPTED_EXTENSIONS):
        raise FileRejected(f"'{file_name}' is not a CSV or XLSX file. Upload a .csv or .xlsx file.")
    if not data or not data.strip():
        raise FileRejected(f"'{file_name}' is empty.")
    if len(data) > settings.IMPORT_MAX_BYTES:
        limit_mb = settings.IMPORT_MAX_BYTES // (1024 * 1024)
        raise FileRejected(f"'{file_name}' is larger than the {limit_mb} MB limit: split it.")
    try:
        if name.endswith(".xlsx"):
            _check_xlsx_safe(data)
            # openpyxl never runs macros or evaluates formulas; cached values are read as text.
            frame = pd.read_excel(
                io.BytesIO(data),
                sheet_name=0,
                dtype=str,
                keep_default_na=False,
                engine="openpyxl",
            )
        else:
            frame = _read_csv(_decode(data))
    except FileRejected:
        raise
    except pd.errors.EmptyDataError as exc:
        raise FileRejected(f"'{file_name}' has no header row.") from exc
    except (ValueError, pd.errors.ParserError) as exc:
        raise FileRejected(f"'{file_name}' could not be read as a table: {exc}") from exc
    frame.columns = [str(c).replace("\ufeff", "").strip().lower() for c in frame.columns]
    # Drop rows Excel leaves entirely blank at the end of a sheet.
    if len(frame):
        blank = frame.apply(lambda col: col.astype(str).str.strip() == "").all(axis=1)
        frame = frame.loc[~blank]
    if frame.empty:
        raise FileRejected(f"'{file_name}' has a header row but no data rows.")
    return frame
