"""The import pipeline every format shares: read, check columns, parse, check rules, write.

All-or-nothing: any problem in any row means nothing is written, and every problem is
reported as (row as Excel numbers it, column, value, reason). A clean file is written in one
transaction by the format's `write`, normally through `upsert` on its natural key, so importing
the same file twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pandas as pd
from django.db import transaction
from django.db.models import Max
from django.db.models.functions import Coalesce
from django.utils import timezone

from send_tracker.imports.columns import Column, bounds_masks, column_bounds, parse_column
from send_tracker.imports.reading import FileRejected, cell_problems, read_table
from send_tracker.models import ImportRecord

logger = logging.getLogger(__name__)

# Problems stored on the record and shown on the page; the count covers all of them.
MAX_PROBLEMS_STORED = 1000
# The header is row 1 in Excel, so the first data row is row 2.
FIRST_DATA_ROW = 2
ROW = "_row"


@dataclass
class WriteResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Notes for the import record (e.g. names a lookup could not match); not problems.
    warnings: list[str] = field(default_factory=list)


class Problems:
    """Collects (row, column, value, reason) for a whole file."""

    def __init__(self, frame: pd.DataFrame | None = None) -> None:
        self.items: list[dict[str, Any]] = []
        self._frame = frame
        self.bad_rows: set[int] = set()

    def add(self, *, row: int | None, column: str, value: Any, reason: str) -> None:
        if row is not None:
            self.bad_rows.add(int(row))
        self.items.append({"row": row, "column": column, "value": _shown(value), "reason": reason})

    def where(
        self, mask: pd.Series, column: str, reason: str, *, values: pd.Series | None = None
    ) -> None:
        """One problem for every row where `mask` is true (NA counts as false)."""
        mask = mask.fillna(False).astype(bool) if mask.dtype != bool else mask
        if not mask.any():
            return
        frame = self._frame
        source = values if values is not None else frame.get(f"_raw_{column}", frame.get(column))
        rows = frame.loc[mask, ROW]
        shown = source.loc[mask] if source is not None else pd.Series("", index=rows.index)
        for row, value in zip(rows.tolist(), shown.tolist(), strict=True):
            self.add(row=row, column=column, value=value, reason=reason)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def sorted(self) -> list[dict[str, Any]]:
        return sorted(self.items, key=lambda p: (p["row"] or 0, p["column"]))


def _shown(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "…"


class ImportFormat:
    """A kind of file an app loads. Subclass, declare `columns`, and register it.

    `check(df, problems)` adds the format's own vectorised rules (cross-field, referential);
    `write(df, user=...)` writes a clean frame inside the import's transaction.
    Parsed frames keep each column's raw text as `_raw_<name>` for the problem report.
    """

    kind: ClassVar[str]
    label: ClassVar[str]
    columns: ClassVar[list[Column]]
    capability: ClassVar[str] = "import_files"
    # An example row for the downloadable template (column name → text as a user would type it).
    example: ClassVar[dict[str, str]] = {}
    description: ClassVar[str] = ""
    # How often the council loads this kind ("monthly"), or "" for a kind loaded only when it
    # changes: a kind whose last successful import is older than its cadence is due
    # (`imports_due`, the finance officer's tasks on the home page).
    cadence: ClassVar[str] = ""

    # The import being run, set by run_import before `write` (a format that records where
    # its rows came from links them to it).
    record: ImportRecord | None = None

    def read(self, data: bytes, file_name: str) -> pd.DataFrame:
        """The file as a frame of text cells; a format that takes another shape of file (a
        zip of several tables) overrides this and returns the frame its `columns` declare."""
        return read_table(data, file_name)

    def check(self, df: pd.DataFrame, problems: Problems) -> None:
        """The format's own rules; none by default."""

    def write(self, df: pd.DataFrame, *, user) -> WriteResult:
        raise NotImplementedError


REGISTRY: dict[str, type[ImportFormat]] = {}


def register(cls: type[ImportFormat]) -> type[ImportFormat]:
    """Class decorator: make a format available by its kind."""
    REGISTRY[cls.kind] = cls
    return cls


def get_format(kind: str) -> ImportFormat:
    """The registered format for a kind (each app's `imports` module registers its formats
    when Django starts: SendTrackerConfig.ready)."""
    try:
        return REGISTRY[kind]()
    except KeyError:
        known = ", ".join(sorted(REGISTRY)) or "none"
        raise FileRejected(f"'{kind}' is not a kind of import. Known kinds: {known}.") from None


def all_formats() -> list[ImportFormat]:
    return [REGISTRY[k]() for k in sorted(REGISTRY)]


CADENCES: dict[str, dt.timedelta] = {"monthly": dt.timedelta(days=31)}


def imports_due(*, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Each kind with a cadence whose last successful import is older than it (or that was
    never imported): the format, and when it last succeeded (None if never)."""
    now = now or timezone.now()
    with_cadence = [fmt for fmt in all_formats() if fmt.cadence]
    last = dict(
        ImportRecord.objects.filter(kind__in=[f.kind for f in with_cadence],
                                    status=ImportRecord.Status.SUCCEEDED)
        .values("kind").annotate(last=Max(Coalesce("finished_at", "created_at")))
        .values_list("kind", "last")
    )
    return [
        {"format": fmt, "last": last.get(fmt.kind)}
        for fmt in with_cadence
        if last.get(fmt.kind) is None or last[fmt.kind] < now - CADENCES[fmt.cadence]
    ]


def check_header(frame: pd.DataFrame, fmt: ImportFormat, problems: Problems) -> list[str]:
    """Missing columns are problems (with the nearest name found); extra ones are warnings."""
    expected = [c.name for c in fmt.columns]
    present = [c for c in frame.columns if not c.startswith("_")]
    warnings = []
    for name in expected:
        if name not in present:
            near = difflib.get_close_matches(name, present, n=1, cutoff=0.6)
            hint = f" (found '{near[0]}': is it misspelt?)" if near else ""
            problems.add(row=1, column=name, value="", reason=f"column is missing{hint}")
    # One warning for every ignored column together, however many there are.
    ignored = [name for name in present if name not in expected]
    if ignored:
        shown = ", ".join(f"'{name[:40]}'" for name in ignored[:10])
        more = f" and {len(ignored) - 10:,} more" if len(ignored) > 10 else ""
        noun = "column" if len(ignored) == 1 else "columns"
        warnings.append(
            f"{len(ignored):,} {noun} ignored (not part of the {fmt.label} format): "
            f"{shown}{more}."
        )
    return warnings


def parse_frame(frame: pd.DataFrame, fmt: ImportFormat, problems: Problems) -> pd.DataFrame:
    """Typed columns, plus `_raw_<name>` text, `_row` numbers, and a problem per bad cell."""
    parsed = pd.DataFrame(index=frame.index)
    parsed[ROW] = frame.index.to_numpy() + FIRST_DATA_ROW
    problems._frame = parsed
    for column in fmt.columns:
        raw = frame[column.name]
        parsed[f"_raw_{column.name}"] = raw
        result, empty = parse_column(raw, column)
        parsed[column.name] = result.values
        if column.required:
            problems.where(empty, column.name, "is required")
        problems.where(result.bad, column.name, result.reason)
        if column_bounds(column) != (None, None):
            ok = ~(result.bad | empty)
            for mask, reason in bounds_masks(result.values.where(ok, None), column):
                problems.where(mask & ok, column.name, reason)
        if column.unique:
            key = result.values.where(~empty, None)
            dupes = key.notna() & key.duplicated(keep=False)
            if dupes.any():
                first_rows = parsed.loc[dupes].groupby(key[dupes])[ROW].transform("min")
                for index in parsed.index[dupes]:
                    first = int(first_rows.loc[index])
                    row = int(parsed.loc[index, ROW])
                    other = f"row {first}" if first != row else "a later row"
                    problems.add(
                        row=row,
                        column=column.name,
                        value=raw.loc[index],
                        reason=f"appears more than once in the file (also {other})",
                    )
    return parsed


ProgressCallback = Callable[[int], None]


def run_import(
    *,
    kind: str,
    data: bytes,
    file_name: str,
    user=None,
    record: ImportRecord | None = None,
    progress: ProgressCallback | None = None,
) -> ImportRecord:
    """Import one file all-or-nothing and return its ImportRecord (status, counts, problems)."""
    report = progress or (lambda pct: None)
    clock = _PhaseClock()
    digest = hashlib.sha256(data).hexdigest()
    if record is None:
        record = ImportRecord.objects.create(
            kind=kind,
            file_name=file_name[:255],
            file_sha256=digest,
            file_bytes=len(data),
            uploaded_by=user if user is not None and user.is_authenticated else None,
        )
    record.status = ImportRecord.Status.RUNNING
    record.started_at = timezone.now()
    record.save(update_fields=["status", "started_at"])
    phase = _Phase("reading")
    try:
        return _run_phases(record, kind=kind, data=data, file_name=file_name, user=user,
                           report=report, clock=clock, phase=phase)
    except Exception as exc:  # noqa: BLE001 - whatever went wrong, the import must end, not hang
        # Any failure in any phase: nothing was written (the write is one transaction), and the
        # record says so in words the uploader can act on, instead of "running" forever.
        logger.exception("import %s of kind %s failed while %s", record.pk, kind, phase.name)
        return _fail(record, reason=_failure_reason(exc, phase.name))


@dataclass
class _Phase:
    name: str


def _failure_reason(exc: BaseException, phase: str) -> str:
    from celery.exceptions import SoftTimeLimitExceeded
    from django.conf import settings

    if isinstance(exc, SoftTimeLimitExceeded):
        minutes = max(1, settings.IMPORT_TASK_TIME_LIMIT // 60)
        return (
            f"The import took longer than the {minutes}-minute limit and was stopped while "
            f"{phase}; nothing was written. Split the file into smaller files and upload them."
        )
    if phase == "finishing":
        return (
            "The file was saved, but the import's record could not be completed. Check the "
            "data on its pages before uploading the file again, and tell support."
        )
    if phase == "saving":
        return "The import failed while saving; nothing was written. Try again, or tell support."
    return (
        f"The import failed while {phase} the file ({type(exc).__name__}); nothing was "
        "written. Check the file against the template and upload it again; if it fails again, "
        "tell support."
    )


def _fail(record: ImportRecord, *, reason: str) -> ImportRecord:
    """Mark the import failed with one problem; best effort if the database has gone too."""
    try:
        return _finish(
            record,
            status=ImportRecord.Status.FAILED,
            problems=[{"row": None, "column": "", "value": "", "reason": reason}],
        )
    except Exception:  # noqa: BLE001 - left running, the minute sweeper writes it off
        logger.exception("import %s could not be marked failed", record.pk)
        return record


def _run_phases(record: ImportRecord, *, kind, data, file_name, user, report, clock,
                phase: _Phase) -> ImportRecord:
    """read, check the header and cells, parse, check the rules, write: `phase` says which."""
    try:
        fmt = get_format(kind)
        frame = fmt.read(data, file_name)
    except FileRejected as exc:
        return _finish(
            record,
            status=ImportRecord.Status.REJECTED,
            problems=[{"row": None, "column": "", "value": "", "reason": str(exc)}],
        )
    record.rows_read = len(frame)
    clock.lap("read")
    report(10)
    # A council's own header is read through its saved column mapping; problems then name
    # their columns, not ours.
    from send_tracker.imports.mapping import mapping_apply

    frame, names = mapping_apply(frame, fmt=fmt, record=record)
    shown = names.problems if names is not None else (lambda items: items)
    problems = Problems()
    phase.name = "checking"
    warnings = check_header(frame, fmt, problems)
    record.warnings = warnings
    if problems:
        return _finish(record, status=ImportRecord.Status.REJECTED, problems=problems.sorted())
    expected = [c.name for c in fmt.columns]
    for index, column, value, reason in cell_problems(frame, expected):
        problems.add(row=int(index) + FIRST_DATA_ROW, column=column, value=value, reason=reason)
    if problems:
        return _rejected(record, problems, shown)
    phase.name = "parsing"
    parsed = parse_frame(frame, fmt, problems)
    clock.lap("parse")
    report(40)
    phase.name = "checking"
    fmt.check(parsed, problems)
    clock.lap("check")
    report(60)
    if problems:
        return _rejected(record, problems, shown)
    clean = parsed[[c.name for c in fmt.columns] + [ROW]]
    return _write(record, fmt, clean, kind=kind, user=user, report=report, clock=clock,
                  phase=phase)


def _rejected(record: ImportRecord, problems: Problems, shown) -> ImportRecord:
    """Refuse the file: the first MAX_PROBLEMS_STORED problems are kept, and their count."""
    record.rows_rejected = len(problems.bad_rows)
    return _finish(
        record,
        status=ImportRecord.Status.REJECTED,
        problems=shown(problems.sorted()[:MAX_PROBLEMS_STORED]),
        total_problems=len(problems),
    )


def _write(record: ImportRecord, fmt: ImportFormat, clean: pd.DataFrame, *, kind, user, report,
           clock, phase: _Phase) -> ImportRecord:
    """Write the clean rows all-or-nothing and record what changed."""
    phase.name = "saving"
    with transaction.atomic():
        fmt.record = record
        result = fmt.write(clean, user=user)
        clock.lap("write")
    clock.lap("commit")
    phase.name = "finishing"
    record.rows_created, record.rows_updated = result.created, result.updated
    record.rows_unchanged = result.unchanged
    record.warnings = [*record.warnings, *result.warnings]
    report(100)
    logger.info("import %s kind=%s rows=%s phases %s", record.pk, kind, len(clean), clock)
    return _finish(record, status=ImportRecord.Status.SUCCEEDED, problems=[])


class _PhaseClock:
    """Milliseconds by phase of one import, for the log (where an import's time goes)."""

    def __init__(self) -> None:
        self.started = self.last = time.perf_counter()
        self.phases: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.phases[name] = (now - self.last) * 1000
        self.last = now

    def __str__(self) -> str:
        parts = [f"{name}={ms:.0f}ms" for name, ms in self.phases.items()]
        return " ".join([*parts, f"total={(self.last - self.started) * 1000:.0f}ms"])


def _finish(
    record: ImportRecord, *, status: str, problems: list[dict], total_problems: int | None = None
) -> ImportRecord:
    record.status = status
    record.problems = problems[:MAX_PROBLEMS_STORED]
    if total_problems and total_problems > MAX_PROBLEMS_STORED:
        record.warnings = [
            *record.warnings,
            f"{total_problems} problems found; the first {MAX_PROBLEMS_STORED} are listed.",
        ]
    record.progress_pct = 100
    record.finished_at = timezone.now()
    record.save()
    logger.info(
        "import %s kind=%s status=%s rows=%s problems=%s",
        record.pk,
        record.kind,
        status,
        record.rows_read,
        len(problems),
    )
    return record
