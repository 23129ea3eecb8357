"""Each rule has one helper (issue 11 point 4), and these guards keep it so: money becomes pounds
only in send_tracker/money.py, a workbook is written only by send_tracker/exports.py, a stale
edit is caught only by send_tracker/versioning.py's conditional UPDATE."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("send_tracker", "placements", "programme", "finance")


def app_sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path.relative_to(ROOT).as_posix(), path.read_text()


def offending_lines(pattern: str, *, allowed: tuple[str, ...]) -> list[str]:
    found = []
    for name, text in app_sources():
        if name in allowed:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.lstrip().startswith("#") and re.search(pattern, line):
                found.append(f"{name}:{number}: {line.strip()}")
    return found


# Pence divided into pounds or millions: `Decimal(x) / 100`, `pence / 100`, `/ 100_000_000`.
MONEY_DIVISION = (r"(\bDecimal\([\w\[\]\"'.]+\)|pence\w*\)?|\bv|\bvalue)\s*/\s*100\b"
                  r"|/\s*100_000_000\b|/\s*1e8\b")


def test_pence_become_pounds_only_in_send_tracker_money():
    allowed = ("send_tracker/money.py",
               # hundredths of a penny (a placement's share × 100) back to pence, not pounds
               "placements/selectors/cohort.py")
    assert offending_lines(MONEY_DIVISION, allowed=allowed) == []


@pytest.mark.parametrize("pattern", [r"from openpyxl import .*Workbook\b", r"number_format\s*="])
def test_workbooks_are_written_only_by_send_tracker_exports(pattern):
    # Reading a workbook (load_workbook in the import readers) is not writing one.
    assert offending_lines(pattern, allowed=("send_tracker/exports.py",)) == []


def test_the_money_guard_catches_a_local_copy(tmp_path):
    assert re.search(MONEY_DIVISION, "    return None if pence is None else Decimal(pence) / 100")
    assert re.search(MONEY_DIVISION, "x=[v['annual_cost_pence'] / 100_000_000 for v in rows]")
    assert not re.search(MONEY_DIVISION, "budget * Decimal(str(settings.RED_PCT)) / 100")


def test_stale_edits_are_caught_by_the_version_claim_not_by_comparing_times():
    # A time compared with what a form read is the old way (equal times from one transaction,
    # clocks of two servers): every stale-edit check is send_tracker.versioning's claim.
    times = r"updated_at\s*(!=|==|>=?|<=?)\s*\w|(!=|==|>=?|<=?)\s*[\w.]*updated_at\b"
    assert offending_lines(times, allowed=()) == []
    claims = r"version\s*=\s*read_version\)\s*\.update\("
    assert offending_lines(claims, allowed=("send_tracker/versioning.py",)) == []


def test_pages_read_year_and_period_from_the_query_only_through_send_tracker_yearperiod():
    reads = r"\bGET(\.get\(|\[)[\"'](year|period)[\"']|[\"'](year|period)[\"']\s+in\s+request\.GET"
    assert offending_lines(reads, allowed=("send_tracker/yearperiod.py",)) == []


def test_the_twelve_periods_and_the_rag_words_are_defined_once():
    periods = r"range\(1,\s*13\)|1\s*<=\s*\w+\s*<=\s*12\b|period__lte=12"
    assert offending_lines(periods, allowed=("send_tracker/fiscal.py",)) == []
    rag_words = r"[\"'](Blue – delivered|Green – on track|Amber – at risk|Red – off track)[\"']"
    assert offending_lines(rag_words, allowed=("send_tracker/rag.py",)) == []
