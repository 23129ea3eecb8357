"""Import a file from the command line: exits 0 when loaded, 1 when rejected (problems printed)."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from send_tracker.imports import all_formats, run_import
from send_tracker.models import ImportRecord


class Command(BaseCommand):
    help = "Load a CSV or XLSX file of the given KIND (all-or-nothing)."

    def add_arguments(self, parser) -> None:
        kinds = ", ".join(f.kind for f in all_formats())
        parser.add_argument("kind", help=f"the kind of file: {kinds}")
        parser.add_argument("path", help="path to the .csv or .xlsx file")
        parser.add_argument("--user", help="username recorded as the importer")

    def handle(self, *args, kind: str, path: str, user: str | None = None, **options) -> None:
        file_path = Path(path)
        if not file_path.is_file():
            raise CommandError(f"No file at {path}.")
        importer = None
        if user:
            importer = get_user_model().objects.filter(username=user).first()
            if importer is None:
                raise CommandError(f"No user called {user}.")
        record = run_import(
            kind=kind, data=file_path.read_bytes(), file_name=file_path.name, user=importer
        )
        for warning in record.warnings:
            self.stderr.write(f"Warning: {warning}")
        if record.status != ImportRecord.Status.SUCCEEDED:
            for p in record.problems:
                where = f"Row {p['row']}, column '{p['column']}'" if p["row"] else "File"
                value = f", value '{p['value']}'" if p["value"] else ""
                self.stderr.write(f"{where}{value}: {p['reason']}")
            raise CommandError(
                f"Rejected: {len(record.problems)} problem(s); nothing was written "
                f"(import {record.pk})."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {record.rows_read} rows: {record.rows_created} created, "
                f"{record.rows_updated} updated, {record.rows_unchanged} unchanged "
                f"(import {record.pk})."
            )
        )
