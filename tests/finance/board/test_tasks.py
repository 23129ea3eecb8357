"""The board's tasks and command: the beat's build_summary, on-demand builds, and a real worker."""

from __future__ import annotations

import time

import pytest
from django.core.management import call_command

from finance.board import tasks
from finance.board.models import BoardPack, BoardSummary


@pytest.mark.django_db
def test_the_beat_task_builds_the_reporting_months_draft_once_its_day_has_come(
    small_programme, reporting_calendar
):
    reporting_calendar(2024, 6)
    assert tasks.build_board_summary_if_due("2024-10-09") is None
    summary_id = tasks.build_board_summary_if_due("2024-10-10")
    assert BoardSummary.objects.get(pk=summary_id).period == 6
    assert tasks.build_board_summary_if_due("2024-10-14") is None


@pytest.mark.django_db
def test_the_command_builds_then_reports_an_unchanged_rebuild(small_programme, capsys):
    call_command("build_board_summary", "--year", "2024-25", "--period", "6")
    call_command("build_board_summary", "--year", "2024/25", "--period", "P6")
    out = capsys.readouterr().out
    assert "Built 2024/25 P6 version 1" in out
    assert "Unchanged (same content): 2024/25 P6 version 1" in out
    assert BoardSummary.objects.count() == 1


@pytest.mark.slow
@pytest.mark.worker
def test_a_real_worker_builds_the_draft_and_its_packs(small_programme, celery_worker_process):
    tasks.build_board_summary.delay(2024, 6)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready = BoardPack.objects.filter(status=BoardPack.Status.READY).count()
        if ready == 2:
            break
        time.sleep(0.3)
    summary = BoardSummary.objects.get()
    assert summary.content["savings"]["forecast_pence"] == 1_100_000_000
    packs = {p.kind: bytes(p.data[:4]) for p in summary.packs.filter(status="ready")}
    assert packs == {"pdf": b"%PDF", "xlsx": b"PK\x03\x04"}
