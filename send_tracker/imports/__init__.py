"""File imports, written once for every app: read, check, parse, validate, write all-or-nothing.

An app declares a format in its `imports.py`::

    from send_tracker.imports import Column, ImportFormat, Problems, register, upsert

    @register
    class ProviderFormat(ImportFormat):
        kind = "providers"
        label = "Providers"
        columns = [Column("provider_ref", "text", unique=True), ...]

        def check(self, df, problems: Problems) -> None:
            problems.where(df["end_date"] < df["start_date"], "end_date", "is before start_date")

        def write(self, df, *, user):
            return upsert(Provider, df, key=["ref"], fields={"provider_ref": "ref", ...}, user=user)

Column kinds: text, int, money (→ int pence), date, bool, pct, decimal, code (choices,
case-insensitive), year (→ start year), period (1–12). `run_import` does the rest: encodings,
XLSX safety, missing/extra columns, per-cell problems (row, column, value, reason), the
all-or-nothing transaction and the ImportRecord; `send_tracker.tasks.run_import_task` runs it
in Celery (every upload from the browser: the request only stores the file and queues it).
Limits (settings.IMPORT_MAX_*) are checked by `reading` while the file is read.
"""

from send_tracker.imports.columns import Column
from send_tracker.imports.core import (
    ImportFormat,
    Problems,
    WriteResult,
    all_formats,
    get_format,
    imports_due,
    register,
    run_import,
)
from send_tracker.imports.reading import FileRejected, read_table
from send_tracker.imports.upsert import upsert

__all__ = [
    "Column",
    "FileRejected",
    "ImportFormat",
    "Problems",
    "WriteResult",
    "all_formats",
    "get_format",
    "imports_due",
    "read_table",
    "register",
    "run_import",
    "upsert",
]
