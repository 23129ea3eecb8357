"""Against the seeded live stack: every CSV and Excel download of every page is safe against
formula injection, and child-level records reach no one but finance officers and administrators
through any page, download or API list.

The downloads are found by following each page's download links, so a new export is covered
when its page links to it; the test also names the exports it must have found.
"""

from __future__ import annotations

import csv
import html
import io
import re

import pytest
from openpyxl import load_workbook

from tests.live.stack import LiveClient, run_manage
from tests.send_tracker.test_access import URLS

pytestmark = [pytest.mark.slow]

EVIL = {
    "strand": '=HYPERLINK("http://evil.example","Click")',
    "risk": "@SUM(1+1)*cmd|' /C calc'!A0",
    "provider": "+cmd|' /C notepad'!A0",
}
FORMULA = re.compile(r"^[=+\-@\t\r]")
NUMBER = re.compile(r"^-?[\d,]*\.?\d+%?$")
# Child-level references in the demo: children, placements, invoices.
CHILD_LEVEL = re.compile(r"\b(C\d{6}|PL\d{7}|INV\d{8})\b")
MAIN_PAGES = ["/", "/programme/?year=2024-25&period=6", "/programme/strands/sufficiency/",
              "/programme/raid/", "/programme/kpis/", "/programme/compliance/",
              "/finance/?year=2024-25&period=6", "/finance/pressures/", "/finance/income/",
              "/finance/agreement/", "/finance/trajectory/", "/finance/scenarios/baseline/",
              "/placements/", "/placements/decisions/", "/placements/overpayments/",
              "/imports/", "/imports/ledger/", "/board/", "/board/compare/",
              "/audit/"]


def unsafe_cells(rows) -> list[str]:
    return [cell for row in rows for cell in row
            if isinstance(cell, str) and FORMULA.match(cell) and not NUMBER.match(cell)]


def download_links(body: str, page: str) -> list[str]:
    links = []
    for href in re.findall(r'<a\b[^>]*href="([^"]+)"[^>]*\bdownload\b', body):
        href = html.unescape(href)
        if href.startswith("?"):
            href = page.split("?")[0] + href
        links.append(href)
    # The board pack links (to the Excel workbook) are plain links.
    links += [html.unescape(h) for h in re.findall(r'href="([^"]+/pack\.xlsx)"', body)]
    return links


@pytest.fixture(scope="module")
def poisoned(live_stack):
    """Text that a spreadsheet would run as a formula, in data every export shows."""
    db = live_stack.db
    db.query("UPDATE programme_strand SET name = %s WHERE slug = "
             "(SELECT slug FROM programme_strand WHERE slug <> 'sufficiency' "
             "ORDER BY \"order\" DESC LIMIT 1)", [EVIL["strand"]])
    db.query("UPDATE programme_raiditem SET title = %s WHERE id = "
             "(SELECT min(id) FROM programme_raiditem)", [EVIL["risk"]])
    db.query("UPDATE placements_provider SET name = %s WHERE id IN "
             "(SELECT provider_id FROM placements_placement LIMIT 50)", [EVIL["provider"]])
    # A board summary built from the poisoned data, so its workbook carries them too.
    run_manage(db, live_stack.redis.url, "build_board_summary", "--year", "2024-25",
               "--period", "7")
    admin = LiveClient(live_stack.url).sign_in("admin")
    # A rejected import whose problem report echoes a formula from the uploaded file.
    return admin


def test_every_download_escapes_text_a_spreadsheet_would_run(live_stack, poisoned):
    admin = poisoned
    checked, unsafe = {}, []
    for page in [*MAIN_PAGES, "/board/2024-25/7/"]:
        status, body = admin.get(page)
        assert status == 200, page
        for link in download_links(body, page):
            if link in checked:
                continue
            status, data = admin.request_bytes(link)
            assert status == 200, link
            if data[:2] == b"PK":  # an Excel workbook
                book = load_workbook(io.BytesIO(data))
                rows = [[c.value for c in row] for ws in book.worksheets for row in ws.iter_rows()]
            else:
                rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
            checked[link] = len(rows)
            unsafe += [(link, cell) for cell in unsafe_cells(rows)]
    assert not unsafe
    kinds = " ".join(checked)
    for expected in ("/programme/export/csv/", "/programme/export/xlsx/", "pack.xlsx", "csv=",
                     "/audit/?csv=1", "template.csv", "template.xlsx"):
        assert expected in kinds, (expected, sorted(checked))
    assert len(checked) >= 12
    # The poisoned values were in the files, escaped: the check was not vacuous.
    status, data = admin.request_bytes("/programme/export/csv/?year=2024-25&period=6")
    assert ("'" + EVIL["strand"].replace('"', '""')) in data.decode("utf-8-sig")


def test_the_problem_report_of_an_import_escapes_the_values_it_echoes(live_stack):
    finance = LiveClient(live_stack.url).sign_in("finance")
    body = ("year,period,line_code,budget,actual_to_date,forecast_outturn\n"
            "2024/25,6,=1+2,@evil,-1+1,+1\n")
    record = run_manage(live_stack.db, live_stack.redis.url, "shell", "-c",
                        "from send_tracker.imports import run_import; "
                        f"r = run_import(kind='ledger', data={body.encode()!r}, "
                        "file_name='evil.csv', user=None); print(r.pk)").split()[-1]
    status, data = finance.request_bytes(f"/imports/record/{record}/?csv=problems")
    assert status == 200
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) >= 3
    assert not unsafe_cells(rows)
    assert any(cell.startswith("'=1+2") for row in rows for cell in row)


def api_lists(client) -> list[str]:
    status, body = client.get("/api/schema/?format=json")
    assert status == 200
    import json

    paths = json.loads(body)["paths"]
    return [p + "?limit=200" for p, ops in paths.items() if "{" not in p and "get" in ops]


@pytest.mark.parametrize("who", ["director", "lead-sufficiency"])
def test_child_level_records_reach_no_one_but_finance_and_administrators(live_stack, who):
    client = LiveClient(live_stack.url).sign_in(who)
    finance = LiveClient(live_stack.url).sign_in("finance")
    ids = {
        "decision": live_stack.db.scalar("SELECT min(id) FROM placements_placementdecision"),
        "flag": live_stack.db.scalar("SELECT min(id) FROM placements_overpaymentflag"),
    }
    pages = [*MAIN_PAGES, "/board/2024-25/6/", "/board/2024-25/5/",
             f"/placements/decisions/{ids['decision']}/",
             f"/placements/overpayments/{ids['flag']}/",
             "/placements/?provision_type=special_independent",
             *[u.path for u in URLS if not u.path.startswith(("/admin/", "/logout"))]]
    leaks, opened = [], 0
    for path in [*pages, *api_lists(finance)]:
        status, body = client.get(path)
        opened += status == 200
        if status == 200:
            leaks += [(path, m) for m in CHILD_LEVEL.findall(body)[:3]]
            for link in download_links(body, path):
                _, data = client.request_bytes(link)
                text = data.decode("utf-8-sig", errors="replace") if data[:2] != b"PK" else ""
                leaks += [(link, m) for m in CHILD_LEVEL.findall(text)[:3]]
    assert opened >= 30
    assert not leaks
    # The same search finds child-level references for a finance officer: it is not vacuous.
    _, body = finance.get("/api/v1/placements/?limit=5")
    assert CHILD_LEVEL.search(body)
