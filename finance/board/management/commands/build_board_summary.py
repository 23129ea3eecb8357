"""Build (or refresh) a month's board summary: `build_board_summary --year 2024-25 --period 6`."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from send_tracker.fiscal import FinancialYear, parse_period


class Command(BaseCommand):
    help = "Build a month's board summary draft now (the same service the Celery task calls)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", required=True, help="financial year, e.g. 2024-25")
        parser.add_argument("--period", required=True, help="period 1–12 (P6 = September)")
        parser.add_argument(
            "--new-version", action="store_true",
            help="If the month is signed off, start a new draft version of it.",
        )
        parser.add_argument("--pdf", action="store_true", help="Also build the PDF pack now.")

    def handle(self, *args, year: str, period: str, new_version: bool, pdf: bool, **options):
        from finance.board.services import board_pack_build, board_summary_build

        try:
            fy, number = FinancialYear.parse(year), parse_period(period)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        started = time.perf_counter()
        result = board_summary_build(year=fy.start_year, period=number, new_version=new_version)
        built = time.perf_counter() - started
        summary = result.summary
        messages = {
            "created": "Built",
            "updated": "Refreshed",
            "unchanged": "Unchanged (same content):",
            "signed_off": "Signed off, left as it is (use --new-version for a new draft):",
        }
        self.stdout.write(
            f"{messages[result.outcome]} {fy.label} P{number} version {summary.version} "
            f"({summary.get_status_display().lower()}) in {built:.2f} s."
        )
        if pdf:
            started = time.perf_counter()
            pack = board_pack_build(summary_id=summary.pk, kind="pdf")
            took = time.perf_counter() - started
            self.stdout.write(f"PDF board pack: {pack.size_bytes:,} bytes in {took:.2f} s.")
