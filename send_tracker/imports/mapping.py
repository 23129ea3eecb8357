"""A council's own extracts: map the columns of their file to a format's, save it, reuse it.

At upload time (in the web request) only the header and the first few rows are read
(`read_head`, bounded in bytes, rows and columns). If the header is not ours and no saved
mapping has the same set of column names, the user maps their columns on the mapping step
(suggested by `suggest`, previewed by `mapping_preview`) and saves it (`column_mapping_create`).
`mapping_apply` is the hook in `run_import`: it renames a file's columns to ours through the
saved mapping that matches its header, before the format's checks, and `ColumnNames` turns our
column names in the problem report back into the user's, so every rule of the import (all or
nothing, Excel row numbers, the upsert) holds through a mapping unchanged.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import Lower

from send_tracker.history import history_records
from send_tracker.imports.columns import Column
from send_tracker.imports.core import ROW, ImportFormat, Problems, parse_frame
from send_tracker.imports.reading import (
    ACCEPTED_EXTENSIONS,
    FileRejected,
    _check_xlsx_safe,
    _decode,
)
from send_tracker.models import ColumnMapping, ImportRecord
from send_tracker.money import format_pounds

# What the mapping step reads of a file: the header and this many rows, from at most this many
# bytes of a CSV; a header wider or with longer names than these is refused, not rendered.
HEAD_ROWS = 5
HEAD_BYTES = 512 * 1024
MAX_COLUMNS = 300
MAX_NAME_LENGTH = 200


class HeaderRejected(FileRejected):
    """A header the mapping step will not offer (too wide, names too long)."""


def normalise(name: Any) -> str:
    """A column name as headers are compared: no BOM, trimmed, single spaces, lower case."""
    return " ".join(str(name).replace("\ufeff", "").split()).lower()


def header_key(names: Iterable[Any]) -> str:
    """The same digest for the same set of column names, whatever their order or case."""
    return hashlib.sha256("\n".join(sorted({normalise(n) for n in names})).encode()).hexdigest()


# --- reading the head of a file ----------------------------------------------------------


@dataclass
class Head:
    """The header as the user wrote it and the first rows as text, keyed by normalised name."""

    header: list[str]
    frame: pd.DataFrame


def read_head(data: bytes, file_name: str) -> Head:
    """The header and first HEAD_ROWS rows of a file, reading no more of a CSV than HEAD_BYTES.

    `data` may be just the start of the file (a CSV is cut at its last whole line).
    """
    name = file_name.lower()
    if not name.endswith(ACCEPTED_EXTENSIONS) or not data.strip():
        raise FileRejected(f"'{file_name}' is not a CSV or XLSX file with a header row.")
    try:
        if name.endswith(".xlsx"):
            _check_xlsx_safe(data)
            frame = pd.read_excel(io.BytesIO(data), sheet_name=0, dtype=str,
                                  keep_default_na=False, engine="openpyxl", nrows=HEAD_ROWS)
        else:
            chunk = data[:HEAD_BYTES]
            if len(data) > HEAD_BYTES:
                cut = chunk.rfind(b"\n")
                if cut < 0:
                    raise HeaderRejected(
                        f"The header row of '{file_name}' is longer than "
                        f"{HEAD_BYTES // 1024} KB: is it the right file?")
                chunk = chunk[:cut + 1]
            text = _decode(chunk)
            # Count the header's cells before pandas builds a frame of them (10,000 take 2 s).
            try:
                first = next(csv.reader(io.StringIO(text)), [])
            except csv.Error as exc:  # a cell past csv's 128 KB field limit
                raise HeaderRejected(
                    f"The header row of '{file_name}' has a name too long to read.") from exc
            _check_header(first, file_name)
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                                skip_blank_lines=True, engine="c", nrows=HEAD_ROWS)
    except FileRejected:
        raise
    except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise FileRejected(f"'{file_name}' could not be read as a table.") from exc
    header = [str(c).replace("\ufeff", "").strip() for c in frame.columns]
    _check_header(header, file_name)
    frame.columns = [normalise(c) for c in header]
    frame = frame.loc[:, ~frame.columns.duplicated()].reset_index(drop=True)
    if len(frame):
        blank = frame.apply(lambda col: col.astype(str).str.strip() == "").all(axis=1)
        frame = frame.loc[~blank]  # the index keeps each row's place, for its Excel number
    if frame.empty:
        raise FileRejected(f"'{file_name}' has a header row but no data rows.")
    return Head(header=header, frame=frame)


def _check_header(header: list[str], file_name: str) -> None:
    """Refuse a header too wide, or with names too long, to offer on the mapping step."""
    if len(header) > MAX_COLUMNS:
        raise HeaderRejected(
            f"'{file_name}' has {len(header):,} columns; a mapping can use a file of at most "
            f"{MAX_COLUMNS}. Remove the columns you do not need and upload it again.")
    for number, column in enumerate(header, start=1):
        if len(column.strip()) > MAX_NAME_LENGTH:
            raise HeaderRejected(
                f"Column {number} of '{file_name}' has a name longer than {MAX_NAME_LENGTH} "
                "characters: shorten it and upload the file again.")


def is_our_header(fmt: ImportFormat, names: Iterable[str]) -> bool:
    """True when every column of the format is in the file under its own name."""
    return {c.name for c in fmt.columns} <= {normalise(n) for n in names}


# --- selectors ---------------------------------------------------------------------------


def column_mapping_for_header(*, kind: str, names: Iterable[str]) -> ColumnMapping | None:
    """The live mapping of this kind saved for a header with exactly these column names."""
    return ColumnMapping.objects.filter(
        kind=kind, header_key=header_key(names), archived=False
    ).first()


def column_mappings_list() -> QuerySet[ColumnMapping]:
    """Every mapping, live ones first, with how often and when it was last used."""
    return (
        ColumnMapping.objects.select_related("created_by")
        .annotate(uses=Count("imports"), last_used=Max("imports__created_at"))
        .order_by("archived", "kind", Lower("name"))
    )


def column_mapping_history(mapping: ColumnMapping) -> list[dict]:
    """Each change to a mapping, newest first: when, who, and what changed in words."""
    entries = []
    for entry in history_records(ColumnMapping, Q(id=mapping.pk), limit=None,
                                 fields={"name": "Name", "archived": "Archived"}):
        old, new = entry["old"], entry["new"]
        if old is None:
            changes = [f"Saved as '{new['name']}'"]
        else:
            changes = []
            if new["name"] != old["name"]:
                changes.append(f"Renamed from '{old['name']}' to '{new['name']}'")
            if new["archived"] != old["archived"]:
                changes.append("Archived" if new["archived"] else "Brought back into use")
        if changes:
            entries.append({"when": entry["when"], "who": entry["who"], "changes": changes})
    return entries


# --- services ----------------------------------------------------------------------------


def _clean_name(name: str) -> str:
    return " ".join((name or "").split())


def _name_taken(*, kind: str, name: str, exclude: int | None = None) -> bool:
    others = ColumnMapping.objects.filter(kind=kind, archived=False, name__iexact=name)
    return others.exclude(pk=exclude).exists() if exclude else others.exists()


def column_mapping_errors(
    *, fmt: ImportFormat, header: list[str], columns: dict[str, str]
) -> dict[str, list[str]]:
    """Why a choice of columns cannot be saved: by our column name (empty when it can)."""
    display = {normalise(h): h for h in header}
    chosen = {c.name: normalise(columns[c.name]) for c in fmt.columns if columns.get(c.name)}
    errors: dict[str, list[str]] = defaultdict(list)
    for column in fmt.columns:
        theirs = chosen.get(column.name)
        if theirs is None and column.required:
            errors[column.name].append(
                f"Choose the column of your file that holds {column.name}: it is required")
        elif theirs is not None and theirs not in display:
            errors[column.name].append(f"Your file has no column '{columns[column.name]}'")
    by_theirs: dict[str, list[str]] = defaultdict(list)
    for ours, theirs in chosen.items():
        by_theirs[theirs].append(ours)
    for theirs, ours in by_theirs.items():
        if len(ours) > 1:
            for name in ours:
                errors[name].append(
                    f"'{display.get(theirs, theirs)}' is chosen for {' and '.join(ours)}: "
                    "choose each column of your file once")
    return dict(errors)


@transaction.atomic
def column_mapping_create(
    *, kind: str, name: str, header: list[str], columns: dict[str, str], user
) -> ColumnMapping:
    """Save a mapping of a file's header to a format; refused whole with every reason."""
    from send_tracker.imports.core import get_format

    fmt = get_format(kind)
    errors = column_mapping_errors(fmt=fmt, header=header, columns=columns)
    name = _clean_name(name)
    if not name:
        errors["name"] = ["Enter a name for the mapping"]
    elif _name_taken(kind=kind, name=name):
        errors["name"] = [f"A mapping called '{name}' already exists: choose another name"]
    existing = column_mapping_for_header(kind=kind, names=header)
    if existing is not None:
        errors[NON_FIELD_ERRORS] = [
            f"The mapping '{existing.name}' already reads files with this header"]
    if errors:
        raise ValidationError(errors)
    mapping = ColumnMapping(
        kind=kind,
        name=name,
        header=list(header),
        header_key=header_key(header),
        columns={c.name: normalise(columns[c.name]) for c in fmt.columns if columns.get(c.name)},
        created_by=user,
        updated_by=user,
    )
    mapping.full_clean()
    try:
        with transaction.atomic():
            mapping.save()
    except IntegrityError as exc:  # saved by someone else between the check and the insert
        raise ValidationError(
            {NON_FIELD_ERRORS: ["A mapping for this header or with this name was saved "
                                "just now: upload the file again to use it"]}) from exc
    return mapping


@transaction.atomic
def column_mapping_rename(*, mapping: ColumnMapping, name: str, user) -> ColumnMapping:
    """Give a mapping a new name, unique among the live mappings of its kind."""
    name = _clean_name(name)
    if not name:
        raise ValidationError({"name": ["Enter a name for the mapping"]})
    if not mapping.archived and _name_taken(kind=mapping.kind, name=name, exclude=mapping.pk):
        raise ValidationError(
            {"name": [f"A mapping called '{name}' already exists: choose another name"]})
    mapping.name = name
    mapping.updated_by = user
    mapping.full_clean()
    mapping.save()
    return mapping


@transaction.atomic
def column_mapping_archive(*, mapping: ColumnMapping, user) -> ColumnMapping:
    """Stop using a mapping: files with its header go to the mapping step again."""
    mapping.archived = True
    mapping.updated_by = user
    mapping.full_clean()
    mapping.save()
    return mapping


# --- applying a mapping ------------------------------------------------------------------


class ColumnNames:
    """Our column names back into the user's, for the problems an import reports."""

    def __init__(self, mapping: ColumnMapping) -> None:
        display = {normalise(h): h for h in mapping.header}
        self.theirs = {ours: display.get(t, t) for ours, t in mapping.columns.items()}
        # Other columns named inside a reason ("is before start_date"): only names with an
        # underscore, so plain words ("an amount of money") are never rewritten.
        named = sorted((o for o in self.theirs if "_" in o), key=len, reverse=True)
        self._pattern = re.compile(r"\b(" + "|".join(map(re.escape, named)) + r")\b") \
            if named else None

    def problems(self, items: list[dict]) -> list[dict]:
        out = []
        for item in items:
            reason = item["reason"]
            if self._pattern is not None:
                reason = self._pattern.sub(lambda m: f"'{self.theirs[m.group(1)]}'", reason)
            out.append({**item, "column": self.theirs.get(item["column"], item["column"]),
                        "reason": reason})
        return out


def _renamed(frame: pd.DataFrame, fmt: ImportFormat, columns: dict[str, str]) -> pd.DataFrame:
    """The frame with our column names; unmapped columns of ours empty, the rest kept."""
    by_name = {normalise(c): c for c in frame.columns}
    out = pd.DataFrame(index=frame.index)
    ours = {c.name for c in fmt.columns}
    for column in fmt.columns:
        source = by_name.get(columns.get(column.name, ""))
        out[column.name] = frame[source] if source is not None else ""
    used = set(columns.values())
    for name in frame.columns:
        if normalise(name) not in used and name not in ours:
            out[name] = frame[name]  # an extra column: ignored with a warning, as without one
    return out


def mapping_apply(
    frame: pd.DataFrame, *, fmt: ImportFormat, record: ImportRecord
) -> tuple[pd.DataFrame, ColumnNames | None]:
    """Hook in run_import: a foreign header read through its saved mapping, noted on the record."""
    if is_our_header(fmt, frame.columns):
        return frame, None
    mapping = column_mapping_for_header(kind=fmt.kind, names=frame.columns)
    if mapping is None:
        return frame, None
    record.column_mapping = mapping
    return _renamed(frame, fmt, mapping.columns), ColumnNames(mapping)


# --- the preview -------------------------------------------------------------------------


def _shown(value: Any, column: Column) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if column.kind == "money":
        return format_pounds(int(value), places=2)
    if column.kind == "date":
        return value.strftime("%-d %b %Y")
    if column.kind == "bool":
        return "Yes" if value else "No"
    if column.kind == "pct":
        return f"{value}%"
    if column.kind == "year":
        return f"{int(value)}/{(int(value) + 1) % 100:02d}"
    return str(value)


def mapping_preview(fmt: ImportFormat, head: Head, columns: dict[str, str]) -> list[dict]:
    """The first rows as the import will read them through `columns`, each cell's problems."""
    frame = _renamed(head.frame, fmt, {k: normalise(v) for k, v in columns.items() if v})
    frame = frame[[c.name for c in fmt.columns]]
    problems = Problems()
    parsed = parse_frame(frame, fmt, problems)
    fmt.check(parsed, problems)
    found: dict[tuple[int, str], list[str]] = defaultdict(list)
    for item in problems.items:
        found[(item["row"], item["column"])].append(item["reason"])
    rows = []
    for index, row in enumerate(parsed[ROW].tolist()):
        cells = []
        for c in fmt.columns:
            reasons = found.get((row, c.name), [])
            # A cell with a problem is shown as written, a good one as it will be read.
            shown = str(frame[c.name].iloc[index]) if reasons else _shown(
                parsed[c.name].iloc[index], c)
            cells.append({"column": c.name, "value": shown, "problems": reasons})
        rows.append({"row": row, "cells": cells})
    return rows
